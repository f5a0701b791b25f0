import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/harness.ts';
import { copyTestDatabase } from '../../../test/support/pg-database.ts';
import { openDatabase, type OpenedDatabase } from '../db/database.ts';
import { Scheduler, type ScheduledJob } from './scheduler.ts';
import { AdvisoryJobLocks } from './locks.ts';

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

  it('skips a tick and says why when the job lock cannot be taken (database unreachable)', async () => {
    let calls = 0;
    const job: ScheduledJob = { name: 'test-no-lock', everyMs: 3_600_000, run: async () => (calls++, 0) };
    const errors: string[] = [];
    const unreachable = new AdvisoryJobLocks('postgres://lianxin@127.0.0.1:1/nothing');
    const scheduler = new Scheduler(opened.db, [job], { info: () => {}, error: (_o, msg) => errors.push(msg) }, { locks: unreachable });
    expect(await scheduler.runNow('test-no-lock')).toBe('lock-unavailable');
    expect(calls).toBe(0);
    expect(errors).toEqual(['could not take the scheduled job lock']);
    await unreachable.close();
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

const effects = async (db: OpenedDatabase['db'], job: string) =>
  (await sql<{ owner: string }>`SELECT owner FROM test_job_effect WHERE job = ${job} ORDER BY at`.execute(db)).rows.map((r) => r.owner);
const lastRun = async (db: OpenedDatabase['db'], name: string) =>
  db.selectFrom('job_run').select(['runs', 'last_owner']).where('name', '=', name).executeTakeFirst();
/** A job that records each of its runs, and in which process it ran. */
const recordingJob = (owner: string): ScheduledJob => ({
  name: 'test-interval',
  everyMs: 3_600_000,
  run: async (db) => {
    await sql`INSERT INTO test_job_effect (job, owner) VALUES ('test-interval', ${owner})`.execute(db);
    return 0;
  },
});

/** A job that records each run in a table; the first run waits for `gate`, so it is slow at will. */
const slowJob = (name: string, owner: string, gate: Promise<void>, entered: () => void): ScheduledJob => ({
  name,
  everyMs: 3_600_000,
  run: async (db) => {
    const earlier = (await effects(db, name)).length;
    await sql`INSERT INTO test_job_effect (job, owner) VALUES (${name}, ${owner})`.execute(db);
    entered();
    if (earlier === 0) await gate;
    return 0;
  },
});

// Two processes on one PostgreSQL, modelled as two schedulers, each with its own pool and its own
// lock connection (advisory locks belong to a connection, so this is what two processes see).
describe.skipIf(!process.env.LIANXIN_TEST_PG_URL)('scheduler across processes on PostgreSQL', () => {
  let copy: Awaited<ReturnType<typeof copyTestDatabase>>;
  const pools: OpenedDatabase[] = [];
  const locks: AdvisoryJobLocks[] = [];
  const T0 = new Date('2026-03-02T01:00:00Z');

  const processNamed = async (owner: string, jobs: ScheduledJob[], clock: () => Date) => {
    const pool = await openDatabase({ databaseUrl: copy.url, poolSize: 2 });
    const jobLocks = new AdvisoryJobLocks(copy.url);
    pools.push(pool);
    locks.push(jobLocks);
    return { db: pool.db, scheduler: new Scheduler(pool.db, jobs, quiet, { locks: jobLocks, owner, clock }) };
  };

  beforeAll(async () => {
    copy = await copyTestDatabase();
    const setup = await openDatabase({ databaseUrl: copy.url, poolSize: 1 });
    await sql`CREATE TABLE test_job_effect (job text NOT NULL, owner text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`.execute(setup.db);
    await setup.close();
  });
  afterAll(async () => {
    for (const l of locks) await l.close();
    for (const p of pools) await p.close();
    await copy?.drop();
  });

  it('runs a slow tick in only one process: the other skips it, then gets the lock once it is released', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let startedInA!: () => void;
    const aStarted = new Promise<void>((r) => (startedInA = r));
    const a = await processNamed('process-a', [slowJob('test-slow', 'process-a', gate, () => startedInA())], () => T0);
    const b = await processNamed('process-b', [slowJob('test-slow', 'process-b', gate, () => {})], () => T0);

    const inA = a.scheduler.runNow('test-slow');
    await aStarted;
    // A is inside the run and holds the lock: B's tick ends at once without running the job.
    expect(await b.scheduler.runNow('test-slow')).toBe('held-elsewhere');
    expect(await effects(a.db, 'test-slow')).toEqual(['process-a']);
    release();
    expect(await inA).toBe('ran');
    expect(await lastRun(a.db, 'test-slow')).toEqual({ runs: 1, last_owner: 'process-a' });

    // A released the lock on the connection that took it: B's next tick runs.
    expect(await b.scheduler.runNow('test-slow')).toBe('ran');
    expect(await effects(a.db, 'test-slow')).toEqual(['process-a', 'process-b']);
    expect(await lastRun(b.db, 'test-slow')).toEqual({ runs: 2, last_owner: 'process-b' });
  });

  it('skips a timed tick when another process started the job less than half an interval ago', async () => {
    let now = T0;
    const a = await processNamed('process-a', [recordingJob('process-a')], () => now);
    const b = await processNamed('process-b', [recordingJob('process-b')], () => now);
    expect(await a.scheduler.runNow('test-interval')).toBe('ran');

    // B starts 20 minutes later: its catch-up tick finds A's run and leaves it at that.
    now = new Date(T0.getTime() + 20 * 60_000);
    b.scheduler.start();
    await b.scheduler.stop();
    expect(await effects(a.db, 'test-interval')).toEqual(['process-a']);

    // Half an hour after A's run, a timed tick of B runs it (A may be gone).
    now = new Date(T0.getTime() + 31 * 60_000);
    const c = await processNamed('process-b', [recordingJob('process-b')], () => now);
    c.scheduler.start();
    await c.scheduler.stop();
    expect(await effects(a.db, 'test-interval')).toEqual(['process-a', 'process-b']);
    expect(await lastRun(a.db, 'test-interval')).toEqual({ runs: 2, last_owner: 'process-b' });
  });
});
