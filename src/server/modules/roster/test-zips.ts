import zlib from 'node:zlib';

/**
 * Zip archives built by hand for the archive guard's tests and the bomb bench: workbooks whose
 * sheet inflates to any size from a few MB, and headers that lie about it.
 */

export interface ZipEntry {
  name: string;
  /** Raw deflate data. */
  deflated: Buffer;
  /** Size written in the headers (a bomb may lie). */
  declaredSize: number;
}

export const deflated = (name: string, content: string | Buffer): ZipEntry => {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  return { name, deflated: zlib.deflateRawSync(data), declaredSize: data.length };
};

/** A zip of the entries (deflate, no data descriptors, CRCs left 0: nothing here checks them). */
export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.deflated.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.deflated.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.deflated);
    centrals.push(central, name);
    offset += local.length + name.length + e.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

class BitWriter {
  private readonly bytes: Buffer;
  private bit = 0;
  constructor(maxBits: number) {
    this.bytes = Buffer.alloc(Math.ceil(maxBits / 8) + 8);
  }
  /** Header fields and extra bits: least significant bit first. */
  lsb(value: number, n: number): void {
    for (let i = 0; i < n; i++) this.one((value >> i) & 1);
  }
  /** Huffman codes: most significant bit first. */
  msb(code: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.one((code >> i) & 1);
  }
  private one(b: number): void {
    if (b) this.bytes[this.bit >> 3] = (this.bytes[this.bit >> 3] ?? 0) | (1 << (this.bit & 7));
    this.bit++;
  }
  alignedBytes(): Buffer {
    return this.bytes.subarray(0, Math.ceil(this.bit / 8));
  }
}

/**
 * Raw deflate of `prefix`, then `repeats` × 258 bytes repeating its last three (one Chinese
 * character), then `suffix` — built directly (one fixed-Huffman block of length-258, distance-3
 * copies, 13 bits each), so 1.5 GB of text costs 9 MB and no time to make. `suffix: null` leaves the stream unfinished; `garbage`
 * bytes after it make it invalid from there on.
 */
export function repeatedDeflate(prefix: string, repeats: number, suffix: string | null, garbage = 0): Buffer {
  const head = zlib.deflateRawSync(Buffer.from(prefix), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const bits = new BitWriter(3 + repeats * 13 + 7 + 3 + 8);
  bits.lsb(0, 1); // not the last block
  bits.lsb(1, 2); // fixed Huffman codes
  for (let i = 0; i < repeats; i++) {
    bits.msb(0b11000101, 8); // length 258 (code 285)
    bits.msb(2, 5); // distance 3
  }
  bits.msb(0, 7); // end of block
  bits.lsb(0, 3); // an empty stored block brings the stream back to a byte boundary
  const body = Buffer.concat([bits.alignedBytes(), Buffer.from([0, 0, 0xff, 0xff])]);
  const tail = suffix === null ? Buffer.alloc(0) : zlib.deflateRawSync(Buffer.from(suffix));
  return Buffer.concat([head, body, tail, Buffer.alloc(garbage, 0xff)]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="党员名册" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;
const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>`;
const SHEET_TAIL = `</t></is></c></row></sheetData></worksheet>`;

/** The parts around the sheet of a minimal workbook. */
export const workbookParts = (): ZipEntry[] => [
  deflated('[Content_Types].xml', CONTENT_TYPES),
  deflated('_rels/.rels', RELS),
  deflated('xl/workbook.xml', WORKBOOK),
  deflated('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
];

/**
 * An xlsx whose one cell holds `inflatedBytes` (rounded to 258) of repeated text. `lie` writes a
 * small size in the headers instead of the true one; `garbageAfter` makes the compressed data
 * invalid after the repeated text, so a reader that gets there has inflated all of it.
 */
export function xlsxBomb(inflatedBytes: number, opts: { lie?: boolean; garbageAfter?: boolean } = {}): Buffer {
  const repeats = Math.ceil(inflatedBytes / 258);
  const prefix = `${SHEET_HEAD}炸`;
  const data = opts.garbageAfter ? repeatedDeflate(prefix, repeats, null, 64) : repeatedDeflate(prefix, repeats, SHEET_TAIL);
  const trueSize = Buffer.byteLength(prefix) + repeats * 258 + Buffer.byteLength(SHEET_TAIL);
  return zipOf([...workbookParts(), { name: 'xl/worksheets/sheet1.xml', deflated: data, declaredSize: opts.lie ? 4096 : trueSize }]);
}
