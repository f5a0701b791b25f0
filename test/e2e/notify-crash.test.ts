/**
 * The outbox survives a crash: the real server on a PGlite data folder is killed with SIGKILL while
 * it sends a large fan-out through the SMS sink. After a restart on the same folder the rows the
 * dead process had claimed come back when their lease runs out, and at the end every notification
 * was sent exactly once: as many sink messages as notifications, none twice, none lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../src/server/db/database.ts';
import { enqueueNotice } from '../../src/server/modules/notify/index.ts';
import { clockEnv, exited, freePort, ROOT, waitForExit } from './support/server.ts';

/** Synthetic members added to the demo village, each with SMS consent. */
const FAN_OUT = 6_000;
/** Claims (of up to 500 rows) the server makes before it is killed: well inside the fan-out. */
const KILL_AFTER_CLAIMS = 3;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-notify-crash-'));
let child: ChildProcess | null = null;
let log = '';
/** Each JSON line the server logged. */
let lines: Record<string, unknown>[] = [];
let partial = '';
/** Called on each line as it arrives (the kill goes out from here, with no delay of polling). */
let onLine: ((line: Record<string, unknown>) => void) | null = null;
/** This test killed the server (it may die before it answered /healthz). */
let killedOnPurpose = false;

const keep = (chunk: Buffer): void => {
  const text = chunk.toString();
  log = (log + text).slice(-20_000);
  partial += text;
  const parts = partial.split('\n');
  partial = parts.pop() ?? '';
  for (const line of parts) {
    if (!line.startsWith('{')) continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // not a log line
    }
    lines.push(parsed);
    onLine?.(parsed);
  }
};

/** The real server on this test's data folder, logging its scheduled work (LOG_LEVEL=debug). */
async function startOnDataDir(): Promise<string> {
  const port = await freePort();
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'LIANXIN_TRUST_PROXY', 'LIANXIN_SESSION_DAYS', 'LIANXIN_PUBLIC_URL']) delete env[name];
  lines = [];
  partial = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LIANXIN_DATA_DIR: dataDir, LIANXIN_DEMO: 'auto', LIANXIN_DEMO_PASSWORD: 'crash-test-1', LOG_LEVEL: 'debug', ...clockEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited(proc)) {
      if (killedOnPurpose) return baseUrl;
      throw new Error(`server exited before it was ready\n${log}`);
    }
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

/** Waits until `check` holds, looking every 100 ms; fails after `ms`. */
async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (child && exited(child)) throw new Error(`${what}: the server exited\n${log}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
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

const claims = () => lines.filter((l) => l.msg === 'notify: claimed');
const dispatchedRows = () => lines.filter((l) => l.msg === 'scheduled job ran' && l.job === 'notify.dispatch').reduce((n, l) => n + Number(l.handled ?? 0), 0);

const outboxState = (db: OpenedDatabase['db'], sourceId: string) =>
  sql<{ total: number; sent: number; sending: number; sink: number; sink_distinct: number; max_attempts: number }>`
    SELECT
      (SELECT count(*)::int FROM notification WHERE source_id = ${sourceId}) AS total,
      (SELECT count(*)::int FROM notification WHERE source_id = ${sourceId} AND status = 'sent') AS sent,
      (SELECT count(*)::int FROM notification WHERE source_id = ${sourceId} AND status = 'sending') AS sending,
      (SELECT count(*)::int FROM sms_sink s JOIN notification n ON n.tenant_id = s.tenant_id AND n.id = s.notification_id WHERE n.source_id = ${sourceId}) AS sink,
      (SELECT count(DISTINCT s.notification_id)::int FROM sms_sink s JOIN notification n ON n.tenant_id = s.tenant_id AND n.id = s.notification_id WHERE n.source_id = ${sourceId}) AS sink_distinct,
      (SELECT COALESCE(max(attempts), 0)::int FROM notification WHERE source_id = ${sourceId}) AS max_attempts`
    .execute(db)
    .then((r) => r.rows[0] ?? { total: 0, sent: 0, sending: 0, sink: 0, sink_distinct: 0, max_attempts: 0 });

afterAll(async () => {
  await stopGracefully();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('outbox fan-out and kill -9', () => {
  it('sends every notification exactly once through the sink, across the crash', async () => {
    // 1. First start loads the demo village; then stop cleanly to prepare the data directly.
    await startOnDataDir();
    await stopGracefully();

    // 2. Many members with SMS consent, the local sink on, and one notice to all of them.
    const sourceId = crypto.randomUUID();
    await withDatabase(async (db) => {
      const tenant = await db.selectFrom('tenant').select('id').executeTakeFirstOrThrow();
      const village = await db.selectFrom('org').select('id').where('tenant_id', '=', tenant.id).where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
      await sql`
        INSERT INTO member (tenant_id, org_id, name, name_sort_key, gender, status, phone)
        SELECT ${tenant.id}, ${village.id}, '群发测试' || i, 'qunfa' || lpad(i::text, 6, '0'), 'male', 'full', '150' || lpad(i::text, 8, '0')
        FROM generate_series(1, ${FAN_OUT}) AS i`.execute(db);
      await sql`
        INSERT INTO notify_preference (tenant_id, member_id, channel, enabled)
        SELECT tenant_id, id, 'sms', true FROM member WHERE tenant_id = ${tenant.id} AND phone LIKE '150%'`.execute(db);
      await db.insertInto('notify_sms_provider').values({ tenant_id: tenant.id, kind: 'sink' }).onConflict((oc) => oc.column('tenant_id').doNothing()).execute();
      const members = await sql<{ id: string }>`SELECT id FROM member WHERE tenant_id = ${tenant.id} AND phone LIKE '150%'`.execute(db);
      await db.transaction().execute((tx) =>
        enqueueNotice(tx, { tenantId: tenant.id, sourceKind: 'push', sourceId, title: '崩溃恢复测试推送', path: 'study' }, members.rows.map((m) => m.id)),
      );
      // Due at once, whatever the hour in China (the quiet hours would keep them till morning).
      await sql`UPDATE notification SET not_before = lianxin_now() - interval '1 minute' WHERE source_id = ${sourceId}`.execute(db);
      expect((await outboxState(db, sourceId)).total).toBe(FAN_OUT);
    });

    // 3. The server starts sending at once; it is killed (SIGKILL) the moment it tells of a claim
    // a few claims in, while that claim's rows are being sent.
    onLine = (line) => {
      if (line.msg === 'notify: claimed' && claims().length >= KILL_AFTER_CLAIMS) {
        killedOnPurpose = true;
        child?.kill('SIGKILL');
        onLine = null;
      }
    };
    await startOnDataDir();
    const running = child as ChildProcess;
    await until(`${KILL_AFTER_CLAIMS} claims`, () => claims().length >= KILL_AFTER_CLAIMS, 60_000).catch((err: unknown) => {
      if (!exited(running)) throw err;
    });
    await waitForExit(running, 10_000);
    expect(running.signalCode).toBe('SIGKILL');
    killedOnPurpose = false;

    // The kill came mid-way: some sent, some left.
    const left = await withDatabase(async (db) => {
      const s = await outboxState(db, sourceId);
      expect(s.total).toBe(FAN_OUT);
      expect(s.sent).toBeGreaterThan(0);
      expect(s.sent).toBeLessThan(FAN_OUT);
      // Killed right after a claim was committed: its rows were being sent, leased to a dead process.
      expect(s.sending).toBeGreaterThan(0);
      // Never a message twice, even for rows claimed but not yet recorded.
      expect(s.sink).toBe(s.sink_distinct);
      return FAN_OUT - s.sent;
    });

    // 4. Restart on the same folder: what is left, and what the dead process held once its lease
    // runs out, is sent. (The dispatcher's count may include other notices: look, and go on if needed.)
    let waiting = left;
    for (let round = 0; round < 3 && waiting > 0; round++) {
      await startOnDataDir();
      await until('the rest sent', () => dispatchedRows() >= waiting, 120_000);
      await stopGracefully();
      waiting = await withDatabase(async (db) => FAN_OUT - (await outboxState(db, sourceId)).sent);
    }

    // 5. Exactly once each.
    await withDatabase(async (db) => {
      const s = await outboxState(db, sourceId);
      expect(s).toMatchObject({ total: FAN_OUT, sent: FAN_OUT, sending: 0, sink: FAN_OUT, sink_distinct: FAN_OUT });
      expect(s.max_attempts).toBeLessThanOrEqual(2);
    });
  });
});
