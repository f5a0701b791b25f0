import os from 'node:os';
import type { Database } from '../db/database.ts';
import { markChanged } from '../freshness.ts';
import type { JobLocks } from './locks.ts';
import { clock } from '../clock.ts';

/**
 * Durable scheduled work. A job keeps no state of its own: each run looks at the database for what
 * is due (pushes planned before now, sessions whose check-in has closed, reminders not yet sent)
 * and writes with keys that make a second run harmless (ON CONFLICT DO NOTHING, status guards,
 * FOR UPDATE SKIP LOCKED). So a restart never repeats work, a time missed while the server was
 * down is caught up by the first run at start, and two server processes can run side by side.
 *
 * Several processes on one PostgreSQL: each tick first takes the job's advisory lock (`locks`), so
 * a job runs in one process at a time, and a timed tick is skipped when another process started
 * the job less than half an interval ago, so the job runs about once per interval in all.
 */
export interface ScheduledJob {
  name: string;
  /** How often to look for due work. */
  everyMs: number;
  /** Does what is due at `now`; returns how many things it handled (for the log). */
  run(db: Database, now: Date): Promise<number>;
}

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  clock?: () => Date;
  /** Cross-process locks (PostgreSQL); without them only this process is kept from overlapping itself. */
  locks?: JobLocks;
  /** Written to `job_run.last_owner`; defaults to host:pid. */
  owner?: string;
}

/** What the last tick of a job did (tests, the CLI). */
export type TickOutcome = 'ran' | 'held-elsewhere' | 'ran-elsewhere-recently' | 'lock-unavailable' | 'stopped';

export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private running = new Map<string, Promise<TickOutcome>>();
  private stopped = false;
  private readonly clock: () => Date;
  private readonly locks: JobLocks | undefined;
  private readonly owner: string;

  constructor(
    private readonly db: Database,
    private readonly jobs: ScheduledJob[],
    private readonly log: SchedulerLog,
    options: SchedulerOptions = {},
  ) {
    this.clock = options.clock ?? (() => clock.now());
    this.locks = options.locks;
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}`;
  }

  /** Runs every job once now (the catch-up), then on its interval. */
  start(): void {
    for (const job of this.jobs) {
      void this.tick(job, true);
      const timer = setInterval(() => void this.tick(job, true), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /**
   * Runs one job now and waits for it (tests, the CLI), even if another process ran it a moment
   * ago. Skips if that job is already running, here or (with locks) in another process.
   */
  async runNow(name: string): Promise<TickOutcome> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no scheduled job named ${name}`);
    return this.tick(job, false);
  }

  /** Stops the timers and waits for runs in progress to finish (the locks stay open: their owner closes them). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled(this.running.values());
  }

  private tick(job: ScheduledJob, timed: boolean): Promise<TickOutcome> {
    const inFlight = this.running.get(job.name);
    if (inFlight) return inFlight;
    if (this.stopped) return Promise.resolve('stopped');
    const p = this.guarded(job, timed).finally(() => this.running.delete(job.name));
    this.running.set(job.name, p);
    return p;
  }

  private async guarded(job: ScheduledJob, timed: boolean): Promise<TickOutcome> {
    if (!this.locks) {
      await this.execute(job);
      return 'ran';
    }
    let release: (() => Promise<void>) | null;
    try {
      release = await this.locks.tryLock(job.name);
    } catch (err) {
      // Without the lock we cannot know that no other process runs it; the next tick tries again.
      if (!this.stopped) this.log.error({ job: job.name, err }, 'could not take the scheduled job lock');
      return 'lock-unavailable';
    }
    if (!release) {
      this.log.debug?.({ job: job.name }, 'scheduled job skipped: another process is running it');
      return 'held-elsewhere';
    }
    try {
      if (timed && (await this.ranElsewhereRecently(job))) {
        this.log.debug?.({ job: job.name }, 'scheduled job skipped: another process ran it moments ago');
        return 'ran-elsewhere-recently';
      }
      // The run is recorded before the lock is released, so the next process to get it sees it.
      await this.execute(job);
      return 'ran';
    } finally {
      await release().catch((err: unknown) => this.log.error({ job: job.name, err }, 'could not release the scheduled job lock'));
    }
  }

  private async ranElsewhereRecently(job: ScheduledJob): Promise<boolean> {
    // Unknown counts as no: a run too many is harmless, a tick left unrun is not.
    const last = await this.db
      .selectFrom('job_run')
      .select(['last_started_at', 'last_owner'])
      .where('name', '=', job.name)
      .executeTakeFirst()
      .catch(() => undefined);
    if (!last?.last_started_at || last.last_owner === this.owner) return false;
    return this.clock().getTime() - last.last_started_at.getTime() < job.everyMs / 2;
  }

  private async execute(job: ScheduledJob): Promise<void> {
    const started = this.clock();
    const startedAt = performance.now();
    let error: string | null = null;
    let handled = 0;
    try {
      handled = await job.run(this.db, started);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      this.log.error({ job: job.name, err }, 'scheduled job failed');
    }
    const finished = this.clock();
    try {
      await this.db
        .insertInto('job_run')
        .values({ name: job.name, last_started_at: started, last_finished_at: finished, last_error: error, last_owner: this.owner, runs: 1 })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            last_started_at: started,
            last_finished_at: finished,
            last_error: error,
            last_owner: this.owner,
            runs: eb('job_run.runs', '+', 1),
          })),
        )
        .execute();
    } catch (err) {
      // The database may be closing during shutdown; the next start catches up anyway.
      if (!this.stopped) this.log.error({ job: job.name, err }, 'could not record the job run');
    }
    if (handled > 0) {
      markChanged();
      this.log.info({ job: job.name, handled, ms: Math.round(performance.now() - startedAt) }, 'scheduled job ran');
    }
  }
}
