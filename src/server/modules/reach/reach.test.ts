import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { english } from '../../i18n/translate.ts';
import { CJK_TEXT } from '../../i18n/cjk.ts';
import { nameSortKey } from '../../name-sort-key.ts';
import type { MemberReach, UnreachableList } from '../../../shared/api-reach.ts';
import { applyUnreachableRule, reachedNote, unreachableReason } from './scheduled.ts';
import { findUnreachable, type Assessment } from './unreachable.ts';

/**
 * Who no channel reaches, on a real database: the rule at fixed moments built from the clock (each
 * channel alone reaches a member; absent exactly N days vs N-1), the daily job raising one care
 * task for the mentor and closing it once the member is reached, the list's scope and filters,
 * one member's channels, and the wording in English.
 */
let env: TestEnv;
let village: Session;
let branchSecretary: Session;
let group4: { id: string; path: string };
let branch2: { id: string; path: string };
let mentorId: string;
const DAYS = 14;
const DAY = 86_400_000;
let seq = 0;

async function org(name: string): Promise<{ id: string; path: string }> {
  return env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();
}

/** A member of 第四党小组 of their own, last seen in the app at `lastActive` (null: never). */
async function newMember(lastActive: Date | null, orgId = group4.id): Promise<string> {
  const name = `联系测试${++seq}`;
  const m = await env.db
    .insertInto('member')
    .values({ tenant_id: env.tenantId, org_id: orgId, name, name_sort_key: nameSortKey(name), gender: 'male', phone: `1660000${String(1000 + seq)}`, status: 'full', last_active_at: lastActive })
    .returning('id')
    .executeTakeFirstOrThrow();
  return m.id;
}

async function giveLogin(memberId: string): Promise<string> {
  const a = await env.db
    .insertInto('account')
    .values({ tenant_id: env.tenantId, phone: `1550000${String(1000 + ++seq)}`, display_name: '联系测试', password_hash: 'x', member_id: memberId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return a.id;
}

const ago = (now: Date, days: number) => new Date(now.getTime() - days * DAY);
const url = (q: string) => `/api/reach/unreachable?orgId=${group4.id}&${q}`;
const unreachableIds = async (now: Date, paths: string[] | 'all' = [group4.path]) =>
  new Set((await findUnreachable(env.db, env.tenantId, paths, now, DAYS)).map((a) => a.member.id));
const prefer = (memberId: string, channel: 'sms' | 'webpush' | 'robot', enabled: boolean) =>
  sql`INSERT INTO notify_preference (tenant_id, member_id, channel, enabled) VALUES (${env.tenantId}, ${memberId}, ${channel}, ${enabled})
      ON CONFLICT (tenant_id, member_id, channel) DO UPDATE SET enabled = EXCLUDED.enabled`.execute(env.db);
const smsProvider = (enabled: boolean) =>
  sql`INSERT INTO notify_sms_provider (tenant_id, kind, enabled) VALUES (${env.tenantId}, 'sink', ${enabled})
      ON CONFLICT (tenant_id) DO UPDATE SET enabled = EXCLUDED.enabled`.execute(env.db);
const tasksOf = (memberId: string) =>
  env.db.selectFrom('care_task').selectAll().where('tenant_id', '=', env.tenantId).where('member_id', '=', memberId).where('kind', '=', 'unreachable').orderBy('created_at').execute();
const eventsOf = (taskId: string) => env.db.selectFrom('care_task_event').select(['kind', 'note', 'actor_name']).where('task_id', '=', taskId).orderBy('at').orderBy('id').execute();

beforeAll(async () => {
  env = await openTestApp();
  village = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  group4 = await org('第四党小组');
  branch2 = await org('第二党支部');
  mentorId = await memberIdByPhone(env, PHONES.mentor);
  // the rule's days are the tenant's setting
  await env.app.inject({ method: 'PUT', url: '/api/settings', headers: (await login(env.app, PHONES.tenantAdmin)).headers, payload: { unreachableDays: DAYS } });
});
afterAll(async () => env?.close());

describe('the rule', () => {
  it('counts a member absent exactly N days as absent, N-1 days as present, and never seen as absent', async () => {
    const now = clock.now();
    const exactly = await newMember(ago(now, DAYS));
    const dayLess = await newMember(ago(now, DAYS - 1));
    const never = await newMember(null);
    const found = await unreachableIds(now);
    expect(found.has(exactly)).toBe(true);
    expect(found.has(dayLess)).toBe(false);
    expect(found.has(never)).toBe(true);
    // seen one millisecond less than N days before the moment asked about: present
    expect((await unreachableIds(new Date(ago(now, 0).getTime() - 1))).has(exactly)).toBe(false);
  });

  it('sees the app through the sessions of a login, and only a used login as activated', async () => {
    const now = clock.now();
    const bySession = await newMember(null);
    const account = await giveLogin(bySession);
    await env.db
      .insertInto('session')
      .values({ tenant_id: env.tenantId, token_hash: `reach-${++seq}`, account_id: account, csrf_token: 'x', expires_at: new Date(now.getTime() + DAY), created_at: ago(now, 40), last_seen_at: ago(now, 3) })
      .execute();
    const unusedLogin = await newMember(null);
    await giveLogin(unusedLogin);
    const found = await findUnreachable(env.db, env.tenantId, [group4.path], now, DAYS);
    expect(found.some((a) => a.member.id === bySession)).toBe(false);
    const unused = found.find((a) => a.member.id === unusedLogin) as Assessment;
    expect(unused.appActivated).toBe(false);
    expect(unused.missing).toEqual(['app', 'robot', 'sms', 'webpush']);
  });

  it('is answered by each channel alone: a robot over the unit, Web Push, SMS with consent while SMS is set up', async () => {
    const now = clock.now();
    const byRobot = await newMember(null);
    const byPush = await newMember(null);
    const bySms = await newMember(null);
    const none = await newMember(null);
    for (const m of [byRobot, byPush, bySms, none]) expect((await unreachableIds(now)).has(m)).toBe(true);

    // Web Push: a subscription on the member's login, unless they turned it off
    const account = await giveLogin(byPush);
    await env.db
      .insertInto('push_subscription')
      .values({ tenant_id: env.tenantId, account_id: account, endpoint: `https://push.example.test/${++seq}`, p256dh: 'k', auth: 'a' })
      .execute();
    expect((await unreachableIds(now)).has(byPush)).toBe(false);
    await prefer(byPush, 'webpush', false);
    expect((await unreachableIds(now)).has(byPush)).toBe(true);
    await prefer(byPush, 'webpush', true);

    // SMS: consent alone does not reach while the organization has no SMS provider enabled
    await prefer(bySms, 'sms', true);
    expect((await unreachableIds(now)).has(bySms)).toBe(true);
    await smsProvider(true);
    expect((await unreachableIds(now)).has(bySms)).toBe(false);
    await smsProvider(false);
    expect((await unreachableIds(now)).has(bySms)).toBe(true);

    // a robot of a unit above reaches everyone below it — so it goes on a unit of its own member
    const robot = await env.db
      .insertInto('notify_robot')
      .values({ tenant_id: env.tenantId, org_id: branch2.id, kind: 'wecom', name: '二支部群', webhook_cipher: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    let found = await unreachableIds(now);
    for (const m of [byRobot, none, bySms]) expect(found.has(m)).toBe(false);
    await prefer(byRobot, 'robot', false);
    found = await unreachableIds(now);
    expect(found.has(byRobot)).toBe(true);
    expect(found.has(none)).toBe(false);
    await env.db.updateTable('notify_robot').set({ enabled: false }).where('id', '=', robot.id).execute();
    found = await unreachableIds(now);
    expect(found.has(none)).toBe(true);
    expect(found.has(byPush)).toBe(false);
  });
});

describe('the daily job', () => {
  it('raises one care task for the mentor, adds nothing on later runs, and closes it when the member is reached', async () => {
    const now = clock.now();
    const m = await newMember(ago(now, DAYS + 6));
    await env.db.insertInto('mentorship').values({ tenant_id: env.tenantId, member_id: m, mentor_member_id: mentorId }).execute();

    await applyUnreachableRule(env.db, now);
    let tasks = await tasksOf(m);
    expect(tasks).toHaveLength(1);
    const task = tasks[0]!;
    expect(task.status).toBe('open');
    expect(task.assignee_member_id).toBe(mentorId);
    expect(task.created_by).toBeNull();
    expect(task.reason).toBe(`已 ${DAYS + 6} 天没有打开党员端，短信、群机器人和本机通知都联系不到，请设法联系并帮其开通`);
    const audits = await env.db.selectFrom('audit_log').select(['after']).where('tenant_id', '=', env.tenantId).where('action', '=', 'reach.unreachable_rule').execute();
    expect(audits.length).toBeGreaterThan(0);

    // later runs: the same one task, and no 'merged' event each day
    await applyUnreachableRule(env.db, new Date(now.getTime() + DAY));
    await applyUnreachableRule(env.db, new Date(now.getTime() + 2 * DAY));
    tasks = await tasksOf(m);
    expect(tasks).toHaveLength(1);
    expect((await eventsOf(task.id)).map((e) => e.kind)).toEqual(['created']);

    // the member opens the app: the task is done by itself, saying why
    const opened = new Date(now.getTime() + 2 * DAY);
    await env.db.updateTable('member').set({ last_active_at: opened }).where('id', '=', m).execute();
    await applyUnreachableRule(env.db, new Date(now.getTime() + 3 * DAY));
    tasks = await tasksOf(m);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.status).toBe('done');
    const events = await eventsOf(task.id);
    expect(events.map((e) => [e.kind, e.actor_name])).toEqual([
      ['created', '系统'],
      ['done', '系统'],
    ]);
    expect(events[1]!.note).toMatch(/^最近打开过党员端（\d{4}-\d{2}-\d{2}），任务自动完成$/);

    // absent again long after: a new task (the rule closed the last one, no person did)
    await applyUnreachableRule(env.db, new Date(opened.getTime() + (DAYS + 1) * DAY));
    tasks = await tasksOf(m);
    expect(tasks).toHaveLength(2);
    expect(tasks[1]!.status).toBe('open');
  });

  it('closes the task when a channel reaches the member, naming the channel', async () => {
    const now = clock.now();
    const m = await newMember(null);
    await applyUnreachableRule(env.db, now);
    const [task] = await tasksOf(m);
    expect(task?.reason).toBe('从未打开党员端，短信、群机器人和本机通知都联系不到，请设法联系并帮其开通');
    await smsProvider(true);
    await prefer(m, 'sms', true);
    await applyUnreachableRule(env.db, now);
    const [closed] = await tasksOf(m);
    expect(closed?.status).toBe('done');
    expect(closed?.note).toBe('已能通过短信联系到，任务自动完成');
    await smsProvider(false);
  });

  it('closes the task of a member who left the organization', async () => {
    const now = clock.now();
    const m = await newMember(null);
    await applyUnreachableRule(env.db, now);
    expect((await tasksOf(m)).map((t) => t.status)).toEqual(['open']);
    await env.db.updateTable('member').set({ left_at: now }).where('id', '=', m).execute();
    await applyUnreachableRule(env.db, now);
    const [task] = await tasksOf(m);
    expect(task).toMatchObject({ status: 'done', note: '该党员已不在本组织，任务自动完成' });
  });

  it('leaves alone a task a person closed about the same absence, and tasks people made', async () => {
    const now = clock.now();
    const m = await newMember(ago(now, DAYS + 2));
    await applyUnreachableRule(env.db, now);
    const [task] = await tasksOf(m);
    const secretary = await env.db.selectFrom('account').select('id').where('phone', '=', PHONES.generalSecretary).executeTakeFirstOrThrow();
    await env.db.updateTable('care_task').set({ status: 'dropped', closed_at: now, closed_by: secretary.id }).where('id', '=', task!.id).execute();
    await applyUnreachableRule(env.db, new Date(now.getTime() + DAY));
    expect(await tasksOf(m)).toHaveLength(1);

    // a task made by hand is never closed by the rule
    const reached = await newMember(now);
    await env.db
      .insertInto('care_task')
      .values({ tenant_id: env.tenantId, member_id: reached, kind: 'unreachable', reason: '手工任务', due_on: '2099-01-01', created_by: secretary.id })
      .execute();
    await applyUnreachableRule(env.db, now);
    const [byHand] = await tasksOf(reached);
    expect(byHand?.status).toBe('open');
  });

  it('words its reasons and notes in English for an en-US caller', () => {
    const now = clock.now();
    const base = { member: { last_seen_at: ago(now, 20), has_left: false }, reachedBy: null } as unknown as Assessment;
    const texts = [
      unreachableReason(base, now),
      unreachableReason({ ...base, member: { ...base.member, last_seen_at: null } } as Assessment, now),
      reachedNote({ ...base, reachedBy: 'sms' }),
      reachedNote({ ...base, reachedBy: 'robot' }),
      reachedNote({ ...base, reachedBy: 'webpush' }),
      reachedNote({ ...base, reachedBy: 'app' }),
      reachedNote(undefined),
    ];
    for (const text of texts) {
      const en = english(text);
      expect(en, text).toBeDefined();
      expect(CJK_TEXT.test(en ?? ''), text).toBe(false);
    }
    expect(english(unreachableReason(base, now))).toContain('for 20 days');
  });
});

describe('GET /api/reach/unreachable', () => {
  it('lists a unit\'s unreachable members with what they lack; a secretary of another branch never sees them', async () => {
    const m = await newMember(null);
    await env.db.insertInto('mentorship').values({ tenant_id: env.tenantId, member_id: m, mentor_member_id: mentorId }).execute();
    const res = await env.app.inject({ method: 'GET', url: `/api/reach/unreachable?orgId=${branch2.id}&pageSize=200`, headers: village.headers });
    expect(res.statusCode).toBe(200);
    const list = res.json<UnreachableList>();
    const row = list.items.find((r) => r.memberId === m);
    expect(row).toMatchObject({ orgId: group4.id, orgName: '第四党小组', missing: ['app', 'robot', 'sms', 'webpush'], appActivated: false, lastSeenAt: null, invitationOpen: false });
    expect(row?.mentor?.memberId).toBe(mentorId);
    expect(list.unreachableDays).toBe(DAYS);
    expect(list.byMissing.find((b) => b.kind === 'app')?.members).toBeGreaterThan(0);

    // the whole scope of the branch secretary (第一党支部) never carries a member of 第二党支部
    const other = await env.app.inject({ method: 'GET', url: '/api/reach/unreachable?pageSize=200', headers: branchSecretary.headers });
    expect(other.statusCode).toBe(200);
    const ids = other.json<UnreachableList>().items.map((r) => r.memberId);
    expect(ids).not.toContain(m);
    const b2 = await env.db.selectFrom('member').select('id').where('tenant_id', '=', env.tenantId).where('org_id', 'in', (await env.db.selectFrom('org').select('id').where('path', 'like', `${branch2.path}%`).execute()).map((o) => o.id)).execute();
    const branch2Ids = new Set(b2.map((x) => x.id));
    expect(ids.filter((id) => branch2Ids.has(id))).toEqual([]);
    // and asking for that branch is refused
    const refused = await env.app.inject({ method: 'GET', url: `/api/reach/unreachable?orgId=${branch2.id}`, headers: branchSecretary.headers });
    expect(refused.statusCode).toBe(403);
  });

  it('filters by what is missing and pages', async () => {
    const seen = await newMember(null);
    await giveLogin(seen);
    await env.db.updateTable('member').set({ last_active_at: ago(clock.now(), DAYS + 3) }).where('id', '=', seen).execute();
    const all = (await env.app.inject({ method: 'GET', url: url('pageSize=200'), headers: village.headers })).json<UnreachableList>();
    const noApp = (await env.app.inject({ method: 'GET', url: url('missing=app&pageSize=200'), headers: village.headers })).json<UnreachableList>();
    expect(all.items.some((r) => r.memberId === seen)).toBe(true);
    expect(noApp.items.some((r) => r.memberId === seen)).toBe(false);
    expect(noApp.total).toBe(all.byMissing.find((b) => b.kind === 'app')?.members);
    expect(noApp.items.every((r) => r.missing.includes('app'))).toBe(true);
    const page2 = (await env.app.inject({ method: 'GET', url: url('pageSize=1&page=2'), headers: village.headers })).json<UnreachableList>();
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0]?.memberId).toBe(all.items[1]?.memberId);
  });

  it('refuses a bad filter with a 400 naming the field, in Chinese and in English', async () => {
    const zh = await env.app.inject({ method: 'GET', url: '/api/reach/unreachable?missing=pigeon', headers: village.headers });
    expect(zh.statusCode).toBe(400);
    expect(JSON.stringify(zh.json())).toContain('missing');
    const en = await env.app.inject({ method: 'GET', url: '/api/reach/unreachable?orgId=nope', headers: { ...village.headers, 'accept-language': 'en-US' } });
    expect(en.statusCode).toBe(400);
    expect(JSON.stringify(en.json())).toContain('orgId');
    expect(CJK_TEXT.test(en.json<{ message: string }>().message)).toBe(false);
  });
});

describe('GET /api/members/:id/reach', () => {
  it('says which channels reach the member now', async () => {
    const m = await newMember(null);
    const get = async () => (await env.app.inject({ method: 'GET', url: `/api/members/${m}/reach`, headers: village.headers })).json<MemberReach>();
    let r = await get();
    expect(r).toMatchObject({ memberId: m, reachable: false, missing: ['app', 'robot', 'sms', 'webpush'], robots: [], sms: { consent: false, available: false }, unreachableDays: DAYS });
    await env.db.insertInto('notify_robot').values({ tenant_id: env.tenantId, org_id: group4.id, kind: 'dingtalk', name: '四组群', webhook_cipher: 'x' }).execute();
    r = await get();
    expect(r.reachable).toBe(true);
    expect(r.robots).toEqual([{ name: '四组群', kind: 'dingtalk', unitName: '第四党小组' }]);
    expect(r.missing).toEqual(['app', 'sms', 'webpush']);
    await env.db.updateTable('notify_robot').set({ enabled: false }).where('name', '=', '四组群').execute();
    const missing = await env.app.inject({ method: 'GET', url: `/api/members/${crypto.randomUUID()}/reach`, headers: village.headers });
    expect(missing.statusCode).toBe(404);
    const other = await env.app.inject({ method: 'GET', url: `/api/members/${m}/reach`, headers: branchSecretary.headers });
    expect(other.statusCode).toBe(403);
  });
});
