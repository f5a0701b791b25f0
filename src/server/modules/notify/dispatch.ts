import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import { getSettings } from '../settings/index.ts';
import type { NotifyRuntime } from './runtime.ts';
import { noticeSource, smsTextOf } from './sources.ts';
import { noticeLink } from './links.ts';
import { chinaDay, chinaDayStart } from '../../../shared/china-time.ts';
import { nextDayQuietEnd, outsideQuietHours } from './quiet-hours.ts';
import { writeSink } from './providers/sms-sink.ts';
import { robotProvider, robotTarget } from './providers/robots/index.ts';
import { smsProviderFor } from './providers/sms.ts';
import { sendWebPush } from './providers/webpush.ts';
import type { NotifyChannel, RobotDigest, RobotKind, SendOutcome } from './providers/types.ts';

/**
 * The dispatcher: sends what the outbox holds, at least once per row and in practice exactly once.
 *
 * 1. Claim (one short transaction, committed before anything is sent): due rows
 *    (`pending`/`sending`, `not_before` reached, no live lease) are locked FOR UPDATE SKIP LOCKED, so
 *    two dispatchers never take the same row. Rows whose member has already seen the source are
 *    cancelled; SMS over the member's daily cap wait for the next day; robot rows wait while the
 *    robot is blocked or has had its `perMinute` sends this minute. The rest get status 'sending',
 *    a lease, attempts + 1 and a `notification_attempt` row.
 * 2. Send, a few at a time, each try bounded by a timeout; the lease is extended while the batch
 *    runs. All due rows of one robot go out as ONE digest. The sink writes all its messages in one
 *    statement.
 * 3. Record each outcome, only on rows still leased to this dispatcher: sent / failed for good
 *    (with the provider's code and message) / pending again after a backoff (30 s × 2^(n−1); after
 *    MAX_TRIES tries, failed).
 *
 * A process killed between 1 and 3 leaves rows 'sending' with a lease that runs out: the next
 * dispatcher claims them again. The sink (and a provider's OutId) keeps that resend from making a
 * second message.
 */

export interface DispatchOptions {
  /** Most rows handled in this call (claims of `batch` rows until nothing is due or this is reached). */
  limit?: number;
  /** Rows per claim. */
  batch?: number;
  /** Who holds the leases (defaults to host:pid:random, one per call). */
  owner?: string;
  /**
   * The time of each claim after the first (the scheduled job passes the clock: a long run's later
   * claims and leases are at their own moment). Without it every claim is at `now` (tests).
   */
  clock?: () => Date;
}

export const MAX_TRIES = 6;
export const BACKOFF_BASE_MS = 30_000;
export const LEASE_MS = 30_000;
export const SEND_TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;
const DEFAULT_BATCH = 500;
const DEFAULT_LIMIT = 20_000;

/** Channels with a sender: nothing is claimed that cannot be sent. */
const SENDING_CHANNELS: NotifyChannel[] = ['sms', 'webpush', 'wecom', 'dingtalk', 'feishu'];

interface Row {
  tenant_id: string;
  id: string;
  channel: NotifyChannel;
  member_id: string | null;
  robot_id: string | null;
  source_kind: string;
  source_id: string;
  template_key: string;
  title: string;
  link: string;
  attempts: number;
  phone: string | null;
}

/** What became of one claimed row. */
type Result =
  | { status: 'sent'; msgId?: string }
  | { status: 'failed'; error: string }
  | { status: 'pending'; error: string; notBefore: Date };

export const backoffMs = (attempts: number): number => BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);

/** Sends what is due at `now`; returns the rows handled (sent, failed, retried, cancelled or deferred). */
export async function dispatchDue(db: Database, runtime: NotifyRuntime, now: Date, options: DispatchOptions = {}): Promise<number> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const batch = Math.min(options.batch ?? DEFAULT_BATCH, limit);
  const owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let handled = 0;
  let first = true;
  while (handled < limit) {
    const at = first || !options.clock ? now : options.clock();
    const claim = await claimDue(db, runtime, at, Math.min(batch, limit - handled), owner);
    if (first && claim.rows.length + claim.settled >= batch) {
      // A backlog (a large fan-out just enqueued): the table's statistics are refreshed, so the
      // next claims read the due index in order instead of every due row (PGlite has no
      // autovacuum to do it; on PostgreSQL it is an early run of what autovacuum does).
      await sql`ANALYZE notification`.execute(db);
    }
    first = false;
    handled += claim.settled;
    if (claim.rows.length + claim.settled > 0) runtime.log?.debug({ claimed: claim.rows.length, settled: claim.settled }, 'notify: claimed');
    if (claim.rows.length === 0) {
      if (claim.settled === 0) break;
      continue;
    }
    await sendClaimed(db, runtime, claim.rows, at, owner);
    handled += claim.rows.length;
  }
  return handled;
}

// ---------- 1. claim ----------

async function claimDue(db: Database, runtime: NotifyRuntime, at: Date, size: number, owner: string): Promise<{ rows: Row[]; settled: number }> {
  return db.transaction().execute(async (tx) => {
    // The rows first (in not_before order, locked), then their members' phones: joined before the
    // LIMIT, every due row would be joined.
    const { rows: due } = await sql<Row>`
      WITH due AS (
        SELECT n.tenant_id, n.id, n.channel, n.member_id, n.robot_id, n.source_kind, n.source_id, n.template_key,
          COALESCE(n.params->>'title', '') AS title, n.link, n.attempts, n.not_before
        FROM notification n
        WHERE n.status IN ('pending', 'sending') AND n.not_before <= ${at}
          AND (n.lease_until IS NULL OR n.lease_until < ${at})
          AND n.channel = ANY(${SENDING_CHANNELS}::text[])
        ORDER BY n.not_before
        LIMIT ${size}
        FOR UPDATE SKIP LOCKED)
      SELECT due.*, m.phone FROM due LEFT JOIN member m ON m.tenant_id = due.tenant_id AND m.id = due.member_id
      ORDER BY due.not_before`.execute(tx);
    if (due.length === 0) return { rows: [], settled: 0 };

    const settle: { row: Row; result: Result | { status: 'cancelled'; error: string | null } }[] = [];
    const held = new Set<string>();
    const put = (row: Row, result: Result | { status: 'cancelled'; error: string | null }) => {
      held.add(row.id);
      settle.push({ row, result });
    };

    // Worn out: a row that came back after its last try (a process died while sending it).
    for (const row of due) if (row.attempts >= MAX_TRIES) put(row, { status: 'failed', error: '重试次数已用完' });

    // Seen already: opened through another notice of the same source, or seen in its module.
    for (const row of await seenRows(tx, due.filter((r) => r.member_id && !held.has(r.id)))) put(row, { status: 'cancelled', error: null });

    // SMS: the tenant's provider still on; at most smsDailyCap a member per China day.
    const sms = due.filter((r) => r.channel === 'sms' && !held.has(r.id));
    for (const [tenantId, rows] of groupBy(sms, (r) => r.tenant_id)) {
      const provider = await tx.selectFrom('notify_sms_provider').select(['enabled', 'kind']).where('tenant_id', '=', tenantId).executeTakeFirst();
      if (!provider?.enabled || (provider.kind === 'sink' && runtime.production)) {
        for (const row of rows) put(row, { status: 'cancelled', error: '短信服务未启用' });
        continue;
      }
      const settings = await getSettings(tx, tenantId);
      const memberIds = [...new Set(rows.map((r) => r.member_id ?? ''))];
      // One probe per member of notification_sms_sent_idx.
      const { rows: counts } = await sql<{ member_id: string; n: number }>`
        SELECT u.id AS member_id, c.n
        FROM unnest(${memberIds}::uuid[]) AS u(id)
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS n FROM notification n
          WHERE n.tenant_id = ${tenantId} AND n.member_id = u.id AND n.channel = 'sms' AND n.sent_at IS NOT NULL
            AND n.sent_at >= ${chinaDayStart(chinaDay(at))} AND n.status IN ('sent', 'delivered')) c
        WHERE c.n > 0`.execute(tx);
      const today = new Map(counts.map((c) => [c.member_id, c.n]));
      for (const row of rows) {
        const n = today.get(row.member_id ?? '') ?? 0;
        if (n >= settings.smsDailyCap) {
          put(row, { status: 'pending', error: '已达今日短信上限', notBefore: nextDayQuietEnd(at, settings.quietHoursEnd) });
        } else today.set(row.member_id ?? '', n + 1);
      }
    }

    // Robots: still there and on, not blocked, within their messages per minute.
    const robotRows = due.filter((r) => r.robot_id && !held.has(r.id));
    for (const [, rows] of groupBy(robotRows, (r) => `${r.tenant_id}/${r.robot_id}`)) {
      const first = rows[0] as Row;
      const robot = await tx
        .selectFrom('notify_robot')
        .select(['kind', 'enabled', 'blocked_until'])
        .where('tenant_id', '=', first.tenant_id)
        .where('id', '=', first.robot_id ?? '')
        .executeTakeFirst();
      if (!robot?.enabled) {
        for (const row of rows) put(row, { status: 'cancelled', error: '群机器人已停用或删除' });
        continue;
      }
      if (robot.blocked_until && robot.blocked_until > at) {
        for (const row of rows) put(row, { status: 'pending', error: '群机器人被限流，稍后再发', notBefore: robot.blocked_until });
        continue;
      }
      const { rows: recent } = await sql<{ sends: number; oldest: Date | null }>`
        SELECT count(DISTINCT a.started_at)::int AS sends, min(a.started_at) AS oldest
        FROM notification_attempt a JOIN notification n ON n.tenant_id = a.tenant_id AND n.id = a.notification_id
        WHERE n.tenant_id = ${first.tenant_id} AND n.robot_id = ${first.robot_id}
          AND a.started_at > ${new Date(at.getTime() - 60_000)} AND a.started_at <= ${at}`.execute(tx);
      const sends = recent[0]?.sends ?? 0;
      if (sends >= robotProvider(robot.kind).perMinute) {
        const oldest = recent[0]?.oldest ?? at;
        for (const row of rows) put(row, { status: 'pending', error: '本分钟发送已达上限', notBefore: new Date(oldest.getTime() + 60_001) });
      }
    }

    await settleRows(tx, settle, at, null);

    const claimed = due.filter((r) => !held.has(r.id));
    if (claimed.length > 0) {
      await sql`
        WITH v AS (SELECT * FROM unnest(${claimed.map((r) => r.tenant_id)}::uuid[], ${claimed.map((r) => r.id)}::uuid[]) AS v(tenant_id, id)),
        c AS (
          UPDATE notification n SET status = 'sending', attempts = n.attempts + 1,
            lease_until = ${new Date(at.getTime() + LEASE_MS)}, lease_owner = ${owner}
          FROM v WHERE n.tenant_id = v.tenant_id AND n.id = v.id
          RETURNING n.tenant_id, n.id, n.attempts)
        INSERT INTO notification_attempt (tenant_id, notification_id, n, started_at)
        SELECT tenant_id, id, attempts, ${at} FROM c
        ON CONFLICT (tenant_id, notification_id, n) DO NOTHING`.execute(tx);
      for (const row of claimed) row.attempts += 1;
    }
    return { rows: claimed, settled: settle.length };
  });
}

/** Of these member rows, those whose member has already seen (or opened) the source. */
async function seenRows(db: Executor, rows: Row[]): Promise<Row[]> {
  if (rows.length === 0) return [];
  const out: Row[] = [];
  for (const [, group] of groupBy(rows, (r) => `${r.tenant_id}/${r.source_kind}/${r.source_id}`)) {
    const first = group[0] as Row;
    const memberIds = [...new Set(group.map((r) => r.member_id ?? ''))];
    const { rows: opened } = await sql<{ member_id: string }>`
      SELECT DISTINCT n.member_id
      FROM unnest(${memberIds}::uuid[]) AS u(id)
      JOIN notification n ON n.tenant_id = ${first.tenant_id} AND n.member_id = u.id
      WHERE n.source_kind = ${first.source_kind} AND n.source_id = ${first.source_id} AND n.opened_at IS NOT NULL`.execute(db);
    const seen = new Set(opened.map((o) => o.member_id));
    const source = noticeSource(first.source_kind);
    if (source) for (const id of await source.seen(db, first.tenant_id, first.source_id, memberIds)) seen.add(id);
    for (const row of group) if (row.member_id && seen.has(row.member_id)) out.push(row);
  }
  return out;
}

// ---------- 2. send ----------

async function sendClaimed(db: Database, runtime: NotifyRuntime, rows: Row[], at: Date, owner: string): Promise<void> {
  const ids = rows.map((r) => r.id);
  const tenants = rows.map((r) => r.tenant_id);
  // The lease is kept alive while the batch is being sent.
  const keepAlive = setInterval(() => {
    void sql`
      UPDATE notification n SET lease_until = lianxin_now() + ${`${LEASE_MS} milliseconds`}::interval
      FROM unnest(${tenants}::uuid[], ${ids}::uuid[]) AS v(tenant_id, id)
      WHERE n.tenant_id = v.tenant_id AND n.id = v.id AND n.status = 'sending' AND n.lease_owner = ${owner}`
      .execute(db)
      .catch(() => undefined);
  }, LEASE_MS / 3);
  keepAlive.unref();
  try {
    const results: { row: Row; result: Result }[] = [];
    const tasks: (() => Promise<void>)[] = [];
    for (const [tenantId, sms] of groupBy(rows.filter((r) => r.channel === 'sms'), (r) => r.tenant_id)) {
      tasks.push(...(await smsTasks(db, runtime, tenantId, sms, at, results)));
    }
    for (const [, group] of groupBy(rows.filter((r) => r.robot_id), (r) => `${r.tenant_id}/${r.robot_id}`)) {
      tasks.push(() => sendDigest(db, runtime, group, at, results));
    }
    for (const row of rows.filter((r) => r.channel === 'webpush')) tasks.push(webPushTask(db, runtime, row, at, results));
    await runLimited(tasks, CONCURRENCY);
    await settleRows(db, results, at, owner);
  } finally {
    clearInterval(keepAlive);
  }
}

async function smsTasks(db: Database, runtime: NotifyRuntime, tenantId: string, rows: Row[], at: Date, results: { row: Row; result: Result }[]): Promise<(() => Promise<void>)[]> {
  const providerRow = await db.selectFrom('notify_sms_provider').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  const settings = await getSettings(db, tenantId);
  const link = (row: Row) => noticeLink(runtime.publicUrl, row.link, row.id);
  const text = (row: Row) => smsTextOf(row.template_key, link(row));
  const noPhone = rows.filter((r) => !r.phone);
  for (const row of noPhone) results.push({ row, result: { status: 'failed', error: '没有手机号' } });
  const sendable = rows.filter((r) => r.phone);
  if (!providerRow) {
    // Removed since the claim: nothing sends it any more.
    for (const row of sendable) results.push({ row, result: { status: 'failed', error: '短信服务未启用' } });
    return [];
  }
  if (providerRow.kind === 'sink') {
    // The local sink: every message of the batch in one statement.
    return [
      async () => {
        await writeSink(db, sendable.map((r) => ({ tenantId, notificationId: r.id, phone: r.phone ?? '', text: text(r) })));
        for (const row of sendable) results.push({ row, result: { status: 'sent', msgId: `sink-${row.id}` } });
      },
    ];
  }
  let provider;
  try {
    provider = smsProviderFor(providerRow, runtime.cipher, { db, timeoutMs: SEND_TIMEOUT_MS, ...(runtime.fetch ? { fetch: runtime.fetch } : {}) });
  } catch (err) {
    // A credential that no longer opens (the key changed): nothing can be sent until it is set again.
    const error = `短信服务设置无法读取：${err instanceof Error ? err.message.slice(0, 120) : ''}`;
    for (const row of sendable) results.push({ row, result: { status: 'failed', error } });
    return [];
  }
  const quiet = (d: Date) => outsideQuietHours(d, settings.quietHoursStart, settings.quietHoursEnd);
  return sendable.map((row) => async () => {
    const outcome = await withTimeout(provider.send({ phone: row.phone ?? '', templateKey: row.template_key, params: { link: link(row) }, text: text(row), outId: row.id }));
    results.push({ row, result: resultOf(outcome, row, at, quiet) });
  });
}

function webPushTask(db: Database, runtime: NotifyRuntime, row: Row, at: Date, results: { row: Row; result: Result }[]): () => Promise<void> {
  return async () => {
    const payload = { title: '连心', body: row.title || '您有一条新通知', url: noticeLink(runtime.publicUrl, row.link, row.id) };
    const outcome = await withTimeout(sendWebPush(db, runtime, row.tenant_id, row.member_id ?? '', payload));
    results.push({ row, result: resultOf(outcome, row, at, (d) => d) });
  };
}

async function sendDigest(db: Database, runtime: NotifyRuntime, rows: Row[], at: Date, results: { row: Row; result: Result }[]): Promise<void> {
  const first = rows[0] as Row;
  const robot = await db
    .selectFrom('notify_robot')
    .select(['kind', 'webhook_cipher', 'secret_cipher'])
    .where('tenant_id', '=', first.tenant_id)
    .where('id', '=', first.robot_id ?? '')
    .executeTakeFirst();
  if (!robot) {
    for (const row of rows) results.push({ row, result: { status: 'failed', error: '群机器人已删除' } });
    return;
  }
  const digest: RobotDigest = {
    title: rows.length === 1 ? '连心：有一条新通知' : `连心：有 ${rows.length} 条新通知`,
    // each title says its kind already ("每日学习：…", "课程：…", "补学：…")
    lines: rows.map((r) => ({ text: r.title, link: noticeLink(runtime.publicUrl, r.link, r.id) })),
  };
  let outcome: SendOutcome;
  try {
    const provider = robotProvider(robot.kind as RobotKind, { ...(runtime.fetch ? { fetch: runtime.fetch } : {}), timeoutMs: SEND_TIMEOUT_MS });
    outcome = await withTimeout(provider.send(robotTarget(robot, runtime.cipher), digest, at));
  } catch (err) {
    outcome = { ok: false, retry: true, error: err instanceof Error ? err.message.slice(0, 200) : 'send failed' };
  }
  for (const row of rows) results.push({ row, result: resultOf(outcome, row, at, (d) => d) });
  const update = outcome.ok
    ? { last_success_at: at }
    : { last_error_at: at, last_error: outcome.error, ...(outcome.blockedUntil ? { blocked_until: outcome.blockedUntil } : {}) };
  await db.updateTable('notify_robot').set(update).where('tenant_id', '=', first.tenant_id).where('id', '=', first.robot_id ?? '').execute();
}

function resultOf(outcome: SendOutcome, row: Row, at: Date, adjust: (d: Date) => Date): Result {
  if (outcome.ok) return { status: 'sent', ...(outcome.providerMsgId ? { msgId: outcome.providerMsgId } : {}) };
  if (!outcome.retry || row.attempts >= MAX_TRIES) return { status: 'failed', error: outcome.error };
  let wait = Math.max(backoffMs(row.attempts), outcome.retryAfterMs ?? 0);
  if (outcome.blockedUntil) wait = Math.max(wait, outcome.blockedUntil.getTime() - at.getTime());
  return { status: 'pending', error: outcome.error, notBefore: adjust(new Date(at.getTime() + wait)) };
}

async function withTimeout(p: Promise<SendOutcome>): Promise<SendOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SendOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, retry: true, error: 'timeout' }), SEND_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p.catch((err: unknown): SendOutcome => ({ ok: false, retry: true, error: err instanceof Error ? err.message.slice(0, 200) : 'send failed' })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runLimited(tasks: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
}

// ---------- 3. record ----------

/**
 * Records outcomes in one statement: the rows, and (for claimed rows) their attempt. With an
 * `owner`, only rows still leased to it are touched (a row whose lease ran out and was claimed
 * again belongs to the other dispatcher now).
 */
async function settleRows(db: Executor, items: { row: Row; result: Result | { status: 'cancelled'; error: string | null } }[], at: Date, owner: string | null): Promise<void> {
  if (items.length === 0) return;
  const col = <T>(f: (i: (typeof items)[number]) => T) => items.map(f);
  const guard = owner === null ? sql`true` : sql`x.status = 'sending' AND x.lease_owner = ${owner}`;
  await sql`
    WITH v AS (
      SELECT * FROM unnest(
        ${col((i) => i.row.tenant_id)}::uuid[], ${col((i) => i.row.id)}::uuid[], ${col((i) => i.row.attempts)}::int[],
        ${col((i) => i.result.status)}::text[], ${col((i) => (i.result.status === 'pending' ? i.result.notBefore : null))}::timestamptz[],
        ${col((i) => (i.result.status === 'sent' ? (i.result.msgId ?? null) : null))}::text[], ${col((i) => (i.result.status === 'sent' ? null : i.result.error))}::text[]
      ) AS v(tenant_id, id, n, status, not_before, msg, err)),
    u AS (
      UPDATE notification x SET
        status = v.status,
        sent_at = CASE WHEN v.status = 'sent' THEN ${at}::timestamptz ELSE x.sent_at END,
        failed_at = CASE WHEN v.status = 'failed' THEN ${at}::timestamptz ELSE x.failed_at END,
        not_before = COALESCE(v.not_before, x.not_before),
        provider_msg_id = COALESCE(v.msg, x.provider_msg_id),
        last_error = v.err,
        lease_until = NULL, lease_owner = NULL
      FROM v WHERE x.tenant_id = v.tenant_id AND x.id = v.id AND ${guard}
      RETURNING x.tenant_id, x.id)
    UPDATE notification_attempt a SET finished_at = ${at}, ok = (v.status = 'sent'), error = v.err
    FROM v, u WHERE u.tenant_id = v.tenant_id AND u.id = v.id
      AND a.tenant_id = v.tenant_id AND a.notification_id = v.id AND a.n = v.n AND a.finished_at IS NULL`.execute(db);
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
