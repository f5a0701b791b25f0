import crypto from 'node:crypto';
import type { ImportJob } from '../../../shared/api.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';

export type ImportPhase = ImportJob['phase'];
export type ImportIssue = ImportJob['issues'][number];

export interface ImportProgress {
  phase: ImportPhase;
  processed: number;
  total: number;
}

export interface ImportOutcome {
  imported: number;
  issues: ImportIssue[];
}

export interface JobOwner {
  tenantId: string;
  accountId: string;
}

interface Entry {
  owner: JobOwner;
  job: ImportJob;
  finishedAt: number | null;
}

/**
 * Import jobs of this process. An upload is answered at once with a job id; the import runs in
 * the background and the client polls. Jobs live in memory (an import is re-run by uploading the
 * file again, so nothing is lost on restart) and are forgotten an hour after they finish.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, Entry>();

  constructor(
    private readonly onUnexpectedError: (err: unknown) => void,
    private readonly keepMs = 60 * 60_000,
  ) {}

  start(owner: JobOwner, run: (report: (p: ImportProgress) => void) => Promise<ImportOutcome>): ImportJob {
    this.purge();
    const job: ImportJob = { id: crypto.randomUUID(), state: 'running', phase: 'reading', processed: 0, total: 0, imported: 0, issues: [], message: null };
    const entry: Entry = { owner, job, finishedAt: null };
    this.jobs.set(job.id, entry);
    const report = (p: ImportProgress): void => {
      job.phase = p.phase;
      job.processed = p.processed;
      job.total = p.total;
    };
    // Started on the next turn so the 202 goes out before the CPU-heavy parsing begins.
    setImmediate(() => {
      run(report)
        .then((outcome) => {
          job.issues = outcome.issues;
          job.imported = outcome.imported;
          job.state = outcome.issues.length ? 'failed' : 'done';
          job.message = outcome.issues.length
            ? `发现 ${outcome.issues.length} 个问题，未导入任何数据，请修改后重新上传`
            : `已导入 ${outcome.imported} 名党员`;
        })
        .catch((err: unknown) => {
          job.state = 'failed';
          if (err instanceof AppError) {
            job.message = err.message;
          } else {
            job.message = '导入失败：服务器内部错误，未导入任何数据';
            this.onUnexpectedError(err);
          }
        })
        .finally(() => {
          job.phase = 'finished';
          entry.finishedAt = Date.now();
        });
    });
    return { ...job };
  }

  get(owner: JobOwner, id: string): ImportJob {
    this.purge();
    const entry = this.jobs.get(id);
    if (!entry) throw notFound('导入任务');
    if (entry.owner.tenantId !== owner.tenantId || entry.owner.accountId !== owner.accountId) throw forbidden();
    return { ...entry.job };
  }

  private purge(): void {
    const now = Date.now();
    for (const [id, e] of this.jobs) {
      if (e.finishedAt !== null && now - e.finishedAt > this.keepMs) this.jobs.delete(id);
    }
  }
}
