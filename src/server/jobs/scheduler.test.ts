import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/harness.ts';
import { Scheduler, type ScheduledJob } from './scheduler.ts';

type Opened = Awaited<ReturnType<typeof openTestDatabase>>;
let opened: Opened;
const quiet = { info: () => {}, error: () => {} };

beforeAll(async () => {
  opened = await openTestDatabase();
});
afterAll(async () => opened?.close());

const runsOf = async (name: string) =>
  (await opened.db.selectFrom('job_run').selectAll().where('name', '=', name).executeTakeFirst()) ?? null;

describe('scheduler', () => {
  it('runs every job once at start (the catch-up) and records the run', async () => {
    const seen: Date[] = [];
    const job: ScheduledJob = { name: 'test-catch-up', everyMs: 3_600_000, run: async (_db, now) => (seen.push(now), 1) };
    const scheduler = new Scheduler(opened.db, [job], quiet);
    scheduler.start();
    await scheduler.stop();
    expect(seen).toHaveLength(1);
    const row = await runsOf('test-catch-up');
    expect(row).toMatchObject({ runs: 1, last_error: null });
    expect(row?.last_finished_at).not.toBeNull();
  });

  it('never runs the same job twice at once', async () => {
    let active = 0;
    let maxActive = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job: ScheduledJob = {
      name: 'test-overlap',
      everyMs: 3_600_000,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await gate;
        active--;
        return 0;
      },
    };
    const scheduler = new Scheduler(opened.db, [job], quiet);
    const a = scheduler.runNow('test-overlap');
    const b = scheduler.runNow('test-overlap');
    release();
    await Promise.all([a, b]);
    expect(maxActive).toBe(1);
    expect((await runsOf('test-overlap'))?.runs).toBe(1);
  });

  it('records a failure and keeps going', async () => {
    let calls = 0;
    const job: ScheduledJob = {
      name: 'test-failure',
      everyMs: 3_600_000,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('database unreachable');
        return 0;
      },
    };
    const errors: string[] = [];
    const scheduler = new Scheduler(opened.db, [job], { info: () => {}, error: (_o, msg) => errors.push(msg) });
    await scheduler.runNow('test-failure');
    expect(await runsOf('test-failure')).toMatchObject({ runs: 1, last_error: 'database unreachable' });
    expect(errors).toEqual(['scheduled job failed']);
    await scheduler.runNow('test-failure');
    expect(await runsOf('test-failure')).toMatchObject({ runs: 2, last_error: null });
  });

  it('does not start new runs after stop', async () => {
    let calls = 0;
    const job: ScheduledJob = { name: 'test-stopped', everyMs: 3_600_000, run: async () => (calls++, 0) };
    const scheduler = new Scheduler(opened.db, [job], quiet);
    await scheduler.stop();
    await scheduler.runNow('test-stopped');
    expect(calls).toBe(0);
    await expect(scheduler.runNow('no-such-job')).rejects.toThrow(/no scheduled job/);
  });
});
