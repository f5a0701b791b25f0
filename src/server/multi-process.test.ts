import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTestDatabase } from '../../test/support/pg-database.ts';
import { clockEnv, exited, freePort, waitForExit } from '../../test/support/child-process.ts';
import { openTestDatabase, PHONES, TEST_PASSWORD } from '../../test/support/harness.ts';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { CHANGE_CHANNEL, startChangeFeed, type ChangeFeed, type ChangeNotice } from './change-feed.ts';
import { changeVersion, markChanged } from './freshness.ts';
import { authEpoch, bumpAuthEpoch } from './auth/epoch.ts';
import { raiseCareTask } from './modules/care/raise.ts';
import { clock, shanghaiDate } from './clock.ts';
import { ALL_JOBS } from './jobs/index.ts';

/**
 * Several server processes on one PostgreSQL database: caches hear of the others' changes, and
 * each scheduled job runs in one process at a time (the lock itself: jobs/scheduler.test.ts).
 */
const onPostgres = Boolean(process.env.LIANXIN_TEST_PG_URL);
const quietLog = { info: () => {}, warn: () => {}, debug: () => {} };

/** Polls until `check` returns something other than undefined; fails after `ms`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('change feed on PGlite', () => {
  it('does nothing: one process per data folder has nobody to tell', async () => {
    const opened = await openTestDatabase();
    const feed = await startChangeFeed({ kind: 'pglite', db: opened.db, databaseUrl: undefined, log: quietLog });
    const before = changeVersion('tenant-x');
    markChanged('tenant-x');
    await feed.flush();
    expect(changeVersion('tenant-x')).toBe(before + 1);
    expect(feed.stats).toEqual({ sent: 0, heard: 0, connected: false });
    await feed.stop();
    await opened.close();
  });
});

describe.skipIf(!onPostgres)('change feed on PostgreSQL', () => {
  let copy: Awaited<ReturnType<typeof copyTestDatabase>>;
  let opened: OpenedDatabase;
  let feed: ChangeFeed;
  let other: pg.Client;
  const received: ChangeNotice[] = [];

  beforeAll(async () => {
    copy = await copyTestDatabase();
    opened = await openDatabase({ databaseUrl: copy.url, poolSize: 2 });
    feed = await startChangeFeed({ kind: 'postgres', db: opened.db, databaseUrl: copy.url, log: quietLog, id: 'this-process' });
    // Another process, as far as the feed can tell: its own connection, listening and notifying.
    other = new pg.Client({ connectionString: copy.url });
    await other.connect();
    other.on('notification', (msg) => received.push(JSON.parse(msg.payload ?? '{}') as ChangeNotice));
    await other.query(`LISTEN ${CHANGE_CHANNEL}`);
  });
  afterAll(async () => {
    await feed?.stop();
    await other?.end();
    await opened?.close();
    await copy?.drop();
  });

  const notifyAs = (sender: string, notice: Omit<ChangeNotice, 'p'>) =>
    other.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ p: sender, ...notice })]);

  it('announces a burst of writes as one notice naming the tenants, and a change of who-sees-what', async () => {
    received.length = 0;
    const sentBefore = feed.stats.sent;
    for (let i = 0; i < 50; i++) markChanged(i % 2 ? 'tenant-a' : 'tenant-b');
    await feed.flush();
    expect(feed.stats.sent - sentBefore).toBe(1);
    const notice = await eventually('the notice', () => received[0]);
    expect(notice.p).toBe('this-process');
    expect([...(notice.t ?? [])].sort()).toEqual(['tenant-a', 'tenant-b']);
    expect(notice.auth).toBeUndefined();

    bumpAuthEpoch();
    markChanged();
    await feed.flush();
    expect(await eventually('the second notice', () => received[1])).toEqual({ p: 'this-process', all: true, auth: true });
  });

  it("bumps this process's counters on another process's notice and ignores its own", async () => {
    const own = changeVersion('tenant-own');
    const heard = changeVersion('tenant-heard');
    const epoch = authEpoch();
    // Notices on one channel arrive in the order sent: when the second is heard, the first was too.
    await notifyAs('this-process', { t: ['tenant-own'], auth: true });
    await notifyAs('process-b', { t: ['tenant-heard'] });
    await eventually('the other process notice', () => (changeVersion('tenant-heard') > heard ? true : undefined));
    expect(changeVersion('tenant-own')).toBe(own);
    expect(authEpoch()).toBe(epoch);

    await notifyAs('process-b', { auth: true });
    await eventually('the auth notice', () => (authEpoch() > epoch ? true : undefined));
    const before = changeVersion('tenant-own');
    await notifyAs('process-b', { all: true });
    await eventually('the all-tenants notice', () => (changeVersion('tenant-own') > before ? true : undefined));
  });

  it('listens again after losing its connection, and treats everything as changed meanwhile', async () => {
    const tenant = 'tenant-while-away';
    const before = changeVersion(tenant);
    const epoch = authEpoch();
    const killed = await other.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lianxin-change-feed'",
    );
    expect(killed.rowCount).toBe(1);
    await eventually('the reconnection', () => (feed.stats.connected && changeVersion(tenant) > before ? true : undefined));
    // What was said while it was away was lost: the caches were told everything changed.
    expect(authEpoch()).toBeGreaterThan(epoch);
    const after = changeVersion(tenant);
    await notifyAs('process-b', { t: [tenant] });
    await eventually('a notice after the reconnection', () => (changeVersion(tenant) > after ? true : undefined));
  });
});

// ---------- two real server processes ----------

interface ServerProcess {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  output(): string;
}

interface Caller {
  cookie: string;
  csrf: string;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

async function startProcess(name: string, databaseUrl: string, keyHex: string, dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['LIANXIN_TEST_PG_URL', 'LIANXIN_TRUST_PROXY', 'LIANXIN_SESSION_DAYS', 'LIANXIN_DEMO_PASSWORD']) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/long-cache-server.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LIANXIN_SECRET_KEY: keyHex,
      LIANXIN_DATA_DIR: dataDir,
      LIANXIN_DEMO: 'off',
      LOG_LEVEL: 'warn',
      ...clockEnv(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: ServerProcess = { name, baseUrl, child, output: () => log };
  try {
    await eventually(
      `process ${name} answering /healthz`,
      async () => {
        if (child.exitCode !== null) throw new Error(`process ${name} exited with ${child.exitCode}`);
        const res = await fetch(`${baseUrl}/healthz`).catch(() => null);
        return res?.status === 200 ? true : undefined;
      },
      90_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- output ---\n${log}`, { cause: err });
  }
  return server;
}

/** SIGTERM; whether it exited by itself within 20 s. */
async function stopProcess(server: ServerProcess): Promise<boolean> {
  const { child } = server;
  if (exited(child)) return false;
  child.kill('SIGTERM');
  const graceful = await waitForExit(child, 20_000);
  if (!graceful) child.kill('SIGKILL');
  return graceful && child.exitCode === 0;
}

async function signIn(server: ServerProcess, phone: string): Promise<Caller> {
  const res = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${phone} at ${server.name}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

async function call(server: ServerProcess, caller: Caller, method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { cookie: caller.cookie, 'x-csrf-token': caller.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

describe.skipIf(!onPostgres)('two server processes on one PostgreSQL', () => {
  let copy: Awaited<ReturnType<typeof copyTestDatabase>>;
  let db: OpenedDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let tenantId = '';
  let menteeId = '';
  const dataDirs: string[] = [];

  beforeAll(async () => {
    copy = await copyTestDatabase();
    db = await openDatabase({ databaseUrl: copy.url, poolSize: 2 });
    tenantId = (await db.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow()).id;
    menteeId = (await db.db.selectFrom('member').select('id').where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow()).id;
    for (let i = 0; i < 2; i++) dataDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-multi-')));
    // Started together: both run every job's catch-up tick at the same moment.
    [a, b] = await Promise.all([startProcess('A', copy.url, copy.keyHex, dataDirs[0] ?? ''), startProcess('B', copy.url, copy.keyHex, dataDirs[1] ?? '')]);
    // The catch-up ticks run after the processes answer: let them finish, so none of their
    // changes lands in the middle of a test.
    await eventually(
      'every job recorded once',
      async () => {
        const done = await db.db.selectFrom('job_run').select('name').where('last_finished_at', 'is not', null).execute();
        return done.length >= ALL_JOBS.length ? true : undefined;
      },
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    const stopped = await Promise.all([a, b].filter(Boolean).map((p) => stopProcess(p)));
    await db?.close();
    await copy?.drop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    expect(stopped.every(Boolean)).toBe(true);
  }, 60_000);

  it("shows a write made through A in B's cached today, although B's cache would keep it ten minutes", async () => {
    const secretaryAtA = await signIn(a, PHONES.generalSecretary);
    const menteeAtB = await signIn(b, PHONES.mobileMember);
    const today = async () => {
      const res = await call(b, menteeAtB, 'GET', '/api/me/today');
      expect(res.status).toBe(200);
      return (res.json as { careTasks: number }).careTasks;
    };
    const before = await today();
    const createThroughA = async (kind: string, reason: string) => {
      const created = await call(a, secretaryAtA, 'POST', '/api/care-tasks', {
        memberId: menteeId,
        kind,
        reason,
        dueOn: shanghaiDate(clock.now()),
        assigneeMemberId: menteeId,
      });
      expect(created.status, JSON.stringify(created.json)).toBe(200);
    };

    // Written through A: B hears of it and rebuilds the answer. Notices arrive in the order they
    // were sent, so once B shows this task, the notice of the secretary's sign-in at A (sent
    // before it) has arrived too, and nothing else is on its way to B.
    await createThroughA('hardship', '了解务工地住房困难');
    expect(await eventually("B's today with the first task", async () => ((await today()) === before + 1 ? true : undefined), 20_000)).toBe(true);

    // Written straight into the database, outside any server process: nobody is told, and B
    // keeps answering from its cache.
    await raiseCareTask(db.db, null, { tenantId, memberId: menteeId, kind: 'visit', reason: '上门走访', dueOn: shanghaiDate(clock.now()), assigneeMemberId: menteeId });
    expect(await today()).toBe(before + 1);

    // Written through A again: B rebuilds the answer, which then also has the silent task.
    await createThroughA('follow_up', '了解子女入学情况');
    expect(await eventually("B's today with all three tasks", async () => ((await today()) === before + 3 ? true : undefined), 20_000)).toBe(true);
  });

  it("takes a mentee away from the old mentor's cached caller in B when A reassigns the mentor", async () => {
    const secretaryAtA = await signIn(a, PHONES.generalSecretary);
    const mentorAtB = await signIn(b, PHONES.mentor);
    // B caches the mentor as a caller who may read this mentee.
    expect((await call(b, mentorAtB, 'GET', `/api/members/${menteeId}`)).status).toBe(200);
    const reassigned = await call(a, secretaryAtA, 'PUT', `/api/members/${menteeId}/mentor`, { mentorMemberId: null });
    expect(reassigned.status, JSON.stringify(reassigned.json)).toBe(200);
    // Polled for about half the 15 s a cached caller lives: only the notice explains a refusal.
    const status = await eventually(
      "B's refusal",
      async () => {
        const res = await call(b, mentorAtB, 'GET', `/api/members/${menteeId}`);
        return res.status === 200 ? undefined : res.status;
      },
      7_000,
    );
    expect([403, 404]).toContain(status);
  });

  it('ends a session in B when it signs out through A, although B cached its caller', async () => {
    // Behind a load balancer one browser's requests reach either process with the same cookie.
    const branchSecretary = await signIn(a, PHONES.branchSecretary);
    expect((await call(b, branchSecretary, 'GET', '/api/auth/me')).status).toBe(200);
    expect((await call(a, branchSecretary, 'POST', '/api/auth/logout')).status).toBeLessThan(300);
    const status = await eventually(
      "B's refusal of the signed-out session",
      async () => {
        const res = await call(b, branchSecretary, 'GET', '/api/auth/me');
        return res.status === 200 ? undefined : res.status;
      },
      7_000,
    );
    expect(status).toBe(401);
  });

  it('ran each hourly job once in all at start, in one of the two processes', async () => {
    const owners = new Set([`${os.hostname()}:${a.child.pid}`, `${os.hostname()}:${b.child.pid}`]);
    const hourly = ALL_JOBS.filter((j) => j.everyMs >= 3_600_000).map((j) => j.name);
    expect(hourly.length).toBeGreaterThan(0);
    const rows = await db.db.selectFrom('job_run').select(['name', 'runs', 'last_owner']).where('name', 'in', hourly).execute();
    expect(rows.map((r) => r.name).sort()).toEqual([...hourly].sort());
    for (const row of rows) {
      expect(row.runs, row.name).toBe(1);
      expect(owners.has(row.last_owner ?? ''), `${row.name} ran in ${row.last_owner}`).toBe(true);
    }
  });
});
