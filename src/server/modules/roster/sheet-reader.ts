import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../errors.ts';
import { assertSafeXlsx } from './archive.ts';
import type { ImportSheet } from './xlsx.ts';

/**
 * Heap of the reader thread. exceljs's whole-workbook reader needs about ten times the sheet's
 * XML: a template roster of 40,000 rows (24 MB of XML) fits, one of 60,000 does not and is refused
 * with a message. With this cap the server grows by at most ~360 MB (heap, young generation and
 * the inflated XML) while a file is read, whatever its cells look like.
 */
export const READER_HEAP_MB = 256;

/** A read that takes longer is ended: the organization's next imports wait for this one. */
export const READ_TIMEOUT_MS = 5 * 60_000;

export interface ReaderInput {
  buffer: Uint8Array;
  headerName: string;
  maxRows: number;
}

export type ReaderMessage =
  | { kind: 'progress'; processed: number }
  | { kind: 'done'; sheet: ImportSheet | null }
  | { kind: 'refused'; code: ErrorCode; message: string };

const tooComplex = (): AppError =>
  new AppError('payload_too_large', '文件内容过多，超出了读取一个文件可用的内存，请分成多个较小的文件（每个不超过 3 万行）导入');

// The worker runs the TypeScript source as the server does, through tsx's loader.
const WORKER = new URL('./sheet-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(WORKER)});`;

/**
 * Reads the import sheet of an uploaded .xlsx without letting it endanger the server: the archive
 * is checked first (`assertSafeXlsx`: declared and actual inflated sizes), then exceljs loads it in
 * a worker thread whose heap is capped, so a workbook that still needs too much memory ends that
 * thread (and the import, with a message) instead of the process. `signal` ends the thread early.
 */
export async function readImportSheet(
  buffer: Buffer,
  headerName: string,
  maxRows: number,
  onRow: (processed: number) => void,
  opts: { heapMb?: number; signal?: AbortSignal } = {},
): Promise<ImportSheet | null> {
  await assertSafeXlsx(buffer);
  const heapMb = opts.heapMb ?? READER_HEAP_MB;
  const input: ReaderInput = { buffer, headerName, maxRows };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`), {
      workerData: input,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, heapMb >> 3)) },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', abort);
      clearTimeout(timeout);
      fn();
      void worker.terminate();
    };
    const abort = (): void => settle(() => reject(new AppError('internal', '导入已中止（服务器正在停止），未导入任何数据，请重新上传文件')));
    const timeout = setTimeout(
      () => settle(() => reject(new AppError('payload_too_large', `读取文件超过 ${READ_TIMEOUT_MS / 60_000} 分钟仍未完成，请分成多个较小的文件导入`))),
      READ_TIMEOUT_MS,
    );
    if (opts.signal?.aborted) return abort();
    opts.signal?.addEventListener('abort', abort);
    worker.on('message', (m: ReaderMessage) => {
      if (m.kind === 'progress') onRow(m.processed);
      else if (m.kind === 'done') settle(() => resolve(m.sheet));
      else settle(() => reject(new AppError(m.code, m.message)));
    });
    worker.on('error', (err: Error & { code?: string }) => settle(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooComplex() : err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`import reader thread exited with code ${code}`))));
  });
}
