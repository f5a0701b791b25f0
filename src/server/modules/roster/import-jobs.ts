import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { ImportJob } from '../../../shared/api.ts';
import type { Database } from '../../db/database.ts';
import type { ImportJobTable } from '../../db/tables.ts';
import { AppError, forbidden, notFound, uniqueViolation } from '../../errors.ts';
import { sqlNow } from '../../clock.ts';

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

/** Who may read a job: its uploader, or an administrator of its tenant. */
export interface ImportViewer {
  tenantId: string;
  accountId: string;
  isTenantAdmin: boolean;
}

/** A job claimed by this process, with what its run needs. */
export interface ClaimedImport {
  tenantId: string;
  id: string;
  accountId: string;
  ip: string | null;
  upload: Buffer;
}

export type RunImport = (job: ClaimedImport, report: (p: ImportProgress) => void, signal: AbortSignal) => Promise<ImportOutcome>;

/** Uploads an organization may have waiting at once: each holds its file (≤ 20 MB) in its row. */
export const MAX_QUEUED_PER_TENANT = 10;
/** A job's issues are kept up to this many; the message still gives their number. */
export const MAX_STORED_ISSUES = 1000;
/** A running job whose process has not written for this long is taken as interrupted. */
const STALE_SECONDS = 90;
const HEARTBEAT_MS = 10_000;
/** Finished import jobs are kept this long for the uploader to look at, then deleted. */
const KEEP_FINISHED = '7 days';

export const INTERRUPTED_MESSAGE = '导入因服务器重启而中断，请重新上传文件（若提示手机号已登记，说明中断前已导入完成）';

type Row = Selectable<ImportJobTable>;
const VIEW_COLUMNS = ['tenant_id', 'id', 'seq', 'account_id', 'state', 'phase', 'processed', 'total', 'imported', 'issues', 'message'] as const;
type ViewRow = Pick<Row, (typeof VIEW_COLUMNS)[number]>;

/**
 * Roster imports as rows of `import_job`, run one at a time per tenant, in upload order, by
 * whichever app process sharing the database claims them first, each process running at most
 * one at a time (so a server holds at most one workbook in memory, whatever is uploaded).
 *
 * An upload inserts a queued row holding the file and wakes this process's loop; other processes
 * find it at their next poll. A claim is one short statement (`FOR UPDATE SKIP LOCKED`), and the
 * partial unique index on running jobs makes two processes claiming for the same tenant at the same
 * moment collide rather than run side by side. A running job's process writes its progress and a
 * heartbeat; a job whose process died is failed with a message to upload again (at the next start
 * on the embedded database, which only one process can open; after `STALE_SECONDS` on a shared
 * server).
 */
export class ImportQueue {
  private readonly workerId = crypto.randomUUID();
  private readonly abort = new AbortController();
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  /** When this process last looked for import jobs whose process died (shared server only). */
  private lastSweep = 0;

  constructor(
    private readonly db: Database,
    private readonly run: RunImport,
    private readonly opts: {
      onUnexpectedError: (err: unknown) => void;
      /** Only one process can open the embedded database: whatever it finds running was interrupted. */
      soleProcess: boolean;
      pollMs?: number;
    },
  ) {}

  /**
   * Recovers interrupted jobs, then polls for jobs queued by other processes. On the embedded
   * database there are none: every job is queued here, and `enqueue` wakes the loop itself.
   */
  start(): void {
    this.started = true;
    const recover = this.opts.soleProcess ? this.failInterrupted(true) : Promise.resolve();
    void recover.catch(this.opts.onUnexpectedError).finally(() => this.kick());
    if (this.opts.soleProcess) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 2_000);
    this.timer.unref();
  }

  /** Stops claiming; a read in progress is ended and its job failed, a write is waited for. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.draining;
  }

  async enqueue(owner: { tenantId: string; accountId: string; ip: string | null }, fileName: string, upload: Buffer): Promise<ImportJob> {
    await this.db
      .deleteFrom('import_job')
      .where('tenant_id', '=', owner.tenantId)
      .where('finished_at', '<', sql<Date>`lianxin_now() - ${KEEP_FINISHED}::interval`)
      .execute();
    const waiting = await this.db
      .selectFrom('import_job')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', owner.tenantId)
      .where('state', '=', 'queued')
      .executeTakeFirstOrThrow();
    if (Number(waiting.n) >= MAX_QUEUED_PER_TENANT) {
      throw new AppError('rate_limited', `本组织已有 ${MAX_QUEUED_PER_TENANT} 个导入在排队，请等前面的导入完成后再上传`);
    }
    const row = await this.db
      .insertInto('import_job')
      .values({ tenant_id: owner.tenantId, account_id: owner.accountId, ip: owner.ip, file_name: fileName.slice(0, 255), upload })
      .returning(VIEW_COLUMNS)
      .executeTakeFirstOrThrow();
    this.kick();
    return this.view(row);
  }

  async get(viewer: ImportViewer, id: string): Promise<ImportJob> {
    const row = await this.db.selectFrom('import_job').select(VIEW_COLUMNS).where('tenant_id', '=', viewer.tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('导入任务');
    if (row.account_id !== viewer.accountId && !viewer.isTenantAdmin) throw forbidden();
    return this.view(row);
  }

  /** Runs queued import jobs until none can be claimed; a wake-up during the run makes it look again. */
  private kick(): void {
    if (!this.started || this.abort.signal.aborted) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        try {
          // A dead process's job is only found after `STALE_SECONDS`: looking at every poll is needless.
          if (!this.opts.soleProcess && Date.now() - this.lastSweep >= HEARTBEAT_MS) {
            this.lastSweep = Date.now();
            await this.failInterrupted(false);
          }
          for (let job = await this.claim(); job; job = this.abort.signal.aborted ? null : await this.claim()) await this.process(job);
        } catch (err) {
          this.opts.onUnexpectedError(err);
        }
      } while (this.again && !this.abort.signal.aborted);
    })().finally(() => {
      this.draining = null;
    });
  }

  private async failInterrupted(all: boolean): Promise<void> {
    await this.db
      .updateTable('import_job')
      .set({ state: 'failed', phase: 'finished', message: INTERRUPTED_MESSAGE, upload: null, finished_at: sqlNow })
      .where('state', '=', 'running')
      .$if(!all, (q) => q.where('heartbeat_at', '<', sql<Date>`lianxin_now() - make_interval(secs => ${STALE_SECONDS})`))
      .execute();
  }

  /** The oldest queued job of a tenant with none running, marked running by this process. */
  private async claim(): Promise<ClaimedImport | null> {
    let claimed: { tenant_id: string; id: string; account_id: string; ip: string | null; upload: Buffer | null } | undefined;
    try {
      const result = await sql<{ tenant_id: string; id: string; account_id: string; ip: string | null; upload: Buffer | null }>`
        UPDATE import_job j
           SET state = 'running', worker_id = ${this.workerId}, started_at = lianxin_now(), heartbeat_at = lianxin_now()
          FROM (
            SELECT q.tenant_id, q.id FROM import_job q
             WHERE q.state = 'queued'
               AND NOT EXISTS (SELECT 1 FROM import_job r WHERE r.tenant_id = q.tenant_id AND r.state = 'running')
               AND NOT EXISTS (SELECT 1 FROM import_job e WHERE e.tenant_id = q.tenant_id AND e.state = 'queued' AND e.seq < q.seq)
             ORDER BY q.seq
             LIMIT 1
             FOR UPDATE SKIP LOCKED
          ) c
         WHERE j.tenant_id = c.tenant_id AND j.id = c.id
        RETURNING j.tenant_id, j.id, j.account_id, j.ip, j.upload`.execute(this.db);
      claimed = result.rows[0];
    } catch (err) {
      // Another process claimed a job of the same tenant at the same moment: its turn.
      if (uniqueViolation(err)) return null;
      throw err;
    }
    if (!claimed) return null;
    return { tenantId: claimed.tenant_id, id: claimed.id, accountId: claimed.account_id, ip: claimed.ip, upload: claimed.upload ?? Buffer.alloc(0) };
  }

  private async process(job: ClaimedImport): Promise<void> {
    const mine = () =>
      this.db.updateTable('import_job').where('tenant_id', '=', job.tenantId).where('id', '=', job.id).where('worker_id', '=', this.workerId);
    // Progress goes out one statement at a time with the latest values: the import reports far
    // more often than a poll needs, and must never wait for the write (on the embedded database
    // the write phase holds the only connection until it commits).
    let latest: ImportProgress | null = null;
    let queued = false;
    let writes: Promise<unknown> = Promise.resolve();
    const write = (): void => {
      if (queued) return;
      queued = true;
      writes = writes
        .then(() => {
          queued = false;
          const p = latest;
          const progress = p ? { phase: p.phase === 'finished' ? ('writing' as const) : p.phase, processed: p.processed, total: p.total } : {};
          return mine().set({ heartbeat_at: sqlNow, ...progress }).where('state', '=', 'running').execute();
        })
        .catch(this.opts.onUnexpectedError);
    };
    const report = (p: ImportProgress): void => {
      latest = p;
      write();
    };
    const heartbeat = setInterval(write, HEARTBEAT_MS);
    heartbeat.unref();

    let final: { state: 'done' | 'failed'; imported: number; issues: ImportIssue[]; message: string };
    try {
      const outcome = await this.run(job, report, this.abort.signal);
      const n = outcome.issues.length;
      final = n
        ? {
            state: 'failed',
            imported: 0,
            issues: outcome.issues.slice(0, MAX_STORED_ISSUES),
            message: `发现 ${n} 个问题${n > MAX_STORED_ISSUES ? `（下面列出前 ${MAX_STORED_ISSUES} 个）` : ''}，未导入任何数据，请修改后重新上传`,
          }
        : { state: 'done', imported: outcome.imported, issues: [], message: `已导入 ${outcome.imported} 名党员` };
    } catch (err) {
      // A read ended because the server is stopping is expected; anything else unexplained is logged.
      const expected = err instanceof AppError && (err.code !== 'internal' || this.abort.signal.aborted);
      if (!expected) this.opts.onUnexpectedError(err);
      final = { state: 'failed', imported: 0, issues: [], message: err instanceof AppError ? err.message : '导入失败：服务器内部错误，未导入任何数据' };
    } finally {
      clearInterval(heartbeat);
      await writes;
    }
    await mine()
      .set({
        state: final.state,
        phase: 'finished',
        imported: final.imported,
        issues: JSON.stringify(final.issues),
        message: final.message,
        upload: null,
        finished_at: sqlNow,
      })
      .execute();
  }

  private async view(row: ViewRow): Promise<ImportJob> {
    let queuePosition: number | null = null;
    if (row.state === 'queued') {
      const ahead = await this.db
        .selectFrom('import_job')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', row.tenant_id)
        .where((eb) => eb.or([eb('state', '=', 'running'), eb.and([eb('state', '=', 'queued'), eb('seq', '<', row.seq)])]))
        .executeTakeFirstOrThrow();
      queuePosition = Number(ahead.n);
    }
    return {
      id: row.id,
      state: row.state,
      phase: row.phase,
      processed: row.processed,
      total: row.total,
      imported: row.imported,
      issues: row.issues as ImportIssue[],
      message: row.state !== 'queued' ? row.message : queuePosition ? `排队中：本组织前面还有 ${queuePosition} 个导入，完成后自动开始` : '即将开始',
      queuePosition,
    };
  }
}
