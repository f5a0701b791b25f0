import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memberIdByPhone, openTestApp, PHONES, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { chinaDay, chinaDayStart } from '../../../shared/china-time.ts';
import { enqueueNotice, type Notice } from './outbox.ts';
import { dispatchDue, MAX_TRIES } from './dispatch.ts';
import { registerNoticeSource } from './sources.ts';
import type { NotifyRuntime } from './runtime.ts';

/**
 * The dispatcher on a real database, its providers answered by a fake fetch: the sink, robot
 * digests and their limits, backoff and giving up with the provider's own error, a lease that ran
 * out, two dispatchers at once, the SMS daily cap, and rows cancelled once their source is seen.
 */
let env: TestEnv;
/** Under the robot's unit. */
let a = '';
/** Elsewhere, reached only by SMS unless a test subscribes them. */
let c = '';
let cAccount = '';
let robot = '';
const H = 3_600_000;
const chinaAt = (hours: number, dayOffset = 0) => new Date(chinaDayStart(chinaDay(clock.now())).getTime() + (dayOffset * 24 + hours) * H);
const T0 = () => chinaAt(10);
const later = (ms: number, from = T0()) => new Date(from.getTime() + ms);
const notice = (title = '学习新思想'): Notice => ({ tenantId: env.tenantId, sourceKind: 'push', sourceId: crypto.randomUUID(), title, path: 'read/p/i' });

/** What the fake services answer the robot and 阿里云 SMS with, and every request they got. */
let robotAnswer: () => Response = () => Response.json({ errcode: 0, errmsg: 'ok' });
let smsAnswer: () => Response = () => Response.json({ Code: 'OK', BizId: 'biz-1', RequestId: 'r' });
const calls: { url: string; body: string }[] = [];
const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = String(input);
  calls.push({ url, body: typeof init?.body === 'string' ? init.body : '' });
  if (url.startsWith('https://qyapi.weixin.qq.com/')) return robotAnswer();
  if (url.includes('dysmsapi')) return smsAnswer();
  return new Response(null, { status: 201 });
}) as typeof fetch;
let runtime: NotifyRuntime;
const robotCalls = () => calls.filter((x) => x.url.startsWith('https://qyapi.weixin.qq.com/'));

const rowsOf = (sourceId: string) => env.db.selectFrom('notification').selectAll().where('tenant_id', '=', env.tenantId).where('source_id', '=', sourceId).execute();
const one = async (sourceId: string, channel: string, memberId: string | null = null) => {
  const row = (await rowsOf(sourceId)).find((r) => r.channel === channel && (memberId === null || r.member_id === memberId));
  if (!row) throw new Error(`no ${channel} row`);
  return row;
};
const sinkCount = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM sms_sink WHERE tenant_id = ${env.tenantId}`.execute(env.db)).rows[0]?.n ?? 0);

beforeAll(async () => {
  env = await openTestApp();
  runtime = { cipher: env.services.cipher, publicUrl: 'https://lx.example.cn', fetch: fakeFetch };
  const t = env.tenantId;
  a = await memberIdByPhone(env, PHONES.mobileMember);
  const unit = await sql<{ org_id: string; path: string }>`SELECT m.org_id, o.path FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id WHERE m.tenant_id = ${t} AND m.id = ${a}`.execute(env.db);
  const { org_id: orgId, path } = unit.rows[0] ?? { org_id: '', path: '' };
  const other = await sql<{ id: string; account_id: string }>`
    SELECT m.id, ac.id AS account_id FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    JOIN account ac ON ac.tenant_id = m.tenant_id AND ac.member_id = m.id AND ac.disabled_at IS NULL
    WHERE m.tenant_id = ${t} AND m.left_at IS NULL AND o.path NOT LIKE ${`${path}%`} ORDER BY m.name_sort_key LIMIT 1`.execute(env.db);
  c = other.rows[0]?.id ?? '';
  cAccount = other.rows[0]?.account_id ?? '';
  robot = (
    await env.db
      .insertInto('notify_robot')
      .values({ tenant_id: t, org_id: orgId, kind: 'wecom', name: '小组群', webhook_cipher: env.services.cipher.encrypt('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k') })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await env.db.insertInto('notify_sms_provider').values({ tenant_id: t, kind: 'sink' }).execute();
  await env.db.insertInto('notify_preference').values([a, c].map((member_id) => ({ tenant_id: t, member_id, channel: 'sms' as const, enabled: true }))).execute();
});

beforeEach(async () => {
  await env.db.deleteFrom('notification').where('tenant_id', '=', env.tenantId).execute();
  await env.db.deleteFrom('sms_sink').where('tenant_id', '=', env.tenantId).execute();
  await env.db.deleteFrom('push_subscription').where('tenant_id', '=', env.tenantId).execute();
  await env.db.updateTable('notify_robot').set({ blocked_until: null, last_error: null, last_success_at: null }).where('tenant_id', '=', env.tenantId).execute();
  robotAnswer = () => Response.json({ errcode: 0, errmsg: 'ok' });
  calls.length = 0;
});

afterAll(async () => {
  await env?.close();
});

describe('dispatchDue', () => {
  it('sends an SMS through the sink once, with its deep link, and records the attempt', async () => {
    const n = notice();
    await enqueueNotice(env.db, n, [c], { now: T0() });
    expect(await dispatchDue(env.db, runtime, T0())).toBe(1);
    const row = await one(n.sourceId, 'sms', c);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lease_until: null, last_error: null });
    const sink = await env.db.selectFrom('sms_sink').selectAll().where('notification_id', '=', row.id).execute();
    expect(sink).toHaveLength(1);
    expect(sink[0]?.text).toContain(`https://lx.example.cn/m/read/p/i?n=${row.id}`);
    const attempts = await env.db.selectFrom('notification_attempt').selectAll().where('notification_id', '=', row.id).execute();
    expect(attempts).toMatchObject([{ n: 1, ok: true, error: null }]);
    expect(attempts[0]?.finished_at).not.toBeNull();
    // Nothing more is due: a second run sends nothing.
    expect(await dispatchDue(env.db, runtime, later(60_000))).toBe(0);
    expect(await sinkCount()).toBe(1);
  });

  it('sends all due rows of a robot as one digest, each line with its own link', async () => {
    const titles = ['第一课', '第二课', '第三课'];
    const ns = titles.map((t) => notice(t));
    for (const n of ns) await enqueueNotice(env.db, n, [a], { now: T0() });
    await dispatchDue(env.db, runtime, T0());
    expect(robotCalls()).toHaveLength(1);
    const body = robotCalls()[0]?.body ?? '';
    for (const t of titles) expect(body).toContain(t);
    for (const n of ns) {
      const row = await one(n.sourceId, 'wecom');
      expect(row.status).toBe('sent');
      expect(body).toContain(`?n=${row.id}`);
    }
    const r = await env.db.selectFrom('notify_robot').select(['last_success_at']).where('id', '=', robot).executeTakeFirstOrThrow();
    expect(r.last_success_at).toEqual(T0());
  });

  it('sends a robot no more than its messages per minute (企业微信: 20), the rest a minute later', async () => {
    const ns: Notice[] = [];
    for (let i = 0; i < 21; i++) {
      const n = notice(`第 ${i + 1} 条`);
      ns.push(n);
      await enqueueNotice(env.db, n, [a], { now: later(i * 1000) });
      await dispatchDue(env.db, runtime, later(i * 1000));
    }
    expect(robotCalls()).toHaveLength(20);
    const last = await one(ns[20]?.sourceId ?? '', 'wecom');
    expect(last.status).toBe('pending');
    expect(last.not_before.getTime()).toBeGreaterThan(later(60_000).getTime());
    await dispatchDue(env.db, runtime, later(61_000));
    expect(robotCalls()).toHaveLength(21);
    expect((await one(ns[20]?.sourceId ?? '', 'wecom')).status).toBe('sent');
  });

  it('tries again with a growing wait after a server error, and gives up after the last try with its error', async () => {
    robotAnswer = () => new Response('oops', { status: 500 });
    const n = notice();
    await enqueueNotice(env.db, n, [a], { now: T0() });
    let at = T0();
    const waits: number[] = [];
    for (let i = 0; i < MAX_TRIES; i++) {
      await dispatchDue(env.db, runtime, at);
      const row = await one(n.sourceId, 'wecom');
      expect(row.attempts).toBe(i + 1);
      expect(row.last_error).toContain('HTTP 500');
      if (row.status === 'failed') break;
      expect(row.status).toBe('pending');
      waits.push(row.not_before.getTime() - at.getTime());
      // Not before its time.
      await dispatchDue(env.db, runtime, new Date(row.not_before.getTime() - 1000));
      expect((await one(n.sourceId, 'wecom')).attempts).toBe(i + 1);
      at = row.not_before;
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    const row = await one(n.sourceId, 'wecom');
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_TRIES });
    expect(row.failed_at).toEqual(at);
    const attempts = await env.db.selectFrom('notification_attempt').select(['n', 'ok', 'error']).where('notification_id', '=', row.id).orderBy('n').execute();
    expect(attempts.map((x) => x.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(attempts.every((x) => x.ok === false && x.error?.includes('HTTP 500'))).toBe(true);
  });

  it("fails at once on a refusal that trying again cannot help, keeping the service's code and message", async () => {
    robotAnswer = () => Response.json({ errcode: 93000, errmsg: 'invalid webhook url' });
    const n = notice();
    await enqueueNotice(env.db, n, [a], { now: T0() });
    await dispatchDue(env.db, runtime, T0());
    const row = await one(n.sourceId, 'wecom');
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toMatch(/^93000 .*invalid webhook url/);
    const r = await env.db.selectFrom('notify_robot').select(['last_error', 'last_error_at']).where('id', '=', robot).executeTakeFirstOrThrow();
    expect(r.last_error).toMatch(/^93000/);
  });

  it('sends nothing through a robot the service blocked until the block ends', async () => {
    robotAnswer = () => Response.json({ errcode: 45009, errmsg: 'api freq out of limit' });
    const n = notice();
    await enqueueNotice(env.db, n, [a], { now: T0() });
    await dispatchDue(env.db, runtime, T0());
    const r = await env.db.selectFrom('notify_robot').select(['blocked_until']).where('id', '=', robot).executeTakeFirstOrThrow();
    expect(r.blocked_until).toEqual(later(10 * 60_000));
    expect((await one(n.sourceId, 'wecom')).not_before.getTime()).toBeGreaterThanOrEqual(later(10 * 60_000).getTime());
    robotAnswer = () => Response.json({ errcode: 0, errmsg: 'ok' });
    const next = notice();
    await enqueueNotice(env.db, next, [a], { now: later(60_000) });
    await dispatchDue(env.db, runtime, later(60_000));
    expect(robotCalls()).toHaveLength(1);
    expect((await one(next.sourceId, 'wecom')).status).toBe('pending');
    await dispatchDue(env.db, runtime, later(10 * 60_000 + 1000));
    expect(robotCalls()).toHaveLength(2);
    expect((await one(next.sourceId, 'wecom')).status).toBe('sent');
    expect((await one(n.sourceId, 'wecom')).status).toBe('sent');
  });

  it('claims again a row whose lease ran out (its process died), and the sink still holds one message', async () => {
    const n = notice();
    await enqueueNotice(env.db, n, [c], { now: T0() });
    const row = await one(n.sourceId, 'sms', c);
    // A dispatcher claimed it, wrote the message and died before recording it sent.
    await env.db
      .updateTable('notification')
      .set({ status: 'sending', attempts: 1, lease_until: later(30_000), lease_owner: 'dead' })
      .where('tenant_id', '=', env.tenantId)
      .where('id', '=', row.id)
      .execute();
    await env.db.insertInto('notification_attempt').values({ tenant_id: env.tenantId, notification_id: row.id, n: 1, started_at: T0() }).execute();
    await env.db.insertInto('sms_sink').values({ tenant_id: env.tenantId, notification_id: row.id, phone: '13900000000', text: 'x' }).execute();
    expect(await dispatchDue(env.db, runtime, later(10_000))).toBe(0);
    expect((await one(n.sourceId, 'sms', c)).status).toBe('sending');
    expect(await dispatchDue(env.db, runtime, later(31_000))).toBe(1);
    expect(await one(n.sourceId, 'sms', c)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await sinkCount()).toBe(1);
  });

  it('never sends a row twice when two dispatchers run at once', async () => {
    const t = env.tenantId;
    const members = await sql<{ id: string }>`SELECT id FROM member WHERE tenant_id = ${t} AND left_at IS NULL`.execute(env.db);
    await sql`INSERT INTO notify_preference (tenant_id, member_id, channel, enabled)
      SELECT tenant_id, id, 'sms', true FROM member WHERE tenant_id = ${t} AND left_at IS NULL ON CONFLICT DO NOTHING`.execute(env.db);
    const ids = members.rows.map((m) => m.id);
    const n = notice();
    // Nothing else reaches them in this test: every SMS is due at once.
    await env.db.updateTable('notify_robot').set({ enabled: false }).where('id', '=', robot).execute();
    try {
      await enqueueNotice(env.db, n, ids, { now: T0() });
      const total = (await rowsOf(n.sourceId)).length;
      expect(total).toBe(ids.length);
      const handled = await Promise.all([dispatchDue(env.db, runtime, T0(), { batch: 7 }), dispatchDue(env.db, runtime, T0(), { batch: 7 })]);
      expect(handled[0] + handled[1]).toBe(total);
      const rows = await rowsOf(n.sourceId);
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      const sink = await sql<{ n: string; d: string }>`SELECT count(*) AS n, count(DISTINCT notification_id) AS d FROM sms_sink WHERE tenant_id = ${t}`.execute(env.db);
      expect(Number(sink.rows[0]?.n)).toBe(total);
      expect(Number(sink.rows[0]?.d)).toBe(total);
    } finally {
      await env.db.updateTable('notify_robot').set({ enabled: true }).where('id', '=', robot).execute();
      await env.db.deleteFrom('notify_preference').where('tenant_id', '=', t).where('member_id', 'not in', [a, c]).execute();
    }
  });

  it("sends an SMS through the tenant's provider with its template, the link and the notification as OutId; a throttled one waits out of the quiet hours", async () => {
    const provider = () => env.db.updateTable('notify_sms_provider').where('tenant_id', '=', env.tenantId);
    await provider()
      .set({ kind: 'aliyun', access_key_id: 'ak', secret_cipher: env.services.cipher.encrypt('sk'), settings: JSON.stringify({ signName: '连心', templates: { study: 'SMS_1' } }) })
      .execute();
    try {
      const n = notice();
      await enqueueNotice(env.db, n, [c], { now: T0() });
      await dispatchDue(env.db, runtime, T0());
      const row = await one(n.sourceId, 'sms', c);
      expect(row).toMatchObject({ status: 'sent', provider_msg_id: 'biz-1' });
      const body = new URLSearchParams(calls.find((x) => x.url.includes('dysmsapi'))?.body ?? '');
      expect(body.get('OutId')).toBe(row.id);
      expect(body.get('TemplateCode')).toBe('SMS_1');
      expect(JSON.parse(body.get('TemplateParam') ?? '{}')).toEqual({ link: `https://lx.example.cn/m/read/p/i?n=${row.id}` });

      // Throttled 15 s before the quiet hours begin: the next try would fall at 21:00:15, so it waits till 08:00.
      smsAnswer = () => Response.json({ Code: 'Throttling', Message: 'Request was denied due to request throttling.' });
      const late = notice();
      const at = new Date(chinaAt(21).getTime() - 15_000);
      await enqueueNotice(env.db, late, [c], { now: at });
      await dispatchDue(env.db, runtime, at);
      const waiting = await one(late.sourceId, 'sms', c);
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Throttling: Request was denied due to request throttling.' });
      expect(waiting.not_before).toEqual(chinaAt(8, 1));
    } finally {
      smsAnswer = () => Response.json({ Code: 'OK', BizId: 'biz-1', RequestId: 'r' });
      await provider().set({ kind: 'sink', access_key_id: null, secret_cipher: null, settings: '{}' }).execute();
    }
  });

  it('never counts the local sink as sending in production: its rows are cancelled', async () => {
    const n = notice();
    await enqueueNotice(env.db, n, [c], { now: T0() });
    await dispatchDue(env.db, { ...runtime, production: true }, T0());
    expect(await one(n.sourceId, 'sms', c)).toMatchObject({ status: 'cancelled', attempts: 0, last_error: '短信服务未启用' });
    expect(await sinkCount()).toBe(0);
  });

  it('keeps to the SMS daily cap per member (3): the rest wait for the next morning, China time', async () => {
    const ns = [1, 2, 3, 4, 5].map((i) => notice(`通知 ${i}`));
    for (const n of ns) await enqueueNotice(env.db, n, [c], { now: T0() });
    await dispatchDue(env.db, runtime, T0());
    const rows = await Promise.all(ns.map((n) => one(n.sourceId, 'sms', c)));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(3);
    const waiting = rows.filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(2);
    for (const r of waiting) expect(r.not_before).toEqual(chinaAt(8, 1));
    // Deferring is no try.
    expect(waiting.every((r) => r.attempts === 0)).toBe(true);
    await dispatchDue(env.db, runtime, chinaAt(8, 1));
    expect((await Promise.all(ns.map((n) => one(n.sourceId, 'sms', c)))).every((r) => r.status === 'sent')).toBe(true);
    expect(await sinkCount()).toBe(5);
  });

  it('cancels an escalation SMS once the member has seen the source, or opened another notice of it', async () => {
    // a is reached by the robot, c by Web Push: both SMS wait a day.
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    await env.db
      .insertInto('push_subscription')
      .values({ tenant_id: env.tenantId, account_id: cAccount, endpoint: 'https://push.example/c', p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') })
      .execute();
    const n = notice();
    registerNoticeSource('push', { seen: async (_db, _t, sourceId, memberIds) => new Set(sourceId === n.sourceId ? memberIds.filter((m) => m === a) : []) });
    try {
      await enqueueNotice(env.db, n, [a, c], { now: T0() });
      await dispatchDue(env.db, runtime, T0());
      const push = await one(n.sourceId, 'webpush', c);
      expect(push.status).toBe('sent');
      expect(calls.some((x) => x.url === 'https://push.example/c')).toBe(true);
      await env.db.updateTable('notification').set({ opened_at: later(H) }).where('id', '=', push.id).execute();
      expect((await one(n.sourceId, 'sms', a)).status).toBe('pending');
      await dispatchDue(env.db, runtime, later(25 * H));
      expect(await one(n.sourceId, 'sms', a)).toMatchObject({ status: 'cancelled', attempts: 0 });
      expect(await one(n.sourceId, 'sms', c)).toMatchObject({ status: 'cancelled', attempts: 0 });
      expect(await sinkCount()).toBe(0);
    } finally {
      registerNoticeSource('push', { seen: async () => new Set() });
    }
  });
});
