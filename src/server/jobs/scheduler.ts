import type { Database } from '../db/database.ts';
import { markChanged } from '../freshness.ts';

/**
 * Durable scheduled work. A job keeps no state of its own: each run looks at the database for what
 * is due (pushes planned before now, sessions whose check-in has closed, reminders not yet sent)
 * and writes with keys that make a second run harmless (ON CONFLICT DO NOTHING, status guards,
 * FOR UPDATE SKIP LOCKED). So a restart never repeats work, a time missed while the server was
 * down is caught up by the first run at start, and two server processes can run side by side.
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
}

export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly jobs: ScheduledJob[],
    private readonly log: SchedulerLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Runs every job once now (the catch-up), then on its interval. */
  start(): void {
    for (const job of this.jobs) {
      void this.tick(job);
      const timer = setInterval(() => void this.tick(job), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs one job now and waits for it (tests, the CLI). Skips if that job is already running. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no scheduled job named ${name}`);
    await this.tick(job);
  }

  /** Stops the timers and waits for runs in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled(this.running.values());
  }

  private tick(job: ScheduledJob): Promise<void> {
    const inFlight = this.running.get(job.name);
    if (inFlight) return inFlight;
    if (this.stopped) return Promise.resolve();
    const p = this.execute(job).finally(() => this.running.delete(job.name));
    this.running.set(job.name, p);
    return p;
  }

  private async execute(job: ScheduledJob): Promise<void> {
    const started = this.clock();
    let error: string | null = null;
    let handled = 0;
    try {
      handled = await job.run(this.db, started);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      this.log.error({ job: job.name, err }, 'scheduled job failed');
    }
    const finished = new Date();
    try {
      await this.db
        .insertInto('job_run')
        .values({ name: job.name, last_started_at: started, last_finished_at: finished, last_error: error, runs: 1 })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            last_started_at: started,
            last_finished_at: finished,
            last_error: error,
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
      this.log.info({ job: job.name, handled, ms: Date.now() - started.getTime() }, 'scheduled job ran');
    }
  }
}
