import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insertable } from 'kysely';
import type { Notification } from '../../db/schema.generated.ts';
import { contextFor, login, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock } from '../../clock.ts';
import { createStudyItem } from '../library/index.ts';
import { getGroupKit, kitText, markKitSent } from './group-kit.ts';

/** Plans through the console's own routes (the kit's sources are other modules'). */
async function post(url: string, payload: object): Promise<{ id?: string; ids?: string[] }> {
  const res = await env.app.inject({ method: 'POST', url, headers: secretary.headers, payload });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

let env: TestEnv;
let village: RequestContext;
let secretary: Session;
let branchSecretary: Session;
let groupLeader: Session;
const org: Record<string, string> = {};
let pushId = '';
let itemId = '';
let meetingId = '';
const HOUR = 3_600_000;

beforeAll(async () => {
  env = await openTestApp();
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) org[o.name] = o.id;
  village = await contextFor(env, PHONES.generalSecretary);
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  groupLeader = await login(env.app, PHONES.groupLeader);
  const villageId = org['新桥村党总支'] as string;
  itemId = (await createStudyItem(env.db, village, { orgId: villageId, kind: 'article', title: '学习一', category: 'theory', tags: [], bodyHtml: '<p>一</p>', minutes: 3 })).id;
  pushId = (
    await post('/api/pushes', {
      orgId: villageId,
      title: '学习贯彻全会精神',
      plannedAt: new Date(clock.now().getTime() + 2 * HOUR).toISOString(),
      itemIds: [itemId],
      audience: 'subtree',
      memberIds: [],
    })
  ).id as string;
  const planned = await post('/api/sessions', {
    orgId: villageId,
    kind: 'online_class',
    title: '流动党员云课堂',
    mode: 'online',
    // 2026-12-20 19:30 in China
    startsAt: '2026-12-20T11:30:00.000Z',
    endsAt: '2026-12-20T13:00:00.000Z',
    checkinOpensBefore: 30,
    checkinClosesAfter: 0,
    audience: 'subtree',
    memberIds: [],
    materialIds: [],
    makeupQuestions: [],
    repeatMonths: 1,
  });
  meetingId = planned.ids?.[0] as string;
});
afterAll(async () => env?.close());

const kitUrl = (sourceKind: string, sourceId: string, orgId: string) => `/api/notify/kit?sourceKind=${sourceKind}&sourceId=${sourceId}&orgId=${orgId}`;

describe('the group kit', () => {
  it('words a push for a branch group with the group link and the secretary to ask', async () => {
    const res = await env.app.inject({ method: 'GET', url: kitUrl('push', pushId, org['第一党支部'] as string), headers: secretary.headers });
    expect(res.statusCode, res.body).toBe(200);
    const kit = res.json();
    expect(kit.link).toMatch(new RegExp(`^https?://[^/]+/m/read/${pushId}/${itemId}\\?via=group$`));
    expect(kit.text).toBe(`【每日学习】学习贯彻全会精神\n请点击链接学习：${kit.link}\n（不会操作的请联系${village.actor.displayName}）`);
    expect(kit).toMatchObject({ title: '学习贯彻全会精神', label: '每日学习', orgName: '第一党支部', mark: null });
  });

  it('words a class with its start in China time', async () => {
    const res = await env.app.inject({ method: 'GET', url: kitUrl('meeting', meetingId, org['第二党支部'] as string), headers: secretary.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().link).toMatch(new RegExp(`/m/sessions/${meetingId}\\?via=group$`));
    expect(res.json().text).toContain('【课程】流动党员云课堂\n时间：2026-12-20 19:30\n请点击链接参加：');
    expect(kitText('meeting', { title: 'x', when: new Date('2026-12-31T16:30:00Z') }, 'L', '王')).toBe('【课程】x\n时间：2027-01-01 00:30\n请点击链接参加：L\n（不会操作的请联系王）');
  });

  it('records "sent to the group" once, audited, and the kit then says who and when', async () => {
    const q = { sourceKind: 'push' as const, sourceId: pushId, orgId: org['第二党支部'] as string };
    const first = await env.app.inject({ method: 'POST', url: '/api/notify/kit/mark', headers: secretary.headers, payload: q });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ orgId: q.orgId, orgName: '第二党支部', markedBy: village.actor.displayName });
    const again = await markKitSent(env.db, village, q);
    expect(again.markedAt).toBe(first.json().markedAt);
    const audits = await env.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'group_kit.mark').where('entity_id', '=', pushId).execute();
    expect(audits).toHaveLength(1);
    const kit = await getGroupKit(env.db, village, 'http://example.test', q);
    expect(kit.mark).toMatchObject({ orgName: '第二党支部', markedBy: village.actor.displayName });
    expect(kit.link).toBe(`http://example.test/m/read/${pushId}/${itemId}?via=group`);
    // Another unit's kit is not marked by it.
    expect((await getGroupKit(env.db, village, 'http://example.test', { ...q, orgId: org['第一党支部'] as string })).mark).toBeNull();
  });

  it('refuses a unit outside the source, naming the unit', async () => {
    const branch = (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow()).id;
    const pushOfBranch = (await post('/api/pushes', { orgId: branch, title: '支部推送', plannedAt: new Date(clock.now().getTime() + HOUR).toISOString(), itemIds: [itemId], audience: 'subtree', memberIds: [] })).id as string;
    const res = await env.app.inject({ method: 'GET', url: kitUrl('push', pushOfBranch, org['第二党支部'] as string), headers: secretary.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toEqual([{ field: 'orgId', message: '不在这条通知的范围内' }]);
  });

  it('answers malformed input with a 400 naming the field, in English for an English caller', async () => {
    const res = await env.app.inject({ method: 'GET', url: kitUrl('letter', pushId, org['第二党支部'] as string), headers: { ...secretary.headers, 'accept-language': 'en-US' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe('sourceKind');
    const outside = await env.app.inject({ method: 'GET', url: kitUrl('push', pushId, org['新桥村党总支'] as string).replace(pushId, pushId), headers: { ...branchSecretary.headers, 'accept-language': 'en-US' } });
    expect(outside.statusCode).toBe(403);
    const bad = await env.app.inject({ method: 'POST', url: '/api/notify/kit/mark', headers: secretary.headers, payload: { sourceKind: 'push', sourceId: 'x', orgId: org['第二党支部'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].field).toBe('sourceId');
  });

  it('lets a group leader send a village class to their own group, not to another, and not read its report', async () => {
    const own = await env.app.inject({ method: 'GET', url: kitUrl('meeting', meetingId, org['第一党小组'] as string), headers: groupLeader.headers });
    expect(own.statusCode, own.body).toBe(200);
    const other = await env.app.inject({ method: 'GET', url: kitUrl('meeting', meetingId, org['第二党支部'] as string), headers: groupLeader.headers });
    expect(other.statusCode).toBe(403);
    const report = await env.app.inject({ method: 'GET', url: `/api/notify/report?sourceKind=meeting&sourceId=${meetingId}`, headers: groupLeader.headers });
    expect(report.statusCode).toBe(403);
    // The push page is the secretaries': a group leader gets no push kit.
    const push = await env.app.inject({ method: 'GET', url: kitUrl('push', pushId, org['第一党小组'] as string), headers: groupLeader.headers });
    expect(push.statusCode).toBe(403);
  });
});

/** A notification of the push as the outbox writes it, with what a test sets. */
const row = (over: Partial<Insertable<Notification>>): Insertable<Notification> => ({
  tenant_id: env.tenantId,
  source_kind: 'push',
  source_id: pushId,
  channel: 'sms',
  recipient_id: crypto.randomUUID(),
  template_key: 'study',
  link: `read/${pushId}/${itemId}`,
  ...over,
});

describe('the channel report', () => {
  it('counts each channel by status, with the latest errors, the opens and the group marks', async () => {
    const members = (await env.db.selectFrom('member').select('id').where('tenant_id', '=', env.tenantId).limit(8).execute()).map((m) => m.id);
    const robot = crypto.randomUUID();
    const base = clock.now().getTime();
    const t = (h: number) => new Date(base + h * HOUR);
    await env.db
      .insertInto('notification')
      .values([
        row({ recipient_id: members[0], member_id: members[0], status: 'pending' }),
        row({ recipient_id: members[1], member_id: members[1], status: 'sent', sent_at: t(0), opened_at: t(1) }),
        row({ recipient_id: members[2], member_id: members[2], status: 'delivered', sent_at: t(0), delivered_at: t(0) }),
        row({ recipient_id: members[3], member_id: members[3], status: 'failed', last_error: 'isv.MOBILE_NUMBER_ILLEGAL', failed_at: t(-2) }),
        row({ recipient_id: members[4], member_id: members[4], status: 'failed', last_error: 'isv.BUSINESS_LIMIT_CONTROL', failed_at: t(-1) }),
        row({ recipient_id: members[5], member_id: members[5], status: 'failed', last_error: 'isv.BUSINESS_LIMIT_CONTROL', failed_at: t(-3) }),
        row({ recipient_id: members[6], member_id: members[6], status: 'cancelled' }),
        row({ source_kind: 'push.reminder', recipient_id: members[0], member_id: members[0], status: 'sending' }),
        row({ channel: 'webpush', recipient_id: members[0], member_id: members[0], status: 'sent', opened_at: t(0) }),
        row({ channel: 'wecom', recipient_id: robot, robot_id: robot, status: 'sent' }),
        // Not this push's: another source, and a meeting kind on the same id.
        row({ source_id: meetingId, link: `sessions/${meetingId}`, recipient_id: members[7], member_id: members[7], status: 'failed', last_error: 'other' }),
        row({ source_kind: 'meeting.planned', source_id: meetingId, recipient_id: members[7], member_id: members[7], status: 'sent' }),
      ])
      .execute();
    const res = await env.app.inject({ method: 'GET', url: `/api/notify/report?sourceKind=push&sourceId=${pushId}`, headers: secretary.headers });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.channels.map((c: { channel: string }) => c.channel)).toEqual(['webpush', 'sms', 'wecom']);
    expect(report.channels[1]).toEqual({
      channel: 'sms',
      queued: 2,
      sent: 2,
      delivered: 1,
      failed: 3,
      cancelled: 1,
      opened: 1,
      errors: [
        { error: 'isv.BUSINESS_LIMIT_CONTROL', at: t(-1).toISOString(), count: 2 },
        { error: 'isv.MOBILE_NUMBER_ILLEGAL', at: t(-2).toISOString(), count: 1 },
      ],
    });
    expect(report.channels[0]).toMatchObject({ channel: 'webpush', sent: 1, opened: 1, failed: 0, errors: [] });
    expect(report.channels[2]).toMatchObject({ channel: 'wecom', sent: 1 });
    expect(report.marks).toEqual([expect.objectContaining({ orgName: '第二党支部' })]);
  });

  it('of a class, counts its meeting and make-up notices', async () => {
    const res = await env.app.inject({ method: 'GET', url: `/api/notify/report?sourceKind=meeting&sourceId=${meetingId}`, headers: secretary.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().channels).toEqual([expect.objectContaining({ channel: 'sms', sent: 1, failed: 0 })]);
  });

  it('is the secretaries\' of the source only', async () => {
    const res = await env.app.inject({ method: 'GET', url: `/api/notify/report?sourceKind=push&sourceId=${pushId}`, headers: branchSecretary.headers });
    expect(res.statusCode).toBe(403);
    const missing = await env.app.inject({ method: 'GET', url: `/api/notify/report?sourceKind=push&sourceId=${crypto.randomUUID()}`, headers: secretary.headers });
    expect(missing.statusCode).toBe(404);
  });
});
