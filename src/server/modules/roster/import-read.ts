import { AppError } from '../../errors.ts';
import type { ImportIssue, ImportProgress } from './import-jobs.ts';
import { HEADER, type RosterRow } from './import-row.ts';
import { IMPORT_COLUMNS, type ImportColumnKey } from './schema.ts';
import { readImportSheet } from './sheet-reader.ts';
import { normalizeHeader } from './xlsx.ts';

export const MAX_IMPORT_ROWS = 100_000;

/**
 * Reads the uploaded workbook into roster rows: the sheet whose first row holds the column names
 * (read in a worker thread, see sheet-reader.ts), each data row's cells keyed by column. Refuses a
 * workbook without such a sheet or without data rows; a sheet that lacks a required column gives
 * one issue per missing column instead of rows.
 */
export async function readRoster(
  buffer: Buffer,
  onProgress: (p: ImportProgress) => void,
  signal?: AbortSignal,
): Promise<{ rows: RosterRow[] } | { missingColumns: ImportIssue[] }> {
  onProgress({ phase: 'reading', processed: 0, total: 0 });
  const sheet = await readImportSheet(buffer, HEADER.name, MAX_IMPORT_ROWS, (processed) => onProgress({ phase: 'reading', processed, total: 0 }), signal ? { signal } : {});
  if (!sheet) throw new AppError('import_invalid', `没有找到第 1 行为列名（姓名、性别…）的工作表，请使用导入模板`);
  if (sheet.rows.length === 0) throw new AppError('import_invalid', '表格中没有党员数据');

  // The first column of each name counts; columns the template does not know are ignored.
  const col = new Map<ImportColumnKey, number>();
  sheet.header.forEach((h, i) => {
    const name = normalizeHeader(h);
    const c = IMPORT_COLUMNS.find((x) => x.header === name);
    if (c && !col.has(c.key)) col.set(c.key, i);
  });
  const missing = IMPORT_COLUMNS.filter((c) => c.required && !col.has(c.key));
  if (missing.length) return { missingColumns: missing.map((c) => ({ row: 1, column: c.header, message: `缺少“${c.header}”列` })) };

  const columns = [...col.entries()];
  const rows = sheet.rows.map((row): RosterRow => {
    const values: RosterRow['values'] = {};
    for (const [key, idx] of columns) values[key] = row.cells[idx] ?? null;
    return { rowNumber: row.rowNumber, values };
  });
  return { rows };
}
