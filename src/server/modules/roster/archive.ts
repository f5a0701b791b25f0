import zlib from 'node:zlib';
import { AppError } from '../../errors.ts';

/**
 * Limits on what an uploaded .xlsx may inflate to. A spreadsheet is a zip of XML: a 1.6 MB file
 * can declare (or, with a lying header, hide) 1.5 GB of XML, and exceljs's whole-workbook reader
 * would hold all of it and more in memory. A roster of 50,000 rows inflates to about 30 MB.
 */
export const MAX_INFLATED_BYTES = 50 * 1024 * 1024;
export const MAX_ARCHIVE_ENTRIES = 1000;

const MB = (n: number): number => Math.round(n / (1024 * 1024));

export const tooLargeInflated = (limit = MAX_INFLATED_BYTES): AppError =>
  new AppError('payload_too_large', `文件解压后超过 ${MB(limit)} MB，可能不是正常的花名册，请检查后重新导出，或分成多个文件导入`);

const corrupt = (): AppError => new AppError('import_invalid', '文件已损坏或不是有效的 Excel .xlsx 文件，请用 Excel 打开后重新保存为 .xlsx 再上传');

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATE = 8;

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

export interface ArchiveLimits {
  maxInflatedBytes: number;
  maxEntries: number;
}

/**
 * Checks an uploaded .xlsx before anything loads it whole: the central directory's declared sizes
 * (total and every entry) and entry count first, then every entry is inflated as a stream and
 * its bytes counted and thrown away, so a header that understates an entry is caught too, and
 * inflating stops as soon as the total passes the limit. Memory stays at one zlib window whatever
 * the file. Throws `payload_too_large` for a bomb, `import_invalid` for anything that is not a
 * readable workbook.
 */
export async function assertSafeXlsx(buffer: Buffer, limits: ArchiveLimits = { maxInflatedBytes: MAX_INFLATED_BYTES, maxEntries: MAX_ARCHIVE_ENTRIES }): Promise<void> {
  const entries = readCentralDirectory(buffer, limits);
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    throw new AppError('import_invalid', '该压缩文件不是 Excel 工作簿，请上传用 Excel 保存的 .xlsx 文件');
  }
  let budget = limits.maxInflatedBytes;
  for (const entry of entries) {
    const data = entryData(buffer, entry);
    const actual = entry.method === STORED ? data.length : await inflatedSize(data, budget, limits.maxInflatedBytes);
    budget -= actual;
    if (budget < 0) throw tooLargeInflated(limits.maxInflatedBytes);
    if (actual !== entry.declaredSize) throw corrupt();
  }
}

/** What the archive's central directory says its entries inflate to, in total (after the same checks). */
export function declaredInflatedSize(buffer: Buffer, limits: ArchiveLimits = { maxInflatedBytes: MAX_INFLATED_BYTES, maxEntries: MAX_ARCHIVE_ENTRIES }): number {
  return readCentralDirectory(buffer, limits).reduce((n, e) => n + e.declaredSize, 0);
}

function readCentralDirectory(buffer: Buffer, limits: ArchiveLimits): Entry[] {
  const eocd = findEndOfCentralDirectory(buffer);
  const count = buffer.readUInt16LE(eocd + 10);
  const size = buffer.readUInt32LE(eocd + 12);
  const offset = buffer.readUInt32LE(eocd + 16);
  // Zip64 markers: no genuine roster needs them (the upload is at most 20 MB).
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw tooLargeInflated(limits.maxInflatedBytes);
  if (count > limits.maxEntries) {
    throw new AppError('payload_too_large', `文件包含超过 ${limits.maxEntries} 个内部文件，可能不是正常的花名册，请检查后重新导出`);
  }
  if (offset + size > eocd) throw corrupt();
  const entries: Entry[] = [];
  let declaredTotal = 0;
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || buffer.readUInt32LE(p) !== CENTRAL) throw corrupt();
    const flags = buffer.readUInt16LE(p + 8);
    const method = buffer.readUInt16LE(p + 10);
    const compressedSize = buffer.readUInt32LE(p + 20);
    const declaredSize = buffer.readUInt32LE(p + 24);
    const nameLength = buffer.readUInt16LE(p + 28);
    const extraLength = buffer.readUInt16LE(p + 30);
    const commentLength = buffer.readUInt16LE(p + 32);
    const localOffset = buffer.readUInt32LE(p + 42);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (flags & 0x1) throw new AppError('import_invalid', '文件设置了密码，请在 Excel 中取消密码后重新保存再上传');
    if (method !== STORED && method !== DEFLATE) throw corrupt();
    if (declaredSize > limits.maxInflatedBytes) throw tooLargeInflated(limits.maxInflatedBytes);
    declaredTotal += declaredSize;
    if (declaredTotal > limits.maxInflatedBytes) throw tooLargeInflated(limits.maxInflatedBytes);
    entries.push({ name, method, compressedSize, declaredSize, localOffset });
  }
  return entries;
}

function findEndOfCentralDirectory(buffer: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const last = buffer.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let p = last; p >= first; p--) {
    if (buffer.readUInt32LE(p) === EOCD) return p;
  }
  throw corrupt();
}

function entryData(buffer: Buffer, entry: Entry): Buffer {
  const p = entry.localOffset;
  if (p + 30 > buffer.length || buffer.readUInt32LE(p) !== LOCAL) throw corrupt();
  const start = p + 30 + buffer.readUInt16LE(p + 26) + buffer.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > buffer.length) throw corrupt();
  return buffer.subarray(start, end);
}

/** Inflates `data` counting the bytes and keeping none; stops past `budget`. */
function inflatedSize(data: Buffer, budget: number, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = zlib.createInflateRaw();
    let size = 0;
    let settled = false;
    const fail = (err: AppError): void => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      reject(err);
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) fail(tooLargeInflated(limit));
    });
    inflate.on('error', () => fail(corrupt()));
    inflate.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(size);
    });
    inflate.end(data);
  });
}
