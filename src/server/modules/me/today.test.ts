import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { getToday } from './today.ts';
import { deliverDuePushes } from '../pushes/index.ts';
import { closeDueMeetings } from '../meetings/index.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { markChanged } from '../../freshness.ts';

let env: TestEnv;
let secretary: Session;
let mentee: Session;
let mentor: Session;
let group1 = '';
let openSession = '';
let closedSession = '';
let pushId = '';

const minutesFrom = (m: number) => new Date(clock.now().getTime() + m * 60_000).toISOString();

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  mentee = await login(env.app, PHONES.mobileMember);
  mentor = await login(env.app, PHONES.mentor);
  group1 = (await env.db.selectFrom('org').select('id').where('name', '=', '第一党小组').executeTakeFirstOrThrow()).id;
  const village = (await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;

  const item = await env.app.inject({
    method: 'POST',
    url: '/api/study-items',
    headers: secretary.headers,
    payload: { orgId: village, kind: 'article', title: '今日学习', category: 'theory', bodyHtml: '<p>内容</p>' },
  });
  expect(item.statusCode, item.body).toBe(200);
  const push = await env.app.inject({
    method: 'POST',
    url: '/api/pushes',
    headers: secretary.headers,
    payload: { orgId: group1, title: '每日一推送', plannedAt: minutesFrom(-1), itemIds: [item.json().id], audience: 'subtree' },
  });
  expect(push.statusCode, push.body).toBe(200);
  pushId = push.json().id;
  await deliverDuePushes(env.db, clock.now());

  const session = (startsIn: number, title: string) =>
    env.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: secretary.headers,
      payload: { orgId: group1, kind: 'group_meeting', title, startsAt: minutesFrom(startsIn), endsAt: minutesFrom(startsIn + 60), mode: 'online' },
    });
  const open = await session(10, '党小组例会');
  expect(open.statusCode, open.body).toBe(200);
  openSession = open.json().ids[0];
  // A session that has ended: closing it makes the mentee absent with a make-up to do.
  const past = await env.app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: secretary.headers,
    payload: { orgId: group1, kind: 'online_class', title: '上月云课堂', startsAt: minutesFrom(-120), endsAt: minutesFrom(-60), mode: 'online', checkinClosesAfter: 0 },
  });
  expect(past.statusCode, past.body).toBe(200);
  closedSession = past.json().ids[0];
  await closeDueMeetings(env.db, clock.now());
});
afterAll(async () => env?.close());

const today = (s: Session, headers: Record<string, string> = {}) => env.app.inject({ url: '/api/me/today', headers: { ...s.headers, ...headers } });

describe('GET /api/me/today', () => {
  it("shows today's push, the open check-in, the next class and the open make-up", async () => {
    const res = await today(mentee);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.pushes.map((p: { pushId: string }) => p.pushId)).toContain(pushId);
    expect(body.checkinOpen.map((s: { id: string }) => s.id)).toEqual([openSession]);
    expect(body.nextSession.id).toBe(openSession);
    expect(body.makeups.map((m: { sessionId: string }) => m.sessionId)).toEqual([closedSession]);
    expect(body.careTasks).toBe(0);
  });

  it('answers 304 to an unchanged ETag, and a fresh answer after the member checks in', async () => {
    const first = await today(mentee);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await today(mentee, { 'if-none-match': etag })).statusCode).toBe(304);
    const checkin = await env.app.inject({ method: 'POST', url: `/api/me/sessions/${openSession}/checkin`, headers: mentee.headers, payload: {} });
    expect(checkin.statusCode, checkin.body).toBe(200);
    const after = await today(mentee, { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.json().nextSession).toMatchObject({ id: openSession, myStatus: 'present', canCheckIn: false });
    expect(after.json().checkinOpen).toEqual([]);
  });

  it("counts a mentor's open follow-up tasks about their mentees", async () => {
    const menteeId = await memberIdByPhone(env, PHONES.mobileMember);
    await env.db
      .insertInto('care_task')
      .values({ tenant_id: env.tenantId, member_id: menteeId, kind: 'absence_streak', reason: '连续 2 次缺课', due_on: '2026-12-01' })
      .execute();
    expect((await today(mentor)).json().careTasks).toBe(1);
  });

  it("tells a mentor how many mentees are due a talk, and stops once the talk is recorded", async () => {
    const menteeId = await memberIdByPhone(env, PHONES.mobileMember);
    // The template has no talks: the mobile mentee has a monthly cadence and has never talked.
    expect((await today(mentor)).json().talksOverdue).toBe(1);
    const talk = await env.app.inject({
      method: 'POST',
      url: '/api/talks',
      headers: mentor.headers,
      payload: { memberId: menteeId, talkedOn: shanghaiDate(), channel: 'phone', summary: '电话聊了工作和家里情况' },
    });
    expect(talk.statusCode, talk.body).toBe(200);
    expect((await today(mentor)).json().talksOverdue).toBe(0);
  });

  it('greets a member on their political birthday and counts their unopened holiday cards', async () => {
    const menteeId = await memberIdByPhone(env, PHONES.mobileMember);
    const date = shanghaiDate();
    const joined = `${Number(date.slice(0, 4)) - 12}${date.slice(4)}`.replace(/-02-29$/, '-02-28');
    await env.db.updateTable('member').set({ join_date: joined }).where('id', '=', menteeId).execute();
    const village = await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
    const campaign = await env.db
      .insertInto('card_campaign')
      .values({ tenant_id: env.tenantId, org_id: village.id, occasion: 'custom', title: '问候', greeting: '家乡党组织问候您', signature: '新桥村党总支', send_on: date, sent_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.db.insertInto('card').values({ tenant_id: env.tenantId, campaign_id: campaign.id, member_id: menteeId, channel: 'ecard', sent_at: clock.now() }).execute();
    // A direct write: drop the cached answer by recording a change the way a write request does.
    markChanged(env.tenantId);
    const body = (await today(mentee)).json();
    if (!date.endsWith('-02-29')) expect(body.politicalBirthday).toEqual({ years: 12, joinDate: joined });
    expect(body.unopenedCards).toBe(1);
  });

  it('builds one answer for requests that arrive together, instead of one each', async () => {
    const ctx = await contextFor(env, PHONES.mobileMember);
    markChanged(ctx.actor.tenantId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => getToday(env.db, ctx)));
    // Every request got the very answer one build made.
    expect(new Set(answers).size).toBe(1);
  });

  it('refuses accounts without a member record', async () => {
    const admin = await login(env.app, PHONES.tenantAdmin);
    expect((await today(admin)).statusCode).toBe(403);
  });
});
