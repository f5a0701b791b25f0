import ExcelJS from 'exceljs';
import { AppError } from '../../errors.ts';

/** What a spreadsheet cell can hold once formulas, links and rich text are flattened. */
export type CellInput = string | number | Date | null;

export interface SheetRow {
  /** Row number as the spreadsheet shows it (the header is row 1). */
  rowNumber: number;
  /** Cell values by column number (1-based). */
  cells: CellInput[];
}

export function cellInput(v: ExcelJS.CellValue): CellInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if ('richText' in v) return cellInput(v.richText.map((p) => p.text).join(''));
  if ('hyperlink' in v) return cellInput(v.text);
  if ('formula' in v || 'sharedFormula' in v) {
    const result = v.result;
    if (result === undefined || (typeof result === 'object' && !(result instanceof Date))) return null;
    return cellInput(result);
  }
  // An error value (#N/A, #REF!…) is as good as empty.
  return null;
}

export interface ImportSheet {
  header: CellInput[];
  rows: SheetRow[];
}

/** A header cell as the template writes it: without a leading or trailing * and a (…) note. */
export const normalizeHeader = (v: CellInput): string =>
  typeof v === 'string' ? v.replace(/[（(].*$/, '').replace(/^\*|\*$/g, '').trim() : '';

/**
 * Reads the import sheet: the first worksheet whose row 1 holds the `headerName` column, so the
 * 说明 sheet and any extra sheets are skipped whatever their order. Cells right of the header's
 * last column are dropped (they have no column to go to).
 *
 * The whole workbook is loaded at once on purpose: exceljs's streaming reader decodes each
 * 16 KB chunk of XML separately and turns a Chinese character split across two chunks into
 * U+FFFD, silently corrupting names and addresses (exceljs issues #2063, #2084, #2316). Only
 * call this on an archive `assertSafeXlsx` passed, and in the reader thread (`sheet-reader.ts`),
 * whose heap limit keeps whatever exceljs allocates away from the server's.
 */
export async function loadImportSheet(
  buffer: Uint8Array,
  headerName: string,
  maxRows: number,
  onRow: (processed: number) => void,
): Promise<ImportSheet | null> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new AppError('import_invalid', '无法读取该文件，请确认它是 Excel 的 .xlsx 文件且没有损坏');
  }
  for (const sheet of workbook.worksheets) {
    const header = rowCells(sheet.getRow(1), Number.MAX_SAFE_INTEGER);
    if (!header.some((c) => normalizeHeader(c) === headerName)) continue;
    if (sheet.actualRowCount - 1 > maxRows) {
      throw new AppError('import_invalid', `一次最多导入 ${maxRows} 行，请分成多个文件`);
    }
    const rows: SheetRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells = rowCells(row, header.length);
      if (cells.every((c) => c === null)) return;
      rows.push({ rowNumber, cells });
      if (rows.length % 500 === 0) onRow(rows.length);
    });
    onRow(rows.length);
    return { header, rows };
  }
  return null;
}

function rowCells(row: ExcelJS.Row, maxCells: number): CellInput[] {
  const values = row.values;
  const cells: CellInput[] = [];
  if (Array.isArray(values)) {
    for (let i = 1; i < values.length && i <= maxCells; i++) cells.push(cellInput(values[i]));
  }
  return cells;
}

// ---------- dates ----------

const pad = (n: number): string => String(n).padStart(2, '0');

function ymd(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || y > 2199) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * A date cell as 'YYYY-MM-DD', or 'invalid'. Accepts Excel dates (Date objects), Excel serial
 * numbers, 8-digit numbers such as 19900501, and text 'YYYY-MM-DD', 'YYYY/M/D', 'YYYY.M.D',
 * 'YYYY年M月D日'.
 */
export function parseDateCell(v: CellInput): string | 'invalid' | null {
  if (v === null) return null;
  if (v instanceof Date) {
    // exceljs gives date cells as UTC midnight of the day shown.
    return ymd(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()) ?? 'invalid';
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 19000101 && v <= 21991231) {
      return ymd(Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100) ?? 'invalid';
    }
    if (v >= 1 && v < 109_575) {
      const d = new Date(EXCEL_EPOCH + Math.floor(v) * 86_400_000);
      return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) ?? 'invalid';
    }
    return 'invalid';
  }
  const s = v.trim();
  if (/^\d{8}$/.test(s)) return ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8))) ?? 'invalid';
  const m = DATE_TEXT.exec(s);
  if (!m) return 'invalid';
  return ymd(Number(m[1]), Number(m[2]), Number(m[3])) ?? 'invalid';
}

// ---------- writing ----------

export interface SheetColumn {
  header: string;
  width: number;
  format?: 'text' | 'date' | undefined;
}

/** A sheet with a bold, frozen, filterable header row and the given column widths and formats. */
export function addTableSheet(workbook: ExcelJS.Workbook, name: string, columns: readonly SheetColumn[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    style: c.format === 'text' ? { numFmt: '@' } : c.format === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  styleHeader(sheet.getRow(1));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

export function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle' };
  row.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDECEA' } };
    // The header keeps the general format even when its column is text or date.
    cell.numFmt = 'General';
  });
}

export async function workbookBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** 'YYYY-MM-DD' → a Date cell shown as that day. */
export const dateCell = (s: string | null): Date | null => (s ? new Date(`${s}T00:00:00Z`) : null);
