import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { chinaDayStart, chinaDay } from '../../../shared/china-time.ts';
import { enqueueNotice, type Notice } from './outbox.ts';
import { memberChannels } from './member-channels.ts';
import { noticeLink } from './links.ts';
import { outsideQuietHours } from './quiet-hours.ts';

/**
 * The outbox on a real database: which rows a notice makes on which channel, once only, and when
 * an SMS is due (at once, as an escalation, never in the quiet hours, China time).
 */
let env: TestEnv;
/** Under the robot's unit. */
let a = '';
/** Elsewhere, with a Web Push subscription on their login. */
let b = '';
/** Elsewhere, reached by nothing but SMS. */
let c = '';
let robot = '';
const H = 3_600_000;
/** A China time of the clock's day (hours after its midnight in Beijing). */
const chinaAt = (hours: number, dayOffset = 0) => new Date(chinaDayStart(chinaDay(clock.now())).getTime() + (dayOffset * 24 + hours) * H);
const notice = (title = '学习新思想'): Notice => ({ tenantId: env.tenantId, sourceKind: 'push', sourceId: crypto.randomUUID(), title, path: 'read/p/i' });

const rows = (sourceId: string) =>
  env.db.selectFrom('notification').selectAll().where('tenant_id', '=', env.tenantId).where('source_id', '=', sourceId).orderBy('channel').execute();

beforeAll(async () => {
  env = await openTestApp();
  const t = env.tenantId;
  a = await memberIdByPhone(env, PHONES.mobileMember);
  const unit = await sql<{ org_id: string; path: string }>`SELECT m.org_id, o.path FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id WHERE m.tenant_id = ${t} AND m.id = ${a}`.execute(env.db);
  const { org_id: orgId, path } = unit.rows[0] ?? { org_id: '', path: '' };
  // Two members with a login outside the robot's unit.
  const others = await sql<{ id: string; account_id: string }>`
    SELECT m.id, ac.id AS account_id FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    JOIN account ac ON ac.tenant_id = m.tenant_id AND ac.member_id = m.id AND ac.disabled_at IS NULL
    WHERE m.tenant_id = ${t} AND m.left_at IS NULL AND o.path NOT LIKE ${`${path}%`} ORDER BY m.name_sort_key LIMIT 2`.execute(env.db);
  const [first, second] = others.rows;
  if (!first || !second) throw new Error('the demo has two members with a login outside the unit');
  b = first.id;
  c = second.id;
  robot = (
    await env.db
      .insertInto('notify_robot')
      .values({ tenant_id: t, org_id: orgId, kind: 'wecom', name: '小组群', webhook_cipher: env.services.cipher.encrypt('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k') })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await env.db.insertInto('push_subscription').values({ tenant_id: t, account_id: first.account_id, endpoint: 'https://push.example/b', p256dh: 'k', auth: 'a' }).execute();
  await env.db.insertInto('notify_sms_provider').values({ tenant_id: t, kind: 'sink' }).execute();
  await env.db
    .insertInto('notify_preference')
    .values([a, b, c].map((member_id) => ({ tenant_id: t, member_id, channel: 'sms' as const, enabled: true })))
    .execute();
});

afterAll(async () => {
  await env?.close();
});

describe('enqueueNotice', () => {
  it('makes one digest row for the robot, a Web Push row for the subscriber and SMS rows for who consented', async () => {
    const n = notice();
    const now = chinaAt(10);
    expect(await enqueueNotice(env.db, n, [a, b, c], { now })).toBe(5);
    const made = await rows(n.sourceId);
    const by = (channel: string, recipient: string) => made.find((r) => r.channel === channel && r.recipient_id === recipient);
    expect(made).toHaveLength(5);
    expect(by('wecom', robot)).toMatchObject({ member_id: null, robot_id: robot, link: 'read/p/i', template_key: 'study', status: 'pending' });
    expect(by('wecom', robot)?.params).toEqual({ title: '学习新思想' });
    expect(by('webpush', b)).toMatchObject({ member_id: b });
    // C is reached by nothing else: at once; A (the robot) and B (Web Push) only as an escalation a day later.
    expect(by('sms', c)?.not_before).toEqual(now);
    expect(by('sms', a)?.not_before).toEqual(new Date(now.getTime() + 24 * H));
    expect(by('sms', b)?.not_before).toEqual(new Date(now.getTime() + 24 * H));
  });

  it('adds nothing when the same notice is enqueued again, or by two transactions at once', async () => {
    const n = notice();
    expect(await enqueueNotice(env.db, n, [a, b, c])).toBe(5);
    expect(await enqueueNotice(env.db, n, [a, b, c, c])).toBe(0);
    const twice = notice();
    const counts = await Promise.all([0, 1].map(() => env.db.transaction().execute((tx) => enqueueNotice(tx, twice, [a, b, c]))));
    expect(counts.reduce((s, x) => s + x, 0)).toBe(5);
    expect(await rows(twice.sourceId)).toHaveLength(5);
  });

  it('gives one robot row however many of its members a notice names', async () => {
    const n = notice();
    const unitMates = await sql<{ id: string }>`
      SELECT id FROM member WHERE tenant_id = ${env.tenantId} AND org_id = (SELECT org_id FROM member WHERE tenant_id = ${env.tenantId} AND id = ${a}) AND left_at IS NULL`.execute(env.db);
    expect(unitMates.rows.length).toBeGreaterThan(1);
    await enqueueNotice(env.db, n, unitMates.rows.map((r) => r.id));
    expect((await rows(n.sourceId)).filter((r) => r.channel === 'wecom')).toHaveLength(1);
  });

  it('never puts an SMS in the quiet hours (21:00–08:00 China time): it waits for their end', async () => {
    const late = notice();
    await enqueueNotice(env.db, late, [a, c], { now: chinaAt(22.5) });
    const lateRows = await rows(late.sourceId);
    // C at once would be 22:30: 08:00 the next morning. A's escalation at 22:30 tomorrow: 08:00 the day after.
    expect(lateRows.find((r) => r.channel === 'sms' && r.member_id === c)?.not_before).toEqual(chinaAt(8, 1));
    expect(lateRows.find((r) => r.channel === 'sms' && r.member_id === a)?.not_before).toEqual(chinaAt(8, 2));
    const early = notice();
    await enqueueNotice(env.db, early, [c], { now: chinaAt(3) });
    expect((await rows(early.sourceId))[0]?.not_before).toEqual(chinaAt(8));
    const evening = notice();
    await enqueueNotice(env.db, evening, [c], { now: chinaAt(20.75) });
    expect((await rows(evening.sourceId))[0]?.not_before).toEqual(chinaAt(20.75));
  });

  it('leaves out members who turned Web Push off, and SMS when the tenant has no provider on', async () => {
    await env.db.insertInto('notify_preference').values({ tenant_id: env.tenantId, member_id: b, channel: 'webpush', enabled: false }).execute();
    await env.db.updateTable('notify_sms_provider').set({ enabled: false }).where('tenant_id', '=', env.tenantId).execute();
    try {
      const n = notice();
      await enqueueNotice(env.db, n, [b, c]);
      expect(await rows(n.sourceId)).toEqual([]);
    } finally {
      await env.db.deleteFrom('notify_preference').where('tenant_id', '=', env.tenantId).where('member_id', '=', b).where('channel', '=', 'webpush').execute();
      await env.db.updateTable('notify_sms_provider').set({ enabled: true }).where('tenant_id', '=', env.tenantId).execute();
    }
  });

  it('exists exactly when its cause does: a rolled-back transaction leaves no row', async () => {
    const n = notice();
    await expect(
      env.db.transaction().execute(async (tx) => {
        await enqueueNotice(tx, n, [a, b, c]);
        throw new Error('the cause failed');
      }),
    ).rejects.toThrow('the cause failed');
    expect(await rows(n.sourceId)).toEqual([]);
  });
});

describe('quiet hours and links', () => {
  it('moves a moment inside the quiet hours to their end, China time, also for a span within one day', () => {
    expect(outsideQuietHours(chinaAt(21), '21:00', '08:00')).toEqual(chinaAt(8, 1));
    expect(outsideQuietHours(chinaAt(7.99), '21:00', '08:00')).toEqual(chinaAt(8));
    expect(outsideQuietHours(chinaAt(8), '21:00', '08:00')).toEqual(chinaAt(8));
    expect(outsideQuietHours(chinaAt(13), '12:00', '14:00')).toEqual(chinaAt(14));
    expect(outsideQuietHours(chinaAt(3), '08:00', '08:00')).toEqual(chinaAt(3));
  });

  it('builds deep links under /m/ with the notification id', () => {
    expect(noticeLink('https://lx.example.cn/', 'read/p/i', 'abc')).toBe('https://lx.example.cn/m/read/p/i?n=abc');
    expect(noticeLink('https://lx.example.cn', '/m/tasks')).toBe('https://lx.example.cn/m/tasks');
  });
});

describe('memberChannels', () => {
  it('tells for each member the robots over their unit, Web Push, SMS consent and opt-outs', async () => {
    const channels = await memberChannels(env.db, env.tenantId, [a, b, c, crypto.randomUUID()]);
    expect(channels.size).toBe(3);
    expect(channels.get(a)?.robots.map((r) => r.id)).toEqual([robot]);
    expect(channels.get(b)).toMatchObject({ appActivated: true, webPushSubscriptions: 1, smsConsent: true, smsAvailable: true, robots: [], optedOut: [] });
    expect(channels.get(c)?.webPushSubscriptions).toBe(0);
    expect(channels.get(c)?.openInvitation).toBe(false);
  });

  it('tells of an open invitation and of the channels a member turned off', async () => {
    const now = clock.now();
    await env.db
      .insertInto('invitation')
      .values({ tenant_id: env.tenantId, member_id: c, token_hash: crypto.randomUUID(), expires_at: new Date(now.getTime() + 24 * H) })
      .execute();
    await env.db.insertInto('notify_preference').values({ tenant_id: env.tenantId, member_id: c, channel: 'webpush', enabled: false }).execute();
    try {
      expect((await memberChannels(env.db, env.tenantId, [c], now)).get(c)).toMatchObject({ openInvitation: true, optedOut: ['webpush'], smsConsent: true });
      // A day later the invitation has run out.
      expect((await memberChannels(env.db, env.tenantId, [c], new Date(now.getTime() + 25 * H))).get(c)?.openInvitation).toBe(false);
    } finally {
      await env.db.deleteFrom('invitation').where('tenant_id', '=', env.tenantId).where('member_id', '=', c).execute();
      await env.db.deleteFrom('notify_preference').where('tenant_id', '=', env.tenantId).where('member_id', '=', c).where('channel', '=', 'webpush').execute();
    }
  });
});

describe('POST /api/me/notices/:id/opened', () => {
  it("marks the caller's own notice opened once; another member's is not found", async () => {
    const n = notice();
    await enqueueNotice(env.db, n, [a, b, c]);
    const own = (await rows(n.sourceId)).find((r) => r.channel === 'sms' && r.member_id === a);
    const robotRow = (await rows(n.sourceId)).find((r) => r.channel === 'wecom');
    const others = (await rows(n.sourceId)).find((r) => r.channel === 'sms' && r.member_id === c);
    const member = await login(env.app, PHONES.mobileMember);
    const open = (id: string) => env.app.inject({ method: 'POST', url: `/api/me/notices/${id}/opened`, headers: member.headers });
    const first = await open(own?.id ?? '');
    expect(first.statusCode, first.body).toBe(200);
    const openedAt = (first.json() as { openedAt: string }).openedAt;
    expect((await open(own?.id ?? '')).json()).toEqual({ openedAt });
    // The robot's digest over the member's unit: the member may mark it opened too.
    expect((await open(robotRow?.id ?? '')).statusCode).toBe(200);
    const refused = await open(others?.id ?? '');
    expect(refused.statusCode).toBe(404);
    expect((await env.db.selectFrom('notification').select('opened_at').where('id', '=', others?.id ?? '').executeTakeFirstOrThrow()).opened_at).toBeNull();
    expect((await open('not-a-uuid')).statusCode).toBe(400);
  });
});
