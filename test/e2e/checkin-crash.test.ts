/**
 * A check-in burst survives a crash: the real server on a PGlite data folder is killed with
 * SIGKILL while members are checking in. After a restart on the same folder every check-in that
 * was acknowledged is there, nobody has two rows or two check-in effects, and retrying every
 * check-in answers 200 and still leaves one row each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../src/server/db/database.ts';
import { clock } from '../../src/server/clock.ts';
import { clockEnv, exited, freePort, ROOT, waitForExit } from './support/server.ts';

const BURST = 90;
/** Acknowledged check-ins before the kill: well inside the burst. */
const KILL_AFTER = 15;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-crash-'));
let child: ChildProcess | null = null;
let log = '';

const keep = (chunk: Buffer): void => {
  log = (log + chunk.toString()).slice(-20_000);
};

/** The real server on this test's data folder (the demo village is loaded on the first start). */
async function startOnDataDir(): Promise<string> {
  const port = await freePort();
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'LIANXIN_TRUST_PROXY', 'LIANXIN_SESSION_DAYS']) delete env[name];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LIANXIN_DATA_DIR: dataDir, LIANXIN_DEMO: 'auto', LIANXIN_DEMO_PASSWORD: 'crash-test-1', LOG_LEVEL: 'warn', ...clockEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited(proc)) throw new Error(`server exited before it was ready\n${log}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200) return baseUrl;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready within 90 s\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopGracefully(): Promise<void> {
  if (!child || exited(child)) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, 20_000))) {
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
  }
}

/** The data folder's database, opened by this process while no server runs on it. */
async function withDatabase<T>(fn: (db: OpenedDatabase['db']) => Promise<T>): Promise<T> {
  const pglite = await PGlite.create(path.join(dataDir, 'pgdata'));
  const opened = await openDatabase({ pglite });
  try {
    return await fn(opened.db);
  } finally {
    await opened.close();
    await pglite.close();
  }
}

interface Caller {
  memberId: string;
  cookie: string;
  csrf: string;
}

const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('base64url');

function checkIn(baseUrl: string, sessionId: string, c: Caller): Promise<Response> {
  return fetch(`${baseUrl}/api/me/sessions/${sessionId}/checkin`, {
    method: 'POST',
    headers: { cookie: `lx_session=${c.cookie}`, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  });
}

afterAll(async () => {
  await stopGracefully();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('check-in burst and kill -9', () => {
  it('loses no acknowledged check-in and duplicates none', async () => {
    // 1. First start loads the demo village; then stop cleanly to prepare the data directly.
    await startOnDataDir();
    await stopGracefully();

    // 2. A class whose check-in is open now, every member invited, and a signed-in phone per member.
    const { sessionId, callers } = await withDatabase(async (db) => {
      const tenant = await db.selectFrom('tenant').select('id').executeTakeFirstOrThrow();
      const village = await db.selectFrom('org').select('id').where('tenant_id', '=', tenant.id).where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
      const now = clock.now().getTime();
      const session = await db
        .insertInto('study_session')
        .values({
          tenant_id: tenant.id,
          org_id: village.id,
          kind: 'online_class',
          title: '崩溃恢复测试课堂',
          starts_at: new Date(now - 5 * 60_000),
          ends_at: new Date(now + 60 * 60_000),
          mode: 'online',
          checkin_opens_at: new Date(now - 35 * 60_000),
          checkin_closes_at: new Date(now + 60 * 60_000),
          qr_secret: crypto.randomBytes(32).toString('hex'),
          audience: 'subtree',
          makeup_questions: '[]',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const accounts = await db
        .selectFrom('account as a')
        .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.member_id'))
        .select(['a.id as account_id', 'm.id as member_id', 'm.status'])
        .where('a.tenant_id', '=', tenant.id)
        .where('m.left_at', 'is', null)
        .orderBy('m.phone')
        .limit(BURST)
        .execute();
      expect(accounts.length).toBe(BURST);
      await db
        .insertInto('attendance')
        .values(accounts.map((a) => ({ tenant_id: tenant.id, session_id: session.id, member_id: a.member_id, voting: a.status === 'full' })))
        .execute();
      const out: Caller[] = [];
      for (const a of accounts) {
        const token = crypto.randomBytes(32).toString('base64url');
        const csrf = crypto.randomBytes(24).toString('base64url');
        await db
          .insertInto('session')
          .values({ tenant_id: tenant.id, token_hash: sha256(token), account_id: a.account_id, csrf_token: csrf, expires_at: new Date(now + 86_400_000), ip: null, user_agent: 'crash-test' })
          .execute();
        out.push({ memberId: a.member_id, cookie: `${tenant.id}.${token}`, csrf });
      }
      return { sessionId: session.id, callers: out };
    });

    // 3. The burst; the server is killed (SIGKILL) once some check-ins have been acknowledged.
    let baseUrl = await startOnDataDir();
    const running = child as ChildProcess;
    const acknowledged = new Set<string>();
    let killed = false;
    const results = await Promise.allSettled(
      callers.map(async (c) => {
        const res = await checkIn(baseUrl, sessionId, c);
        if (res.status >= 200 && res.status < 300 && !killed) {
          const body = (await res.json()) as { myStatus: string };
          expect(body.myStatus).toBe('present');
          acknowledged.add(c.memberId);
          if (acknowledged.size >= KILL_AFTER && !killed) {
            killed = true;
            running.kill('SIGKILL');
          }
        }
        return res.status;
      }),
    );
    await waitForExit(running, 10_000);
    expect(running.signalCode).toBe('SIGKILL');
    // The kill came mid-burst: some requests never got an answer.
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);

    // 4. Restart on the same folder; every member retries (a phone would): all 200, same rows.
    baseUrl = await startOnDataDir();
    const retried = await Promise.all(callers.map((c) => checkIn(baseUrl, sessionId, c)));
    const statuses = retried.map((r) => r.status);
    expect(statuses.every((s) => s === 200), `${statuses.join(',')}\n${log}`).toBe(true);
    const bodies = (await Promise.all(retried.map((r) => r.json()))) as { myStatus: string; checkedInAt: string }[];
    expect(bodies.every((b) => b.myStatus === 'present' && b.checkedInAt)).toBe(true);
    await stopGracefully();

    // 5. What the database holds.
    await withDatabase(async (db) => {
      const rows = await db.selectFrom('attendance').select(['member_id', 'status', 'checked_in_at']).where('session_id', '=', sessionId).execute();
      expect(rows).toHaveLength(BURST);
      expect(new Set(rows.map((r) => r.member_id)).size).toBe(BURST);
      const byMember = new Map(rows.map((r) => [r.member_id, r]));
      for (const id of acknowledged) expect(byMember.get(id)?.status, `acknowledged check-in of ${id}`).toBe('present');
      expect(rows.every((r) => r.status === 'present' && r.checked_in_at !== null)).toBe(true);
      // One check-in effect per member: exactly one audit entry each, whatever was retried.
      const audits = await db.selectFrom('audit_log').select(['after']).where('action', '=', 'attendance.checkin').where('entity_id', '=', sessionId).execute();
      const perMember = new Map<string, number>();
      for (const a of audits) {
        const memberId = (a.after as { memberId: string }).memberId;
        perMember.set(memberId, (perMember.get(memberId) ?? 0) + 1);
      }
      expect(perMember.size).toBe(BURST);
      expect([...perMember.values()].every((n) => n === 1)).toBe(true);
    });
  });
});
