/** The roster's Excel import (a queued job per upload) and export, and the spreadsheet helpers. */
export { assertXlsxUpload, exportRoster, importRoster } from './service.ts';
export type { ImportIssue, ImportProgress } from './import-jobs.ts';
export { ExportQuery } from './schema.ts';
export { addTableSheet, workbookBuffer, type SheetColumn } from './xlsx.ts';
export { registerRosterRoutes } from './routes.ts';
