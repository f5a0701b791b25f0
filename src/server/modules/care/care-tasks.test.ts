import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { shanghaiDate as chinaDate } from '../../clock.ts';
import { countMyCareTasks, listCareTasks, listMyCareTasks, updateCareTask } from './service.ts';
import { raiseStreakTasks } from './scheduled.ts';

/**
 * The learning-streaks job on a hand-built history (direct inserts into study_session,
 * attendance and push_delivery), and who sees and handles the tasks it raises.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
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

beforeAll(async () => {
  env = await openTestDatabase();
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
  it('raises one task per member whose last N closed sessions were all missed, for the current mentor, due in 7 days', async () => {
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

    expect(await raiseStreakTasks(env.db, NOW)).toBe(0);
    expect(await tasks('absence_streak')).toHaveLength(2);
  });

  it('does not raise again a streak that was handled, until a later session is missed too', async () => {
    const { a } = p;
    const [task] = (await tasks('absence_streak')).filter((t) => t.member_id === a);
    await updateCareTask(env.db, mentor, task!.id, { status: 'done', note: '已电话联系，下月参加' });
    expect(await raiseStreakTasks(env.db, new Date(NOW.getTime() + DAY))).toBe(0);
    expect((await tasks('absence_streak')).filter((t) => t.member_id === a && t.status === 'open')).toHaveLength(0);

    // A session closed after the task was closed, missed again: a new streak.
    const closedAt = new Date(Date.now() + 60_000);
    const s = await closedSession(group1, '4月云课堂', new Date(closedAt.getTime() - 3 * 3_600_000), { [a]: 'absent' });
    await sql`UPDATE study_session SET closed_at = ${closedAt} WHERE id = ${s}`.execute(env.db);
    expect(await raiseStreakTasks(env.db, new Date(NOW.getTime() + DAY))).toBe(1);
    const open = (await tasks('absence_streak')).filter((t) => t.member_id === a && t.status === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]?.reason).toBe('连续 2 次缺课：3月云课堂、4月云课堂');
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
    expect(await raiseStreakTasks(env.db, NOW)).toBe(0);
  });
});

describe('handling tasks', () => {
  it('snoozed tasks come back as open when their day comes: in the list at once, and in the table by the job', async () => {
    const [task] = (await tasks('absence_streak')).filter((t) => t.member_id === p.c);
    const tomorrow = chinaDate(new Date(Date.now() + DAY));
    const snoozed = await updateCareTask(env.db, secretary, task!.id, { status: 'snoozed', snoozedUntil: tomorrow, note: '外出打工，下周回来再谈' });
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: tomorrow, note: '外出打工，下周回来再谈' });
    await expect(updateCareTask(env.db, secretary, task!.id, { status: 'snoozed', snoozedUntil: chinaDate() })).rejects.toMatchObject({ code: 'validation_failed' });

    // The day has come (set in the past directly): listed as open before the job runs.
    await env.db.updateTable('care_task').set({ snoozed_until: chinaDate(new Date(Date.now() - DAY)) }).where('id', '=', task!.id).execute();
    const listed = await listCareTasks(env.db, secretary, { page: 1, pageSize: 50, status: 'open' });
    expect(listed.items.find((t) => t.id === task!.id)?.status).toBe('open');
    expect(await raiseStreakTasks(env.db, new Date())).toBeGreaterThanOrEqual(1);
    const row = await env.db.selectFrom('care_task').select('status').where('id', '=', task!.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  });

  it('lists tasks in the secretary’s subtree, overdue first; a branch secretary sees only their branch', async () => {
    const overdue = (await tasks('absence_streak')).find((t) => t.member_id === p.c);
    await env.db.updateTable('care_task').set({ due_on: '2026-01-01' }).where('id', '=', overdue!.id).execute();
    const all = await listCareTasks(env.db, secretary, { page: 1, pageSize: 50 });
    expect(all.items[0]?.id).toBe(overdue!.id);
    expect(all.items.map((t) => t.memberId)).toContain(p.e);
    const closedIndex = all.items.findIndex((t) => t.status === 'done');
    expect(all.items.slice(closedIndex).every((t) => t.status === 'done' || t.status === 'dropped')).toBe(true);
    expect(all.total).toBe(all.items.length);

    const branch = await listCareTasks(env.db, branchSecretary, { page: 1, pageSize: 50 });
    expect(branch.items.map((t) => t.memberId)).not.toContain(p.e); // 第四党小组 is in 第二党支部
    expect(branch.items.map((t) => t.memberId)).toContain(p.a);
    const unread = await listCareTasks(env.db, secretary, { page: 1, pageSize: 50, kind: 'unread_streak' });
    expect(unread.items.map((t) => t.memberId)).toEqual([p.e]);
    await expect(listCareTasks(env.db, mentor, { page: 1, pageSize: 50 })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('a secretary outside the member’s branch may not handle the task; the change is audited', async () => {
    const [task] = await tasks('unread_streak');
    await expect(updateCareTask(env.db, branchSecretary, task!.id, { status: 'done' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(updateCareTask(env.db, mentor, task!.id, { status: 'done' })).rejects.toMatchObject({ code: 'forbidden' });
    const done = await updateCareTask(env.db, secretary, task!.id, { status: 'dropped', note: '已转出组织关系' });
    expect(done.status).toBe('dropped');
    const audit = await env.db.selectFrom('audit_log').selectAll().where('action', '=', 'care_task.update').where('entity_id', '=', task!.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.before).toMatchObject({ status: 'open' });
    // Reopening while another open task of that kind exists is a conflict, not a 500.
    await env.db.insertInto('care_task').values({ tenant_id: env.tenantId, member_id: p.e, kind: 'unread_streak', reason: '另一条', due_on: '2026-07-01' }).execute();
    await expect(updateCareTask(env.db, secretary, task!.id, { status: 'open' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it("a mentor sees open tasks about their mentees only; others see none", async () => {
    const mine = await listMyCareTasks(env.db, mentor);
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((t) => mentor.actor.menteeIds.includes(t.memberId))).toBe(true);
    expect(mine.items.every((t) => t.status === 'open' || t.status === 'snoozed')).toBe(true);
    expect(mine.items.map((t) => t.memberId)).toContain(p.a);
    expect(await countMyCareTasks(env.db, mentor)).toBe(mine.items.filter((t) => t.status === 'open').length);
    expect(await listMyCareTasks(env.db, member)).toEqual({ items: [], total: 0 });
    expect(await countMyCareTasks(env.db, member)).toBe(0);
  });
});
