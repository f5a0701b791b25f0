import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate as chinaDate } from '../../clock.ts';
import { raiseStreakTasks } from '../coverage/index.ts';
import { raiseCareTask } from './raise.ts';
import { applyLostContactRule, reopenSnoozedTasks } from './scheduled.ts';
import { createCareTask, getCareTask, listCareTasks, listMyCareTasks, myCareCounts, planCareTask, updateCareTask } from './service.ts';

/**
 * Care tasks on a real database: the learning-streaks job on a hand-built history (direct inserts
 * into study_session, attendance and push_delivery), the care jobs (snoozed tasks coming back, the
 * lost-contact rule), tasks made by hand, their history, and who sees and handles them.
 */
let env: TestEnv;
let secretary: RequestContext;
let branchSecretary: RequestContext;
let mentor: RequestContext;
let member: RequestContext;
let mentee: string;
let mentorMember: string;
let group1: string;
let group4: string;
let p: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h', string>;
let seq = 0;
const NOW = new Date('2026-06-15T02:00:00Z');
const DAY = 86_400_000;
const month = (m: number) => new Date(Date.UTC(2026, m - 1, 10, 11));
const dayAfter = (n: number, from = clock.now()) => chinaDate(new Date(from.getTime() + n * DAY));
const PAGE = { page: 1, pageSize: 200 };

async function orgId(name: string): Promise<string> {
  return (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
}

async function closedSession(org: string, title: string, startsAt: Date, statuses: Record<string, string>): Promise<string> {
  const ends = new Date(startsAt.getTime() + 2 * 3_600_000);
  const s = await env.db
    .insertInto('study_session')
    .values({
      tenant_id: env.tenantId, org_id: org, kind: 'online_class', title, starts_at: startsAt, ends_at: ends, mode: 'online',
      checkin_opens_at: new Date(startsAt.getTime() - 1_800_000), checkin_closes_at: ends, qr_secret: 'test', audience: 'list',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.db
    .insertInto('attendance')
    .values(Object.entries(statuses).map(([m, status]) => ({ tenant_id: env.tenantId, session_id: s.id, member_id: m, voting: true, status: status as 'present' })))
    .execute();
  await sql`UPDATE study_session SET status = 'closed', closed_at = ends_at WHERE id = ${s.id}`.execute(env.db);
  return s.id;
}

async function deliver(memberIds: string[], at: Date, read: boolean): Promise<void> {
  const push = await env.db
    .insertInto('push')
    .values({ tenant_id: env.tenantId, org_id: group1, title: `推送${seq++}`, planned_at: at, audience: 'list', status: 'delivered', delivered_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.db
    .insertInto('push_delivery')
    .values(memberIds.map((m) => ({ tenant_id: env.tenantId, push_id: push.id, member_id: m, delivered_at: at, read_at: read ? at : null })))
    .execute();
}

const tasks = (kind: string) =>
  env.db.selectFrom('care_task').selectAll().where('tenant_id', '=', env.tenantId).where('kind', '=', kind as 'absence_streak').orderBy('created_at').execute();
const events = (taskId: string) =>
  env.db.selectFrom('care_task_event').select(['kind', 'note', 'detail', 'actor_name']).where('task_id', '=', taskId).orderBy('at').orderBy('id').execute();
const eventCount = async () => Number((await env.db.selectFrom('care_task_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const audits = (action: string, entityId?: string) =>
  env.db.selectFrom('audit_log').selectAll().where('action', '=', action).$if(entityId !== undefined, (qb) => qb.where('entity_id', '=', entityId!)).execute();

const openLostContactTask = (m: string) =>
  env.db.selectFrom('care_task').selectAll().where('member_id', '=', m).where('kind', '=', 'lost_contact').where('status', 'in', ['open', 'snoozed']).executeTakeFirst();
const statusRank = (s: string) => (s === 'open' ? 0 : s === 'snoozed' ? 1 : 2);

/** Inside a transaction, as the talks module does. */
const raise = (ctx: RequestContext | null, input: Omit<Parameters<typeof raiseCareTask>[2], 'tenantId'>) =>
  env.db.transaction().execute((tx) => raiseCareTask(tx, ctx, { tenantId: env.tenantId, ...input }));

beforeAll(async () => {
  env = await openTestApp();
  secretary = await contextFor(env, PHONES.generalSecretary);
  branchSecretary = await contextFor(env, PHONES.branchSecretary);
  mentor = await contextFor(env, PHONES.mentor);
  member = await contextFor(env, PHONES.mobileMember);
  mentee = await memberIdByPhone(env, PHONES.mobileMember);
  mentorMember = await memberIdByPhone(env, PHONES.mentor);
  group1 = await orgId('第一党小组');
  group4 = await orgId('第四党小组');
  const inGroup = async (org: string, skip: string[]) =>
    (await env.db.selectFrom('member').select('id').where('org_id', '=', org).$if(skip.length > 0, (qb) => qb.where('id', 'not in', skip)).orderBy('name').execute()).map((r) => r.id);
  const g1 = await inGroup(group1, [mentee, mentorMember]);
  const g4 = await inGroup(group4, []);
  p = { a: mentee, b: g1[0]!, c: g1[1]!, d: g1[2]!, e: g4[0]!, f: g4[1]!, g: g4[2]!, h: g4[3]! };
});
afterAll(async () => env?.close());

describe('absence streaks', () => {
  it('raises one task per member whose last N closed sessions were all missed, for the current mentor, due in 7 days, with its created event', async () => {
    const { a, b, c, d } = p;
    await closedSession(group1, '1月云课堂', month(1), { [a]: 'present', [b]: 'absent', [c]: 'absent', [d]: 'absent' });
    await closedSession(group1, '2月云课堂', month(2), { [a]: 'absent', [b]: 'absent', [c]: 'excused', [d]: 'present' });
    // c was not invited in March: their last two invitations are January and February.
    await closedSession(group1, '3月云课堂', month(3), { [a]: 'excused', [b]: 'made_up', [d]: 'absent' });

    const raised = await raiseStreakTasks(env.db, NOW);
    expect(raised).toBe(2);
    const rows = await tasks('absence_streak');
    expect(rows.map((r) => r.member_id).sort()).toEqual([a, c].sort());
    const ta = rows.find((r) => r.member_id === a);
    expect(ta).toMatchObject({ reason: '连续 2 次缺课：2月云课堂、3月云课堂', assignee_member_id: mentorMember, status: 'open', due_on: '2026-06-22' });
    expect(rows.find((r) => r.member_id === c)?.reason).toBe('连续 2 次缺课：1月云课堂、2月云课堂');
    expect(await events(ta!.id)).toEqual([{ kind: 'created', note: '连续 2 次缺课：2月云课堂、3月云课堂', detail: { dueOn: '2026-06-22', sourceTalkId: null }, actor_name: '系统' }]);

    // A second run: the same open tasks, no new task, no new event.
    const before = await eventCount();
    expect(await raiseStreakTasks(env.db, NOW)).toBe(0);
    expect(await tasks('absence_streak')).toHaveLength(2);
    expect(await eventCount()).toBe(before);
  });

  it('does not raise again a streak that was handled, until a later session is missed too', async () => {
    const { a } = p;
    const [task] = (await tasks('absence_streak')).filter((t) => t.member_id === a);
    await updateCareTask(env.db, mentor, task!.id, { status: 'done', note: '已电话联系，下月参加' });
    expect(await raiseStreakTasks(env.db, new Date(NOW.getTime() + DAY))).toBe(0);
    expect((await tasks('absence_streak')).filter((t) => t.member_id === a && t.status === 'open')).toHaveLength(0);

    // A session closed after the task was closed, missed again: a new streak.
    const closedAt = new Date(clock.now().getTime() + 60_000);
    const s = await closedSession(group1, '4月云课堂', new Date(closedAt.getTime() - 3 * 3_600_000), { [a]: 'absent' });
    await sql`UPDATE study_session SET closed_at = ${closedAt} WHERE id = ${s}`.execute(env.db);
    expect(await raiseStreakTasks(env.db, new Date(NOW.getTime() + DAY))).toBe(1);
    const open = (await tasks('absence_streak')).filter((t) => t.member_id === a && t.status === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]?.reason).toBe('连续 2 次缺课：3月云课堂、4月云课堂');
    expect((await events(open[0]!.id)).map((e) => e.kind)).toEqual(['created']);
  });
});

describe('unread streaks', () => {
  it('raises a task when nothing delivered in the window was read, but not for new members or readers', async () => {
    const { e, f, g, h } = p;
    // e: read a month ago, nothing in the last 14 days. f: new (only recent deliveries). g: read one recently. h: read before, then nothing delivered.
    await deliver([e, g, h], new Date(NOW.getTime() - 30 * DAY), true);
    for (let d = 13; d >= 1; d--) await deliver([e, f, g], new Date(NOW.getTime() - d * DAY), false);
    await env.db.updateTable('push_delivery').set({ read_at: new Date(NOW.getTime() - 2 * DAY) }).where('member_id', '=', g).where('delivered_at', '>', new Date(NOW.getTime() - 4 * DAY)).execute();
    expect(await raiseStreakTasks(env.db, NOW)).toBe(1);
    const rows = await tasks('unread_streak');
    expect(rows.map((r) => r.member_id)).toEqual([e]);
    expect(rows[0]?.reason).toBe('连续 14 天未读学习推送（期间推送 13 条，均未读）');
    expect((await events(rows[0]!.id)).map((ev) => ev.kind)).toEqual(['created']);
    expect(await raiseStreakTasks(env.db, NOW)).toBe(0);
  });
});

describe('de-duplication through raiseCareTask', () => {
  it('a second talk needing follow-up joins the open task with a merged event instead of opening another', async () => {
    const talk = async (summary: string) =>
      (
        await env.db
          .insertInto('talk')
          .values({ tenant_id: env.tenantId, member_id: p.b, talked_on: chinaDate(), channel: 'phone', talker_name: '测试书记', summary })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const t1 = await talk('孩子上学的事');
    const t2 = await talk('社保转移的事');
    const first = await raise(secretary, { memberId: p.b, kind: 'follow_up', reason: '帮忙联系学校', dueOn: dayAfter(7), sourceTalkId: t1 });
    const second = await raise(secretary, { memberId: p.b, kind: 'follow_up', reason: '咨询社保转移', dueOn: dayAfter(10), sourceTalkId: t2 });
    expect(first.created).toBe(true);
    expect(second).toEqual({ taskId: first.taskId, created: false });
    expect((await tasks('follow_up')).filter((t) => t.member_id === p.b)).toHaveLength(1);
    const history = await events(first.taskId);
    expect(history.map((e) => e.kind)).toEqual(['created', 'merged']);
    expect(history[1]).toMatchObject({ note: '咨询社保转移', detail: { dueOn: dayAfter(10), sourceTalkId: t2 }, actor_name: secretary.actor.displayName });
    const detail = await getCareTask(env.db, secretary, first.taskId);
    expect(detail).toMatchObject({ sourceTalkId: t1, reason: '帮忙联系学校', kind: 'follow_up' });
    // Closed, the same trigger opens a new one.
    await updateCareTask(env.db, secretary, first.taskId, { status: 'done' });
    const third = await raise(null, { memberId: p.b, kind: 'follow_up', reason: '回访', dueOn: dayAfter(7) });
    expect(third.created).toBe(true);
    expect(third.taskId).not.toBe(first.taskId);
  });
});

describe('snooze', () => {
  it('hides a snoozed task from the open list; it comes back, with a reopened event, when the job runs on its day', async () => {
    const [task] = (await tasks('absence_streak')).filter((t) => t.member_id === p.c);
    const tomorrow = dayAfter(1);
    const snoozed = await updateCareTask(env.db, secretary, task!.id, { status: 'snoozed', snoozedUntil: tomorrow, note: '外出打工，下周回来再谈' });
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: tomorrow, note: '外出打工，下周回来再谈', overdue: false });
    expect(snoozed.history.at(-1)).toMatchObject({ kind: 'snoozed', note: '外出打工，下周回来再谈', detail: { until: tomorrow } });

    const open = await listCareTasks(env.db, secretary, { ...PAGE, status: 'open' });
    expect(open.items.map((t) => t.id)).not.toContain(task!.id);
    const snoozedList = await listCareTasks(env.db, secretary, { ...PAGE, status: 'snoozed' });
    expect(snoozedList.items.map((t) => t.id)).toContain(task!.id);

    // Today: not due yet, nothing happens.
    expect(await reopenSnoozedTasks(env.db, clock.now())).toBe(0);
    // The day after tomorrow: open again, with its history saying so; a second run changes nothing.
    expect(await reopenSnoozedTasks(env.db, new Date(clock.now().getTime() + 2 * DAY))).toBe(1);
    expect(await reopenSnoozedTasks(env.db, new Date(clock.now().getTime() + 2 * DAY))).toBe(0);
    const back = await getCareTask(env.db, secretary, task!.id);
    expect(back).toMatchObject({ status: 'open', snoozedUntil: null });
    expect(back.history.at(-1)).toMatchObject({ kind: 'reopened', actorName: '系统', detail: { from: 'snoozed', snoozedUntil: tomorrow } });
    expect((await listCareTasks(env.db, secretary, { ...PAGE, status: 'open' })).items.map((t) => t.id)).toContain(task!.id);
  });

  it('a snoozed task whose day came is listed as open even before the job runs', async () => {
    const [task] = (await tasks('absence_streak')).filter((t) => t.member_id === p.c);
    await updateCareTask(env.db, secretary, task!.id, { status: 'snoozed', snoozedUntil: dayAfter(3) });
    await env.db.updateTable('care_task').set({ snoozed_until: dayAfter(-1) }).where('id', '=', task!.id).execute();
    const listed = await listCareTasks(env.db, secretary, { ...PAGE, status: 'open' });
    expect(listed.items.find((t) => t.id === task!.id)?.status).toBe('open');
    expect(await reopenSnoozedTasks(env.db, clock.now())).toBe(1);
  });

  it('refuses a snooze day that is not after today, naming snoozedUntil', async () => {
    const [task] = (await tasks('absence_streak')).filter((t) => t.member_id === p.c);
    for (const day of [chinaDate(), dayAfter(-3)]) {
      await expect(updateCareTask(env.db, secretary, task!.id, { status: 'snoozed', snoozedUntil: day })).rejects.toMatchObject({
        code: 'validation_failed',
        issues: [{ field: 'snoozedUntil' }],
      });
    }
  });
});

describe('lists', () => {
  it('lists tasks in the secretary’s subtree, open (overdue first) before snoozed before closed; a branch secretary sees only their branch', async () => {
    const overdue = (await tasks('absence_streak')).find((t) => t.member_id === p.c);
    await env.db.updateTable('care_task').set({ due_on: '2026-01-01' }).where('id', '=', overdue!.id).execute();
    const snoozedId = (await createCareTask(env.db, secretary, { memberId: p.d, kind: 'visit', reason: '春节前走访', dueOn: dayAfter(30) })).id;
    await updateCareTask(env.db, secretary, snoozedId, { status: 'snoozed', snoozedUntil: dayAfter(5) });

    const all = await listCareTasks(env.db, secretary, PAGE);
    expect(all.items[0]).toMatchObject({ id: overdue!.id, overdue: true, status: 'open' });
    expect(all.items.map((t) => t.memberId)).toContain(p.e);
    const ranks = all.items.map((t) => statusRank(t.status));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    expect(ranks).toContain(1);
    expect(ranks).toContain(2);
    const openDue = all.items.filter((t) => t.status === 'open').map((t) => t.dueOn);
    expect(openDue).toEqual([...openDue].sort());
    expect(all.items.filter((t) => t.overdue).every((t) => t.status === 'open')).toBe(true);
    expect(all.total).toBe(all.items.length);

    const branch = await listCareTasks(env.db, branchSecretary, PAGE);
    expect(branch.items.map((t) => t.memberId)).not.toContain(p.e); // 第四党小组 is in 第二党支部
    expect(branch.items.map((t) => t.memberId)).toContain(p.a);
    const unread = await listCareTasks(env.db, secretary, { ...PAGE, kind: 'unread_streak' });
    expect(unread.items.map((t) => t.memberId)).toEqual([p.e]);
    const onlyOverdue = await listCareTasks(env.db, secretary, { ...PAGE, overdue: true });
    expect(onlyOverdue.items.length).toBeGreaterThan(0);
    expect(onlyOverdue.items.every((t) => t.overdue)).toBe(true);
    const notOverdue = await listCareTasks(env.db, secretary, { ...PAGE, overdue: false });
    expect(notOverdue.total + onlyOverdue.total).toBe(all.total);

    const paged = await listCareTasks(env.db, secretary, { page: 2, pageSize: 2 });
    expect(paged.items.map((t) => t.id)).toEqual(all.items.slice(2, 4).map((t) => t.id));
    expect((await listCareTasks(env.db, secretary, { page: 99, pageSize: 2 })).total).toBe(all.total);

    await expect(listCareTasks(env.db, mentor, PAGE)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listCareTasks(env.db, branchSecretary, { ...PAGE, orgId: group4 })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lists one member’s tasks for their mentor (care.read) but not for others', async () => {
    const mine = await listCareTasks(env.db, mentor, { ...PAGE, memberId: p.a });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((t) => t.memberId === p.a)).toBe(true);
    await expect(listCareTasks(env.db, mentor, { ...PAGE, memberId: p.e })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listCareTasks(env.db, member, { ...PAGE, memberId: p.a })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listCareTasks(env.db, branchSecretary, { ...PAGE, memberId: p.e })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('listing or opening a hardship task writes an audit entry; other lists do not', async () => {
    const hardship = await createCareTask(env.db, secretary, { memberId: p.f, kind: 'hardship', reason: '家中老人重病，申请困难帮扶', dueOn: dayAfter(14) });
    const listBefore = (await audits('care_task.list')).length;
    await listCareTasks(env.db, secretary, { ...PAGE, kind: 'unread_streak' });
    expect((await audits('care_task.list')).length).toBe(listBefore);
    const listed = await listCareTasks(env.db, secretary, { ...PAGE, memberId: p.f });
    expect(listed.items.map((t) => t.kind)).toContain('hardship');
    const entries = await audits('care_task.list', p.f);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ entity: 'member', after: { kind: 'hardship', count: 1, taskIds: [hardship.id] } });
    await getCareTask(env.db, secretary, hardship.id);
    expect(await audits('care_task.view', hardship.id)).toHaveLength(1);
  });
});

describe('tasks made by hand', () => {
  it('opens a task for the member’s mentor by default, with one created event and an audit entry', async () => {
    const t = await createCareTask(env.db, secretary, { memberId: p.a, kind: 'visit', reason: '国庆回乡时上门走访', dueOn: dayAfter(10) });
    expect(t).toMatchObject({ memberId: p.a, kind: 'visit', status: 'open', overdue: false, assignee: { memberId: mentorMember }, sourceTalkId: null, dueOn: dayAfter(10) });
    expect(t.mentorName).toBe(t.assignee?.name);
    expect(t.history).toHaveLength(1);
    expect(t.history[0]).toMatchObject({ kind: 'created', note: '国庆回乡时上门走访', actorName: secretary.actor.displayName });
    expect(await audits('care_task.create', t.id)).toHaveLength(1);
    const row = await env.db.selectFrom('care_task').select('created_by').where('id', '=', t.id).executeTakeFirstOrThrow();
    expect(row.created_by).toBe(secretary.actor.accountId);
  });

  it('refuses a second open task of the same kind with a conflict naming the open one', async () => {
    const open = (await tasks('visit')).find((t) => t.member_id === p.a && t.status === 'open')!;
    const before = await eventCount();
    const err = await createCareTask(env.db, mentor, { memberId: p.a, kind: 'visit', reason: '再次走访', dueOn: dayAfter(5) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'conflict' });
    const e = err as { message: string; issues: { field: string; message: string }[] };
    expect(e.message).toContain('国庆回乡时上门走访');
    expect(e.issues).toContainEqual({ field: 'openTaskId', message: open.id });
    expect(await eventCount()).toBe(before); // not merged silently
    // Another kind is fine, for the mentor too (care.write on their mentee).
    const other = await createCareTask(env.db, mentor, { memberId: p.a, kind: 'other', reason: '帮忙办理居住证', dueOn: dayAfter(5) });
    expect(other.kind).toBe('other');
  });

  it('assigns to the secretaries when asked (null), when the member has no mentor, or to a member the caller can read', async () => {
    const toSecretaries = await createCareTask(env.db, secretary, { memberId: p.a, kind: 'hardship', reason: '医疗救助申请', dueOn: dayAfter(5), assigneeMemberId: null });
    expect(toSecretaries.assignee).toBeNull();
    const withoutMentor = await env.db
      .selectFrom('member as m')
      .select('m.id')
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.org_id', '=', group4)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mentorship as s').select('s.member_id').whereRef('s.member_id', '=', 'm.id').where('s.ended_on', 'is', null))))
      .orderBy('m.name')
      .executeTakeFirstOrThrow();
    const noMentor = await createCareTask(env.db, secretary, { memberId: withoutMentor.id, kind: 'visit', reason: '走访', dueOn: dayAfter(5) });
    expect(noMentor.assignee).toBeNull();
    const toLeader = await createCareTask(env.db, secretary, { memberId: p.g, kind: 'follow_up', reason: '了解近况', dueOn: dayAfter(5), assigneeMemberId: p.h });
    expect(toLeader.assignee?.memberId).toBe(p.h);
  });

  it('refuses bad input: an assignee the caller cannot see, a past due day, a member outside the caller’s care', async () => {
    await expect(createCareTask(env.db, mentor, { memberId: p.a, kind: 'follow_up', reason: '跟进', dueOn: dayAfter(5), assigneeMemberId: p.e })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'assigneeMemberId' }],
    });
    await expect(createCareTask(env.db, secretary, { memberId: p.c, kind: 'other', reason: '跟进', dueOn: dayAfter(-1) })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'dueOn' }],
    });
    await expect(createCareTask(env.db, mentor, { memberId: p.e, kind: 'other', reason: '跟进', dueOn: dayAfter(5) })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(createCareTask(env.db, branchSecretary, { memberId: p.e, kind: 'other', reason: '跟进', dueOn: dayAfter(5) })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('history and planning', () => {
  it('records every change as one event, oldest first: note, reassign, due day, snooze, done, reopen', async () => {
    const t = await createCareTask(env.db, secretary, { memberId: p.d, kind: 'follow_up', reason: '了解在外务工情况', dueOn: dayAfter(7) });
    await planCareTask(env.db, secretary, t.id, { note: '已发微信，等回复' });
    const reassigned = await planCareTask(env.db, secretary, t.id, { assigneeMemberId: mentorMember, dueOn: dayAfter(14) });
    expect(reassigned).toMatchObject({ assignee: { memberId: mentorMember }, dueOn: dayAfter(14) });
    // The same plan again changes nothing and writes nothing.
    expect((await planCareTask(env.db, secretary, t.id, { assigneeMemberId: mentorMember })).history).toHaveLength(reassigned.history.length);
    const back = await planCareTask(env.db, secretary, t.id, { assigneeMemberId: null });
    await updateCareTask(env.db, secretary, t.id, { status: 'snoozed', snoozedUntil: dayAfter(3), note: '春节后再联系' });
    await updateCareTask(env.db, secretary, t.id, { status: 'done', note: '已解决' });
    const final = await updateCareTask(env.db, secretary, t.id, { status: 'open', note: '问题又出现了' });

    expect(back.assignee).toBeNull();
    const mentorName = reassigned.assignee!.name;
    expect(final.history.map((e) => e.kind)).toEqual(['created', 'note', 'reassigned', 'due_changed', 'reassigned', 'snoozed', 'done', 'reopened']);
    const [, note, toMentor, due, toSecretaries, snoozed, done, reopened] = final.history;
    expect(note).toMatchObject({ note: '已发微信，等回复', actorName: secretary.actor.displayName });
    expect(toMentor?.detail).toEqual({ fromMemberId: null, fromName: null, toMemberId: mentorMember, toName: mentorName });
    expect(toMentor?.note).toBe(`由党组织书记改为${mentorName}`);
    expect(due?.detail).toEqual({ from: dayAfter(7), to: dayAfter(14) });
    expect(toSecretaries?.detail).toEqual({ fromMemberId: mentorMember, fromName: mentorName, toMemberId: null, toName: null });
    expect(snoozed).toMatchObject({ note: '春节后再联系', detail: { until: dayAfter(3) } });
    expect(done).toMatchObject({ note: '已解决' });
    expect(reopened).toMatchObject({ note: '问题又出现了', detail: { from: 'done' } });
    const ats = final.history.map((e) => e.at);
    expect(ats).toEqual([...ats].sort());
    expect(final).toMatchObject({ status: 'open', note: '问题又出现了' });
    expect(await audits('care_task.plan', t.id)).toHaveLength(3);
  });

  it('refuses replanning a closed task and a due day in the past; notes are still welcome', async () => {
    const t = await createCareTask(env.db, secretary, { memberId: p.h, kind: 'other', reason: '核对联系方式', dueOn: dayAfter(3) });
    await expect(planCareTask(env.db, secretary, t.id, { dueOn: dayAfter(-1) })).rejects.toMatchObject({ code: 'validation_failed', issues: [{ field: 'dueOn' }] });
    await updateCareTask(env.db, secretary, t.id, { status: 'dropped', note: '号码无误，无需核对' });
    await expect(planCareTask(env.db, secretary, t.id, { dueOn: dayAfter(9) })).rejects.toMatchObject({ code: 'conflict' });
    const noted = await planCareTask(env.db, secretary, t.id, { note: '补充：已在系统中更新' });
    expect(noted.history.at(-1)).toMatchObject({ kind: 'note', note: '补充：已在系统中更新' });
    expect(noted.status).toBe('dropped');
  });

  it('only care.write may plan; a secretary outside the member’s branch may not handle the task; the change is audited', async () => {
    const [task] = await tasks('unread_streak');
    await expect(updateCareTask(env.db, branchSecretary, task!.id, { status: 'done' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(updateCareTask(env.db, mentor, task!.id, { status: 'done' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(planCareTask(env.db, mentor, task!.id, { note: '看看' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getCareTask(env.db, mentor, task!.id)).rejects.toMatchObject({ code: 'forbidden' });
    const done = await updateCareTask(env.db, secretary, task!.id, { status: 'dropped', note: '已转出组织关系' });
    expect(done.status).toBe('dropped');
    const audit = await audits('care_task.update', task!.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.before).toMatchObject({ status: 'open' });
    // Reopening while another open task of that kind exists is a conflict, not a 500.
    await env.db.insertInto('care_task').values({ tenant_id: env.tenantId, member_id: p.e, kind: 'unread_streak', reason: '另一条', due_on: '2026-07-01' }).execute();
    await expect(updateCareTask(env.db, secretary, task!.id, { status: 'open' })).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('my tasks (member app)', () => {
  it('shows the mentor tasks about their mentees and tasks assigned to them; the assignee may act and note, not replan', async () => {
    // A task about a member outside the mentor's mentees and branch, given to the mentor.
    const given = await createCareTask(env.db, secretary, { memberId: p.e, kind: 'follow_up', reason: '顺路代为看望', dueOn: dayAfter(4), assigneeMemberId: mentorMember });
    // A task about the mentee given to the secretaries: still on the mentor's list.
    const aboutMentee = (await tasks('hardship')).find((t) => t.member_id === p.a && t.assignee_member_id === null)!;

    const mine = await listMyCareTasks(env.db, mentor);
    const ids = mine.items.map((t) => t.id);
    expect(ids).toContain(given.id);
    expect(ids).toContain(aboutMentee.id);
    expect(mine.items.every((t) => mentor.actor.menteeIds.includes(t.memberId) || t.assignee?.memberId === mentorMember)).toBe(true);
    expect(mine.items.every((t) => t.status === 'open' || t.status === 'snoozed')).toBe(true);
    expect(mine.total).toBe(mine.items.length);
    const overdueFirst = mine.items.map((t) => t.overdue);
    expect(overdueFirst).toEqual([...overdueFirst].sort((x, y) => Number(y) - Number(x)));

    // The assignee (neither mentor nor secretary of p.e) may read, note, snooze and close it…
    expect((await getCareTask(env.db, mentor, given.id)).id).toBe(given.id);
    await planCareTask(env.db, mentor, given.id, { note: '周六过去' });
    const snoozed = await updateCareTask(env.db, mentor, given.id, { status: 'snoozed', snoozedUntil: dayAfter(2) });
    const listed = (await listMyCareTasks(env.db, mentor)).items.find((t) => t.id === given.id);
    expect(listed).toMatchObject({ status: 'snoozed', snoozedUntil: dayAfter(2) });
    expect(snoozed.history.at(-1)?.actorName).toBe(mentor.actor.displayName);
    // …but not hand it on nor move its day (care.write on the member).
    await expect(planCareTask(env.db, mentor, given.id, { assigneeMemberId: mentee })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(planCareTask(env.db, mentor, given.id, { dueOn: dayAfter(20) })).rejects.toMatchObject({ code: 'forbidden' });
    // Handed to someone else, it leaves the mentor's list and hands.
    await planCareTask(env.db, secretary, given.id, { assigneeMemberId: p.f });
    expect((await listMyCareTasks(env.db, mentor)).items.map((t) => t.id)).not.toContain(given.id);
    await expect(updateCareTask(env.db, mentor, given.id, { status: 'done' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('counts open (snoozed whose day came included) and overdue tasks of the same set for the home screen', async () => {
    const today = chinaDate();
    const mine = await listMyCareTasks(env.db, mentor);
    const counts = await myCareCounts(env.db, mentor, today);
    expect(counts.open).toBe(mine.items.filter((t) => t.status === 'open').length);
    expect(counts.overdue).toBe(mine.items.filter((t) => t.overdue).length);
    expect(counts.overdue).toBeGreaterThan(0);

    // A task about the mentee snoozed until tomorrow counts tomorrow, overdue if its due day passed.
    const visit = (await tasks('visit')).find((t) => t.member_id === p.a && t.status === 'open')!;
    await updateCareTask(env.db, secretary, visit.id, { status: 'snoozed', snoozedUntil: dayAfter(1) });
    expect((await myCareCounts(env.db, mentor, today)).open).toBe(counts.open - 1);
    await env.db.updateTable('care_task').set({ due_on: dayAfter(-5) }).where('id', '=', visit.id).execute();
    const tomorrow = await myCareCounts(env.db, mentor, dayAfter(1));
    expect(tomorrow.open).toBe(counts.open);
    expect(tomorrow.overdue).toBeGreaterThanOrEqual(counts.overdue + 1);

    // The mobile member mentors nobody and was given nothing.
    expect(await listMyCareTasks(env.db, member)).toEqual({ items: [], total: 0 });
    expect(await myCareCounts(env.db, member, today)).toMatchObject({ open: 0, overdue: 0 });
    const admin = await contextFor(env, PHONES.tenantAdmin);
    await expect(listMyCareTasks(env.db, admin)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the lost-contact rule', () => {
  let lost: string;
  let atHome: string;
  // Everyone else is in touch (as far ahead as the test looks): only the members set up are silent.
  const IN_TOUCH = chinaDate(new Date(NOW.getTime() + 2000 * DAY));
  const TODAY = chinaDate(NOW);
  const ago = (days: number, from = NOW) => chinaDate(new Date(from.getTime() - days * DAY));

  beforeAll(async () => {
    // Only the members this test sets up are silent long enough.
    await env.db.updateTable('member').set({ last_contact_at: IN_TOUCH, lost_contact_since: null }).where('tenant_id', '=', env.tenantId).execute();
    const mobile = await env.db
      .selectFrom('mobility')
      .select('member_id')
      .where('tenant_id', '=', env.tenantId)
      .where('ended_on', 'is', null)
      .where('member_id', '!=', mentee)
      .orderBy('member_id')
      .execute();
    lost = mobile[0]!.member_id;
    const home = await env.db
      .selectFrom('member as m')
      .select('m.id')
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.left_at', 'is', null)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mobility as mb').select('mb.id').whereRef('mb.member_id', '=', 'm.id').where('mb.ended_on', 'is', null))))
      .orderBy('m.name')
      .executeTakeFirstOrThrow();
    atHome = home.id;
  });

  it('asks the secretaries to check a mobile member silent for lostContactDays, once', async () => {
    await env.db.updateTable('member').set({ last_contact_at: ago(200) }).where('id', '=', lost).execute();
    expect(await applyLostContactRule(env.db, NOW)).toBe(1);
    const task = await openLostContactTask(lost);
    expect(task).toMatchObject({ reason: `已 200 天未能联系上（最后联系 ${ago(200)}），请核实并确认是否失联`, assignee_member_id: null, due_on: chinaDate(new Date(NOW.getTime() + 7 * DAY)), created_by: null });
    expect((await events(task!.id)).map((e) => e.kind)).toEqual(['created']);
    expect(await applyLostContactRule(env.db, NOW)).toBe(0);
    expect(await applyLostContactRule(env.db, new Date(NOW.getTime() + DAY))).toBe(0);

    // Not for members at home, nor short silences.
    await env.db.updateTable('member').set({ last_contact_at: ago(400) }).where('id', '=', atHome).execute();
    await env.db.updateTable('member').set({ last_contact_at: ago(179) }).where('id', '=', mentee).execute();
    expect(await applyLostContactRule(env.db, NOW)).toBe(0);
    expect(await openLostContactTask(atHome)).toBeUndefined();
    expect(await openLostContactTask(mentee)).toBeUndefined();
    await env.db.updateTable('member').set({ last_contact_at: IN_TOUCH }).where('id', 'in', [atHome, mentee]).execute();
  });

  it('closes its task when contact is recorded, and raises a new one for a later silence', async () => {
    const task = (await openLostContactTask(lost))!;
    await env.db.updateTable('member').set({ last_contact_at: TODAY }).where('id', '=', lost).execute();
    expect(await applyLostContactRule(env.db, NOW)).toBe(1);
    const closed = await env.db.selectFrom('care_task').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(closed.status).toBe('done');
    expect((await events(task.id)).at(-1)).toMatchObject({ kind: 'done', actor_name: '系统', note: `已恢复联系（最后联系 ${TODAY}），任务自动完成` });

    const later = new Date(NOW.getTime() + 185 * DAY);
    expect(await applyLostContactRule(env.db, later)).toBe(1);
    expect((await openLostContactTask(lost))?.reason).toBe(`已 185 天未能联系上（最后联系 ${TODAY}），请核实并确认是否失联`);
  });

  it('does not raise the same silence again after its task was closed by hand', async () => {
    const later = new Date(NOW.getTime() + 185 * DAY);
    const task = (await openLostContactTask(lost))!;
    await updateCareTask(env.db, secretary, task.id, { status: 'dropped', note: '家属说在外地，已托人转告' });
    expect(await applyLostContactRule(env.db, later)).toBe(0);
    expect(await applyLostContactRule(env.db, new Date(later.getTime() + 30 * DAY))).toBe(0);
    expect(await openLostContactTask(lost)).toBeUndefined();
  });

  it('closes its task when the secretary confirms the lost contact; leaves hand-made ones alone', async () => {
    const later = new Date(NOW.getTime() + 400 * DAY);
    await env.db.updateTable('member').set({ last_contact_at: chinaDate(new Date(NOW.getTime() + 190 * DAY)) }).where('id', '=', lost).execute();
    expect(await applyLostContactRule(env.db, later)).toBe(1);
    const task = (await openLostContactTask(lost))!;
    const confirmed = await env.app.inject({ method: 'POST', url: `/api/members/${lost}/lost-contact`, headers: (await login(env.app, PHONES.generalSecretary)).headers });
    expect(confirmed.statusCode, confirmed.body).toBeLessThan(300);
    expect(await applyLostContactRule(env.db, later)).toBe(1);
    expect((await events(task.id)).at(-1)).toMatchObject({ kind: 'done', note: expect.stringContaining('已确认失联') });
    expect(await openLostContactTask(lost)).toBeUndefined();

    // A secretary's own lost-contact task about a member in touch stays until they close it.
    const byHand = await createCareTask(env.db, secretary, { memberId: mentee, kind: 'lost_contact', reason: '电话停机，请核实', dueOn: dayAfter(3) });
    expect(await applyLostContactRule(env.db, NOW)).toBe(0);
    expect((await getCareTask(env.db, secretary, byHand.id)).status).toBe('open');
  });
});

describe('over HTTP', () => {
  let sec: Session;
  beforeAll(async () => {
    sec = await login(env.app, PHONES.generalSecretary);
  });

  it('answers 400 naming the field for bad input, 409 for a duplicate, 404 for an unknown task', async () => {
    const visit = (await tasks('visit')).find((t) => t.member_id === p.a && t.status !== 'done' && t.status !== 'dropped')!;
    const past = await env.app.inject({ method: 'PATCH', url: `/api/care-tasks/${visit.id}`, headers: sec.headers, payload: { status: 'snoozed', snoozedUntil: dayAfter(-1) } });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ ok: false, error: 'validation_failed', issues: [{ field: 'snoozedUntil' }] });
    const noReason = await env.app.inject({ method: 'PATCH', url: `/api/care-tasks/${visit.id}`, headers: sec.headers, payload: { status: 'dropped', note: '' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().issues.map((i: { field: string }) => i.field)).toContain('note');
    const empty = await env.app.inject({ method: 'PATCH', url: `/api/care-tasks/${visit.id}/plan`, headers: sec.headers, payload: {} });
    expect(empty.statusCode).toBe(400);
    const shortReason = await env.app.inject({ method: 'POST', url: '/api/care-tasks', headers: sec.headers, payload: { memberId: p.a, kind: 'visit', reason: '走', dueOn: dayAfter(3) } });
    expect(shortReason.statusCode).toBe(400);
    expect(shortReason.json().issues.map((i: { field: string }) => i.field)).toContain('reason');
    const dup = await env.app.inject({ method: 'POST', url: '/api/care-tasks', headers: sec.headers, payload: { memberId: p.a, kind: 'visit', reason: '再走访一次', dueOn: dayAfter(3) } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: 'conflict', issues: expect.arrayContaining([{ field: 'openTaskId', message: visit.id }]) });
    const unknown = await env.app.inject({ url: '/api/care-tasks/00000000-0000-4000-8000-000000000000', headers: sec.headers });
    expect(unknown.statusCode).toBe(404);
  });

  it('creates, shows and plans a task with the contract’s shapes', async () => {
    const created = await env.app.inject({ method: 'POST', url: '/api/care-tasks', headers: sec.headers, payload: { memberId: p.c, kind: 'other', reason: '协助办理流动党员活动证', dueOn: dayAfter(6) } });
    expect(created.statusCode, created.body).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({ memberId: p.c, kind: 'other', status: 'open', overdue: false, history: [{ kind: 'created' }] });
    const shown = await env.app.inject({ url: `/api/care-tasks/${body.id}`, headers: sec.headers });
    expect(shown.json().history).toHaveLength(1);
    const planned = await env.app.inject({ method: 'PATCH', url: `/api/care-tasks/${body.id}/plan`, headers: sec.headers, payload: { dueOn: dayAfter(8), note: '下周办' } });
    expect(planned.statusCode, planned.body).toBe(200);
    expect(planned.json().history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'due_changed', 'note']);
    const mine = await env.app.inject({ url: '/api/me/care-tasks?page=1&pageSize=5', headers: (await login(env.app, PHONES.mentor)).headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.length).toBeLessThanOrEqual(5);
    const byMember = await env.app.inject({ url: `/api/care-tasks?memberId=${p.c}&overdue=false`, headers: sec.headers });
    expect(byMember.json().items.map((t: { id: string }) => t.id)).toContain(body.id);
  });
});
