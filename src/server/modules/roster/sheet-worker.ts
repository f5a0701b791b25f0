import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../errors.ts';
import type { ReaderInput, ReaderMessage } from './sheet-reader.ts';
import { loadImportSheet } from './xlsx.ts';

/** The reader thread: loads one workbook with exceljs and hands back the import sheet's cells. */
const input = workerData as ReaderInput;
// oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker_threads port, not a window
const send = (m: ReaderMessage): void => parentPort?.postMessage(m);

try {
  const sheet = await loadImportSheet(input.buffer, input.headerName, input.maxRows, (processed) => send({ kind: 'progress', processed }));
  send({ kind: 'done', sheet });
} catch (err) {
  if (err instanceof AppError) send({ kind: 'refused', code: err.code, message: err.message });
  else throw err;
}
