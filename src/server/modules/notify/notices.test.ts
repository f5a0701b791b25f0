import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import { createStudyItem } from '../library/index.ts';
import { deliverDuePushes } from '../pushes/index.ts';
import { meetingsJobs } from '../meetings/index.ts';
import { cardsJobs } from '../cards/index.ts';
import '../../jobs/index.ts';
import { noticeSource } from './sources.ts';

/**
 * Every cause of issue 11's notices puts them into the outbox in its own transaction: a push
 * delivered, a class planned / changed / starting soon, a make-up due, a care task assigned, an
 * e-card sent. A group robot over the village and a Web Push subscription of the mobile member
 * and of the mentor make the rows visible.
 */
let env: TestEnv;
let village: RequestContext;
let secretary: Session;
let villageId = '';
let robotId = '';
let mobileMember = '';
let mentor = '';
const MIN = 60_000;
const HOUR = 60 * MIN;

async function rows(sourceKind: string, sourceId?: string) {
  let q = env.db
    .selectFrom('notification')
    .select(['source_id', 'channel', 'recipient_id', 'member_id', 'robot_id', 'link', 'params', 'status'])
    .where('tenant_id', '=', env.tenantId)
    .where('source_kind', '=', sourceKind);
  if (sourceId) q = q.where('source_id', '=', sourceId);
  return q.orderBy('channel').orderBy('recipient_id').execute();
}
const titleOf = (r: { params: unknown }) => (r.params as { title: string }).title;

/** Calls a route as the village's secretary (the causes are other modules': their own routes make them). */
async function call(method: 'POST' | 'PATCH', url: string, payload?: object, as?: Session): Promise<{ id?: string; ids?: string[] }> {
  const res = await env.app.inject({ method, url, headers: (as ?? secretary).headers, ...(payload ? { payload } : {}) });
  if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}
const planClass = async (startIn: number, over: Record<string, unknown> = {}) => (await call('POST', '/api/sessions', classInput(startIn, over))).ids as string[];
const updateClass = (id: string, patch: object) => call('PATCH', `/api/sessions/${id}`, patch);
function job(jobs: { name: string; run(db: Database, now: Date): Promise<number> }[], name: string) {
  const found = jobs.find((j) => j.name === name);
  if (!found) throw new Error(`no job ${name}`);
  return (now: Date) => found.run(env.db, now);
}
const cardBody = (sendOn: string) => ({ orgId: villageId, occasion: 'mid_autumn', title: '中秋快乐', greeting: '月圆人团圆。', sendOn, audience: 'list', memberIds: [mobileMember], channel: 'ecard' });

async function subscribe(phone: string): Promise<void> {
  const account = await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow();
  await env.db
    .insertInto('push_subscription')
    .values({ tenant_id: env.tenantId, account_id: account.id, endpoint: `https://push.example.test/${phone}`, p256dh: 'k', auth: 'a' })
    .execute();
}

const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
const classInput = (startIn: number, over: Record<string, unknown> = {}) => ({
  orgId: villageId,
  kind: 'online_class' as const,
  title: '流动党员云课堂',
  mode: 'online' as const,
  startsAt: at(startIn),
  endsAt: at(startIn + HOUR),
  checkinOpensBefore: 30,
  checkinClosesAfter: 0,
  audience: 'list' as const,
  memberIds: [mobileMember],
  materialIds: [],
  makeupQuestions: [],
  repeatMonths: 1,
  ...over,
});

beforeAll(async () => {
  env = await openTestApp();
  village = await contextFor(env, PHONES.generalSecretary);
  secretary = await login(env.app, PHONES.generalSecretary);
  villageId = (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
  mobileMember = await memberIdByPhone(env, PHONES.mobileMember);
  mentor = await memberIdByPhone(env, PHONES.mentor);
  robotId = (
    await env.db
      .insertInto('notify_robot')
      .values({ tenant_id: env.tenantId, org_id: villageId, kind: 'wecom', name: '村党员群', webhook_cipher: 'not-read-here' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await subscribe(PHONES.mobileMember);
  await subscribe(PHONES.mentor);
});
afterAll(async () => env?.close());

describe('notices from every source', () => {
  it('a push delivered: one robot line and each subscriber once, to the push\'s first item; never again', async () => {
    const item = await createStudyItem(env.db, village, { orgId: villageId, kind: 'article', title: '学习一', category: 'theory', tags: [], bodyHtml: '<p>一</p>', minutes: 3 });
    const push = (await call('POST', '/api/pushes', { orgId: villageId, title: '全会精神', plannedAt: at(-MIN), itemIds: [item.id], audience: 'subtree', memberIds: [] })) as { id: string };
    expect(await rows('push', push.id)).toEqual([]);
    await deliverDuePushes(env.db, clock.now());
    const made = await rows('push', push.id);
    expect(made.map((r) => [r.channel, r.recipient_id])).toEqual(
      [
        ['webpush', mentor],
        ['webpush', mobileMember],
        ['wecom', robotId],
      ].sort((a, b) => (a[0] as string).localeCompare(b[0] as string) || (a[1] as string).localeCompare(b[1] as string)),
    );
    expect(made.every((r) => r.link === `read/${push.id}/${item.id}` && titleOf(r) === '每日学习：全会精神')).toBe(true);
    // The job again: nothing more.
    await deliverDuePushes(env.db, clock.now());
    expect(await rows('push', push.id)).toHaveLength(3);
    // Opened in the app: the outbox learns it has been seen.
    await call('POST', `/api/me/inbox/${push.id}/open`, undefined, await login(env.app, PHONES.mobileMember));
    expect(await noticeSource('push')?.seen(env.db, env.tenantId, push.id, [mobileMember, mentor])).toEqual(new Set([mobileMember]));
  });

  it('a class planned: its invitees only, and only the first class of a monthly series', async () => {
    const ids = await planClass(3 * 24 * HOUR, { repeatMonths: 3 });
    const first = await rows('meeting.planned', ids[0]);
    expect(first.map((r) => [r.channel, r.recipient_id])).toEqual([
      ['webpush', mobileMember],
      ['wecom', robotId],
    ]);
    expect(first[0]?.link).toBe(`sessions/${ids[0]}`);
    expect(titleOf(first[0] as { params: unknown })).toMatch(/^课程：流动党员云课堂，\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await rows('meeting.planned', ids[1])).toEqual([]);
    expect(await rows('meeting.planned', ids[2])).toEqual([]);
  });

  it('a class changed: a new time or place is told once each; another change says nothing', async () => {
    const ids = await planClass(4 * 24 * HOUR);
    const id = ids[0] as string;
    await updateClass(id, { title: '改个标题', agenda: '议程' });
    expect(await rows('meeting.changed')).toEqual([]);
    const fifthDay = at(5 * 24 * HOUR);
    await updateClass(id, { startsAt: fifthDay, endsAt: at(5 * 24 * HOUR + HOUR) });
    const moved = await rows('meeting.changed');
    expect(moved).toHaveLength(2);
    expect(moved.every((r) => r.link === `sessions/${id}` && titleOf(r).startsWith('课程调整：改个标题，'))).toBe(true);
    // The same time again changes nothing; a new place is a second notice.
    await updateClass(id, { startsAt: fifthDay });
    expect(await rows('meeting.changed')).toHaveLength(2);
    await updateClass(id, { mode: 'on_site', location: '村委会二楼会议室' });
    const again = await rows('meeting.changed');
    expect(again).toHaveLength(4);
    expect(new Set(again.map((r) => r.source_id)).size).toBe(2);
    // The report of the class counts both changes with its planning.
    const report = await env.app.inject({ method: 'GET', url: `/api/notify/report?sourceKind=meeting&sourceId=${id}`, headers: secretary.headers });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().channels).toEqual([expect.objectContaining({ channel: 'webpush', queued: 3 }), expect.objectContaining({ channel: 'wecom', queued: 3 })]);
  });

  it('starting soon: within two hours, once, to whom has not checked in', async () => {
    const soon = (await planClass(90 * MIN))[0] as string;
    const later = (await planClass(3 * HOUR))[0] as string;
    // As if planned days ago: time brought it within two hours.
    await env.db.updateTable('study_session').set({ starting_noticed_at: null }).where('id', '=', soon).execute();
    // Planned this close to its start, its planning notice says it all: never a second one.
    const close = (await planClass(30 * MIN))[0] as string;
    const now = clock.now();
    const noticeStartingSoon = job(meetingsJobs, 'notify-starting');
    expect(await noticeStartingSoon(now)).toBe(1);
    expect((await rows('meeting.starting', soon)).map((r) => r.channel)).toEqual(['webpush', 'wecom']);
    expect(await rows('meeting.starting', later)).toEqual([]);
    expect(await rows('meeting.starting', close)).toEqual([]);
    expect(await rows('meeting.planned', close)).toHaveLength(2);
    expect(await noticeStartingSoon(now)).toBe(0);
    expect(await rows('meeting.starting', soon)).toHaveLength(2);
    // An hour on, the later class is due; a checked-in invitee hears nothing.
    await env.db.updateTable('attendance').set({ checked_in_at: now, status: 'present', method: 'self' }).where('session_id', '=', later).execute();
    expect(await noticeStartingSoon(new Date(now.getTime() + 70 * MIN))).toBe(1);
    expect(await rows('meeting.starting', later)).toEqual([]);
  });

  it('a make-up due: who missed the class hears of it when it closes, and no group reads it', async () => {
    const id = (await planClass(-2 * HOUR))[0] as string;
    await call('POST', `/api/sessions/${id}/close`);
    const due = await rows('makeup.due', id);
    expect(due.map((r) => r.channel)).toEqual(['webpush']);
    expect(due[0]?.link).toBe(`makeup/${id}`);
    expect(titleOf(due[0] as { params: unknown })).toMatch(/^补学：流动党员云课堂，请在\d{4}-\d\d-\d\d前完成$/);
  });

  it('a care task assigned: its assignee alone hears of it; given to someone else, they do', async () => {
    const due = shanghaiDate(new Date(clock.now().getTime() + 7 * 24 * HOUR));
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/care-tasks',
      headers: secretary.headers,
      payload: { memberId: mobileMember, kind: 'follow_up', reason: '电话问问近况', dueOn: due, assigneeMemberId: mentor },
    });
    expect(res.statusCode, res.body).toBe(200);
    const taskId = res.json().id as string;
    const made = await rows('care.assigned', taskId);
    expect(made.filter((r) => r.channel === 'webpush').map((r) => r.recipient_id)).toEqual([mentor]);
    expect(made.every((r) => r.link === 'tasks' && titleOf(r) === '待办：一项新的联系任务')).toBe(true);
    // a task is the assignee's alone: no line in the village group's digest
    expect(made.filter((r) => r.channel === 'wecom')).toEqual([]);
    const moved = await env.app.inject({ method: 'PATCH', url: `/api/care-tasks/${taskId}/plan`, headers: secretary.headers, payload: { assigneeMemberId: mobileMember } });
    expect(moved.statusCode, moved.body).toBe(200);
    const after = await rows('care.assigned', taskId);
    expect(after.filter((r) => r.channel === 'webpush').map((r) => r.recipient_id).sort()).toEqual([mentor, mobileMember].sort());
    // The former assignee's notice is no longer theirs to read.
    expect(await noticeSource('care.assigned')?.seen(env.db, env.tenantId, taskId, [mentor, mobileMember])).toEqual(new Set([mentor]));
  });

  it('an e-card sent: today\'s at once, a later day\'s by the job, once', async () => {
    const today = shanghaiDate();
    const sendDueCards = job(cardsJobs, 'send-cards');
    const now = await env.app.inject({ method: 'POST', url: '/api/card-campaigns', headers: secretary.headers, payload: cardBody(today) });
    expect(now.statusCode, now.body).toBe(200);
    expect((await rows('card', now.json().id)).map((r) => [r.channel, r.link])).toEqual([
      ['webpush', 'cards'],
      ['wecom', 'cards'],
    ]);
    const tomorrow = shanghaiDate(new Date(clock.now().getTime() + 24 * HOUR));
    const later = await env.app.inject({ method: 'POST', url: '/api/card-campaigns', headers: secretary.headers, payload: cardBody(tomorrow) });
    expect(later.statusCode, later.body).toBe(200);
    expect(await rows('card', later.json().id)).toEqual([]);
    const next = new Date(clock.now().getTime() + 24 * HOUR);
    expect(await sendDueCards(next)).toBe(1);
    expect(await rows('card', later.json().id)).toHaveLength(2);
    expect(await sendDueCards(next)).toBe(0);
    expect(await rows('card', later.json().id)).toHaveLength(2);
  });
});
