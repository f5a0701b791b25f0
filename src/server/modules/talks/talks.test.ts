import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { TalkInput, TalkPatch } from '../../../shared/api-care.ts';
import { assignMentor } from '../members/index.ts';
import { updateSettings } from '../settings/index.ts';
import {
  countMyOverdueTalks,
  getMyRecords,
  listMentoring,
  listMentorships,
  listMyMentees,
  listTalks,
  recordTalk,
  updateTalk,
  viewTalk,
} from './service.ts';

/**
 * Talks (思想动态) and the mentoring overview (传帮带) on a copy of the demo village: 13 mobile
 * members, each with a mentor; the mentor 13800000002 keeps in touch with 13800000003.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let admin: RequestContext;
let secretary: RequestContext;
let branchSecretary: RequestContext;
let mentor: RequestContext;
let member: RequestContext;
let leader: RequestContext;
let mentee: string;
let mentorMember: string;
let outsider: string;
let village: string;
const DAY = 86_400_000;
const today = () => shanghaiDate();
const daysAgo = (n: number) => shanghaiDate(new Date(clock.now().getTime() - n * DAY));
const daysAhead = (n: number) => daysAgo(-n);

const talk = (over: Partial<TalkInput> & { memberId: string }) =>
  TalkInput.parse({ talkedOn: today(), channel: 'phone', summary: '电话聊了聊近况，工作稳定，家里都好。', ...over });

async function orgId(name: string): Promise<string> {
  return (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
}

async function insertTalk(memberId: string, talkedOn: string, summary = '谈话'): Promise<string> {
  const row = await env.db
    .insertInto('talk')
    .values({ tenant_id: env.tenantId, member_id: memberId, talked_on: talkedOn, channel: 'video', talker_name: '测试', summary })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function expectError(p: Promise<unknown>, code: string, field?: string): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe(code);
  if (field) expect(e.issues?.map((i) => i.field)).toContain(field);
  return e;
}

const audits = (action: string) =>
  env.db.selectFrom('audit_log').select(['entity', 'entity_id', 'before', 'after', 'account_id']).where('tenant_id', '=', env.tenantId).where('action', '=', action).orderBy('id').execute();

const memberRow = (id: string) => env.db.selectFrom('member').selectAll().where('tenant_id', '=', env.tenantId).where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  env = await openTestDatabase();
  admin = await contextFor(env, PHONES.tenantAdmin);
  secretary = await contextFor(env, PHONES.generalSecretary);
  branchSecretary = await contextFor(env, PHONES.branchSecretary);
  mentor = await contextFor(env, PHONES.mentor);
  member = await contextFor(env, PHONES.mobileMember);
  leader = await contextFor(env, PHONES.groupLeader);
  mentee = await memberIdByPhone(env, PHONES.mobileMember);
  mentorMember = await memberIdByPhone(env, PHONES.mentor);
  village = await orgId('新桥村党总支');
  outsider = (await env.db.selectFrom('member').select('id').where('org_id', '=', await orgId('第四党小组')).orderBy('name').executeTakeFirstOrThrow()).id;
});
afterAll(async () => env?.close());

describe('recording a talk', () => {
  it('records the mentor as the talker, counts as contact and lifts a lost-contact flag, with an audit entry', async () => {
    await env.db.updateTable('member').set({ last_contact_at: daysAgo(300), lost_contact_since: daysAgo(300), lost_contact_confirmed_at: clock.now() }).where('id', '=', mentee).execute();
    const t = await recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: daysAgo(2), channel: 'wechat', work: '在苏州一家电子厂做班组长', health: '腰不太好' }));
    const mentorRow = await memberRow(mentorMember);
    expect(t).toMatchObject({ memberId: mentee, talkedOn: daysAgo(2), channel: 'wechat', talkerName: mentorRow.name, work: '在苏州一家电子厂做班组长', health: '腰不太好', family: null, followUpNeeded: false, followUpTaskId: null });
    const after = await memberRow(mentee);
    expect(after).toMatchObject({ last_contact_at: daysAgo(2), lost_contact_since: null, lost_contact_confirmed_at: null });
    const stored = await env.db.selectFrom('talk').select(['talker_member_id', 'created_by']).where('id', '=', t.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ talker_member_id: mentorMember, created_by: mentor.actor.accountId });
    const entry = (await audits('talk.create')).find((a) => a.entity_id === t.id);
    expect(entry).toMatchObject({ entity: 'talk', account_id: mentor.actor.accountId, after: { memberId: mentee, followUpNeeded: false } });
  });

  it('names the account when it has no member record (the tenant admin)', async () => {
    const t = await recordTalk(env.db, admin, talk({ memberId: outsider, talkedOn: daysAgo(1) }));
    expect(t.talkerName).toBe(admin.actor.displayName);
  });

  it('does not move the last contact back for a talk dated before it', async () => {
    await recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: daysAgo(1) }));
    await recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: daysAgo(20) }));
    expect((await memberRow(mentee)).last_contact_at).toBe(daysAgo(1));
  });

  it('refuses a day in the future, a day before the member joined and a follow-up due in the past, naming the field', async () => {
    await expectError(recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: daysAhead(1) })), 'validation_failed', 'talkedOn');
    const joined = (await memberRow(mentee)).join_date as string;
    const before = shanghaiDate(new Date(Date.parse(`${joined}T12:00:00Z`) - DAY));
    const e = await expectError(recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: before })), 'validation_failed', 'talkedOn');
    expect(e.message).toContain(joined);
    await expectError(recordTalk(env.db, mentor, talk({ memberId: mentee, followUpNeeded: true, followUpDue: daysAgo(1) })), 'validation_failed', 'followUpDue');
  });

  it('lets only the mentor and the secretaries above the member record a talk', async () => {
    await expectError(recordTalk(env.db, mentor, talk({ memberId: outsider })), 'forbidden');
    await expectError(recordTalk(env.db, branchSecretary, talk({ memberId: outsider })), 'forbidden');
    await expectError(recordTalk(env.db, leader, talk({ memberId: mentee })), 'forbidden');
    await expectError(recordTalk(env.db, member, talk({ memberId: mentee })), 'forbidden');
    await expect(recordTalk(env.db, branchSecretary, talk({ memberId: mentee }))).resolves.toMatchObject({ memberId: mentee });
  });

  it('opens a follow-up task for the mentor, and a second talk joins it instead of opening another', async () => {
    const first = await recordTalk(env.db, mentor, talk({ memberId: mentee, concerns: '孩子明年要在上海上小学，积分入学要的居住证、社保缴纳证明和房屋租赁合同还没备齐，不知道怎么准备；还想问社保从上海转回老家的手续怎么办、要跑几趟，希望村里帮忙问问镇上的政策，最好能有人带他跑一趟。', followUpNeeded: true }));
    expect(first.followUpTaskId).not.toBeNull();
    const task = await env.db.selectFrom('care_task').selectAll().where('id', '=', first.followUpTaskId as string).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ member_id: mentee, kind: 'follow_up', assignee_member_id: mentorMember, source_talk_id: first.id, status: 'open', due_on: daysAhead(7) });
    expect(task.reason).toBe((first.concerns as string).slice(0, 80));
    expect(task.reason.length).toBe(80);

    const second = await recordTalk(env.db, secretary, talk({ memberId: mentee, followUpNeeded: true, followUpNote: '帮他问社保转移', followUpDue: daysAhead(3) }));
    expect(second.followUpTaskId).toBe(first.followUpTaskId);
    const open = await env.db.selectFrom('care_task').select('id').where('member_id', '=', mentee).where('kind', '=', 'follow_up').where('status', 'in', ['open', 'snoozed']).execute();
    expect(open).toHaveLength(1);
    const merged = await env.db.selectFrom('care_task_event').select(['kind', 'note']).where('task_id', '=', task.id).where('kind', '=', 'merged').execute();
    expect(merged).toEqual([{ kind: 'merged', note: '帮他问社保转移' }]);
    // The talk is visible through the list with its task.
    const listed = await listTalks(env.db, secretary, { memberId: mentee, page: 1, pageSize: 50 });
    expect(listed.items.find((i) => i.id === second.id)?.followUpTaskId).toBe(task.id);
    await env.db.updateTable('care_task').set({ status: 'done' }).where('id', '=', task.id).execute();
  });

  it('records a talk sent twice with the same id once (a lost answer on a weak signal), and refuses the id for another member', async () => {
    const id = crypto.randomUUID();
    const before = await env.db.selectFrom('talk').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', mentee).executeTakeFirstOrThrow();
    const input = talk({ id, memberId: mentee, summary: '视频通话，聊了聊厂里的情况。', channel: 'video' });
    const [a, b] = await Promise.all([recordTalk(env.db, mentor, input), recordTalk(env.db, mentor, input)]);
    const c = await recordTalk(env.db, mentor, input);
    expect([a.id, b.id, c.id]).toEqual([id, id, id]);
    const after = await env.db.selectFrom('talk').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', mentee).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    await expectError(recordTalk(env.db, secretary, talk({ id, memberId: outsider })), 'conflict');
  });

  it('takes the summary for the task when no note and no concerns are given', async () => {
    const summary = '张三说最近在深圳的工地活少了，打算年后换个地方。'.repeat(4);
    const t = await recordTalk(env.db, secretary, talk({ memberId: outsider, summary, followUpNeeded: true }));
    const task = await env.db.selectFrom('care_task').select(['reason', 'assignee_member_id']).where('id', '=', t.followUpTaskId as string).executeTakeFirstOrThrow();
    expect(task.reason).toBe(summary.slice(0, 80));
    expect(task.assignee_member_id).toBeNull(); // no mentor: the secretaries above the member
  });
});

describe('reading talks', () => {
  it('lists a member’s talks newest first within from/to, and audits every listing', async () => {
    const before = (await audits('talk.list')).length;
    const all = await listTalks(env.db, mentor, { memberId: mentee, page: 1, pageSize: 50 });
    expect(all.total).toBe(all.items.length);
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    const days = all.items.map((i) => i.talkedOn);
    expect([...days].sort().reverse()).toEqual(days);
    const window = await listTalks(env.db, mentor, { memberId: mentee, from: daysAgo(3), to: daysAgo(1), page: 1, pageSize: 50 });
    expect(window.items.map((i) => i.talkedOn).sort()).toEqual([daysAgo(2), daysAgo(1)]);
    const entries = (await audits('talk.list')).slice(before);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ entity: 'member', entity_id: mentee, after: { count: all.items.length } });
    expect(entries[1]).toMatchObject({ after: { count: 2 } });
  });

  it('lists a unit’s talks for its secretaries only, and a mentor without a member gets only their mentees’ talks', async () => {
    const branch2 = await orgId('第二党支部');
    const unit = await listTalks(env.db, secretary, { orgId: branch2, page: 1, pageSize: 50 });
    expect(unit.items.map((i) => i.memberId)).toEqual(unit.items.map(() => outsider));
    expect(unit.total).toBe(2);
    await expectError(listTalks(env.db, branchSecretary, { orgId: branch2, page: 1, pageSize: 50 }), 'forbidden');
    await expectError(listTalks(env.db, mentor, { memberId: outsider, page: 1, pageSize: 50 }), 'forbidden');
    await expectError(listTalks(env.db, member, { memberId: mentee, page: 1, pageSize: 50 }), 'forbidden');
    await expectError(listTalks(env.db, leader, { page: 1, pageSize: 50 }), 'forbidden');

    const mine = await listTalks(env.db, mentor, { page: 1, pageSize: 50 });
    expect(new Set(mine.items.map((i) => i.memberId))).toEqual(new Set([mentee]));
    const branch1 = await listTalks(env.db, branchSecretary, { page: 1, pageSize: 50 });
    expect(new Set(branch1.items.map((i) => i.memberId))).toEqual(new Set([mentee]));
    const everything = await listTalks(env.db, secretary, { page: 1, pageSize: 2 });
    expect(everything.items).toHaveLength(2);
    expect(everything.total).toBe(mine.total + unit.total);
    const paged = await listTalks(env.db, secretary, { page: 2, pageSize: 2 });
    expect(paged.items[0]?.id).not.toBe(everything.items[0]?.id);
    await expectError(listTalks(env.db, secretary, { from: daysAgo(1), to: daysAgo(5), page: 1, pageSize: 20 }), 'validation_failed', 'from');
  });

  it('shows one talk to who may read it, with an audit entry', async () => {
    const { items } = await listTalks(env.db, mentor, { memberId: mentee, page: 1, pageSize: 1 });
    const id = items[0]?.id as string;
    await expect(viewTalk(env.db, branchSecretary, id)).resolves.toMatchObject({ id, memberId: mentee });
    await expectError(viewTalk(env.db, leader, id), 'forbidden');
    await expectError(viewTalk(env.db, member, id), 'forbidden');
    const views = (await audits('talk.view')).filter((a) => a.entity_id === id);
    expect(views).toHaveLength(1);
    await expectError(viewTalk(env.db, secretary, '00000000-0000-4000-8000-000000000000'), 'not_found');
  });
});

describe('correcting a talk', () => {
  it('lets the author correct within 7 days, audited with the changed fields', async () => {
    const t = await recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: daysAgo(3), summary: '初稿' }));
    const fixed = await updateTalk(env.db, mentor, t.id, TalkPatch.parse({ summary: '修改后的谈话内容', family: '爱人在家照顾老人', work: '' }));
    expect(fixed).toMatchObject({ summary: '修改后的谈话内容', family: '爱人在家照顾老人', work: null, talkedOn: daysAgo(3) });
    const entry = (await audits('talk.update')).find((a) => a.entity_id === t.id);
    expect(entry).toMatchObject({ before: { summary: '初稿', family: null }, after: { summary: '修改后的谈话内容', family: '爱人在家照顾老人' } });
    expect(Object.keys(entry?.after as object).sort()).toEqual(['family', 'summary']);
    await expectError(updateTalk(env.db, mentor, t.id, TalkPatch.parse({ talkedOn: daysAhead(2) })), 'validation_failed', 'talkedOn');

    // A week later only a secretary above the member may.
    await env.db.updateTable('talk').set({ created_at: new Date(clock.now().getTime() - 8 * DAY) }).where('id', '=', t.id).execute();
    const late = await expectError(updateTalk(env.db, mentor, t.id, TalkPatch.parse({ summary: '再改' })), 'forbidden');
    expect(late.message).toContain('7 天');
    await expectError(updateTalk(env.db, leader, t.id, TalkPatch.parse({ summary: '再改' })), 'forbidden');
    await expect(updateTalk(env.db, branchSecretary, t.id, TalkPatch.parse({ summary: '书记改' }))).resolves.toMatchObject({ summary: '书记改' });
  });

  it('does not let someone else’s talk be corrected by another mentor-level writer', async () => {
    const t = await recordTalk(env.db, branchSecretary, talk({ memberId: mentee, talkedOn: daysAgo(1) }));
    // The mentor may write the member's care records but is not the author and not a secretary.
    await expectError(updateTalk(env.db, mentor, t.id, TalkPatch.parse({ summary: '改别人的' })), 'forbidden');
  });

  it('opens the follow-up task when follow-up is set later', async () => {
    const t = await recordTalk(env.db, mentor, talk({ memberId: mentee, talkedOn: daysAgo(1), concerns: '想问问老家宅基地的事' }));
    const updated = await updateTalk(env.db, mentor, t.id, TalkPatch.parse({ followUpNeeded: true, followUpDue: daysAhead(5) }));
    expect(updated.followUpNeeded).toBe(true);
    const task = await env.db.selectFrom('care_task').selectAll().where('id', '=', updated.followUpTaskId as string).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ kind: 'follow_up', reason: '想问问老家宅基地的事', due_on: daysAhead(5), source_talk_id: t.id });
    // Setting it again does not raise a second event.
    await updateTalk(env.db, mentor, t.id, TalkPatch.parse({ followUpNeeded: true }));
    const events = await env.db.selectFrom('care_task_event').select('kind').where('task_id', '=', task.id).execute();
    expect(events.map((e) => e.kind)).toEqual(['created']);
    await env.db.updateTable('care_task').set({ status: 'done' }).where('id', '=', task.id).execute();
  });
});

describe('the mentoring overview', () => {
  type Row = Awaited<ReturnType<typeof listMentoring>>['items'][number];
  let mobiles: { id: string; name: string }[];

  beforeAll(async () => {
    // A clean slate: no talks, then a known talk history for the mobile members.
    await env.db.updateTable('care_task').set({ source_talk_id: null }).execute();
    await env.db.updateTable('talk').set({ follow_up_task_id: null }).execute();
    await env.db.deleteFrom('talk').execute();
    mobiles = await env.db
      .selectFrom('member as m')
      .innerJoin('mobility as mb', (j) => j.onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
      .select(['m.id', 'm.name'])
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.id', '!=', mentee)
      .orderBy('m.name')
      .execute();
    const [a, b, c, d, e] = mobiles.slice(0, 5).map((x) => ({ id: x.id })) as [{ id: string }, { id: string }, { id: string }, { id: string }, { id: string }];
    await insertTalk(a.id, daysAgo(80));
    await insertTalk(a.id, daysAgo(50)); // overdue 20 days
    await insertTalk(b.id, daysAgo(35)); // overdue 5 days
    await insertTalk(c.id, daysAgo(25)); // due in 5 days
    await insertTalk(d.id, daysAgo(5)); // ok
    await insertTalk(mentee, daysAgo(40)); // overdue 10 days
    // e loses its mentor: listed first.
    await assignMentor({ db: env.db, cipher: env.cipher }, secretary, e.id, null);
  });

  it('lists mobile members without a mentor first, then the most overdue, with the state against the cadence', async () => {
    const list = await listMentoring(env.db, secretary, { scope: 'mobile', page: 1, pageSize: 50 });
    const [a, b, c, d, e] = mobiles.slice(0, 5).map((x) => ({ id: x.id })) as [{ id: string }, { id: string }, { id: string }, { id: string }, { id: string }];
    const ids = list.items.map((i) => i.memberId);
    expect(list.total).toBe(13);
    expect(ids[0]).toBe(e.id);
    expect(ids.slice(1, 4)).toEqual([a.id, mentee, b.id]);
    expect(ids.slice(-2)).toEqual([c.id, d.id]);
    const row = (id: string) => list.items.find((i) => i.memberId === id) as Row;
    expect(row(a.id)).toMatchObject({ lastTalkOn: daysAgo(50), nextTalkDue: daysAgo(20), talkDue: 'overdue', overdueDays: 20, mobile: true });
    expect(row(mentee)).toMatchObject({ talkDue: 'overdue', overdueDays: 10, mentor: { memberId: mentorMember, phone: PHONES.mentor } });
    expect(row(c.id)).toMatchObject({ talkDue: 'due_soon', nextTalkDue: daysAhead(5), overdueDays: 0 });
    expect(row(d.id)).toMatchObject({ talkDue: 'ok', overdueDays: 0 });
    expect(row(e.id)).toMatchObject({ mentor: null, mentorSince: null, talkDue: 'never', lastTalkOn: null });
    expect(row(mentee).mentorSince).not.toBeNull();
    // The rest never talked: between the overdue and the due-soon, by name.
    const never = list.items.filter((i) => i.talkDue === 'never' && i.mentor !== null);
    expect(never).toHaveLength(7);
    const byName = await env.db
      .selectFrom('member')
      .select('id')
      .where('id', 'in', never.map((i) => i.memberId))
      .orderBy('name_sort_key')
      .orderBy('name')
      .orderBy('id')
      .execute();
    expect(never.map((i) => i.memberId)).toEqual(byName.map((r) => r.id));
    expect(list.summary).toEqual({ members: 13, withoutMentor: 1, overdue: 3, never: 8 });
    const mentorOfMentee = list.mentors.find((m) => m.memberId === mentorMember);
    expect(mentorOfMentee).toMatchObject({ mentees: 1, overdue: 1 });
    expect(list.mentors.reduce((n, m) => n + m.mentees, 0)).toBe(12);
    expect(list.mentors.reduce((n, m) => n + m.overdue, 0)).toBe(10);
  });

  it('filters by tab and by name while the summary keeps counting the scope', async () => {
    const overdue = await listMentoring(env.db, secretary, { scope: 'mobile', filter: 'overdue', page: 1, pageSize: 50 });
    expect(overdue.total).toBe(11);
    expect(overdue.items.every((i) => i.talkDue === 'overdue' || i.talkDue === 'never')).toBe(true);
    expect(overdue.summary.members).toBe(13);
    const without = await listMentoring(env.db, secretary, { scope: 'mobile', filter: 'without_mentor', page: 1, pageSize: 50 });
    expect(without.items.map((i) => i.memberId)).toEqual([mobiles[4]?.id]);
    const byName = await listMentoring(env.db, secretary, { scope: 'mobile', q: mobiles[0]?.name, page: 1, pageSize: 50 });
    expect(byName.items.map((i) => i.memberId)).toContain(mobiles[0]?.id);
    expect(byName.summary.members).toBe(byName.items.length);
    const page2 = await listMentoring(env.db, secretary, { scope: 'mobile', page: 2, pageSize: 5 });
    expect(page2.items).toHaveLength(5);
    expect(page2.total).toBe(13);
  });

  it('shows members at home without a cadence as no_cadence, and with one as due', async () => {
    const group1 = await orgId('第一党小组');
    const all = await listMentoring(env.db, secretary, { orgId: group1, scope: 'all', page: 1, pageSize: 50 });
    const home = all.items.filter((i) => !i.mobile);
    expect(home.length).toBeGreaterThan(0);
    expect(home.every((i) => i.talkDue === 'no_cadence' && i.nextTalkDue === null)).toBe(true);
    await updateSettings(env.db, admin, { talkCadenceHomeDays: 90 });
    try {
      const due = await listMentoring(env.db, secretary, { orgId: group1, scope: 'all', page: 1, pageSize: 50 });
      expect(due.items.filter((i) => !i.mobile).every((i) => i.talkDue === 'never' && i.nextTalkDue !== null)).toBe(true);
    } finally {
      await updateSettings(env.db, admin, { talkCadenceHomeDays: 0 });
    }
  });

  it('is for secretaries: a unit’s secretaries, or the caller’s own subtrees', async () => {
    const branch2 = await orgId('第二党支部');
    await expectError(listMentoring(env.db, branchSecretary, { orgId: branch2, scope: 'mobile', page: 1, pageSize: 20 }), 'forbidden');
    await expectError(listMentoring(env.db, mentor, { scope: 'mobile', page: 1, pageSize: 20 }), 'forbidden');
    const own = await listMentoring(env.db, branchSecretary, { scope: 'mobile', page: 1, pageSize: 20 });
    expect(own.items.map((i) => i.memberId)).toEqual([mentee]);
    const wide = await listMentoring(env.db, admin, { orgId: village, scope: 'mobile', page: 1, pageSize: 20 });
    expect(wide.summary.members).toBe(13);
    // The follow-up task opened for a member at home earlier is still open.
    const group4 = await listMentoring(env.db, secretary, { orgId: await orgId('第四党小组'), scope: 'all', page: 1, pageSize: 50 });
    expect(group4.items.find((i) => i.memberId === outsider)?.openTasks).toBe(1);
    expect(group4.items.filter((i) => i.openTasks > 0)).toHaveLength(1);
  });
});

describe('mentorship history', () => {
  it('lists a member’s mentors, the current first', async () => {
    const other = (await env.db.selectFrom('member').select('id').where('phone', '=', PHONES.groupLeader).executeTakeFirstOrThrow()).id;
    await assignMentor({ db: env.db, cipher: env.cipher }, secretary, mentee, other);
    const history = await listMentorships(env.db, secretary, mentee);
    expect(history.items.map((i) => i.mentorMemberId)).toEqual([other, mentorMember]);
    expect(history.items[0]?.endedOn).toBeNull();
    expect(history.items[1]?.endedOn).not.toBeNull();
    expect(history.items[1]?.mentorName).toBe((await memberRow(mentorMember)).name);
    await expectError(listMentorships(env.db, branchSecretary, outsider), 'forbidden');
    await assignMentor({ db: env.db, cipher: env.cipher }, secretary, mentee, mentorMember);
  });
});

describe('the member app', () => {
  it('gives a mentor their mentees with the talk state, overdue first, and nobody else an entry', async () => {
    const fresh = await contextFor(env, PHONES.mentor);
    const mine = await listMyMentees(env.db, fresh);
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ memberId: mentee, lastTalkOn: daysAgo(40), talkDue: 'overdue', overdueDays: 10, openTasks: 0 });
    expect(mine.items[0]?.placeName).not.toBeNull();
    expect(await countMyOverdueTalks(env.db, fresh, today())).toBe(1);
    // Tomorrow the talk is 41 days old; 30 days from now a talk of today would be due, not overdue.
    await insertTalk(mentee, today());
    expect(await countMyOverdueTalks(env.db, fresh, today())).toBe(0);
    expect(await countMyOverdueTalks(env.db, fresh, daysAhead(31))).toBe(1);
    expect((await listMyMentees(env.db, member)).items).toEqual([]);
    expect(await countMyOverdueTalks(env.db, member, today())).toBe(0);
    await expectError(listMyMentees(env.db, admin), 'forbidden');
  });

  it('counts a mentee never talked with as due', async () => {
    const e = (await listMentoring(env.db, secretary, { scope: 'mobile', filter: 'without_mentor', page: 1, pageSize: 5 })).items[0]?.memberId as string;
    await assignMentor({ db: env.db, cipher: env.cipher }, secretary, e, mentorMember);
    const fresh = await contextFor(env, PHONES.mentor);
    const mine = await listMyMentees(env.db, fresh);
    expect(mine.items.map((i) => [i.memberId, i.talkDue])).toEqual([
      [e, 'never'],
      [mentee, 'ok'],
    ]);
    expect(await countMyOverdueTalks(env.db, fresh, today())).toBe(1);
  });

  it('shows a member what is recorded about them: talks, hardship note, delivery visits', async () => {
    await env.db.updateTable('member').set({ hardship_note: '父亲长期住院，家庭负担重' }).where('id', '=', mentee).execute();
    const delivery = await env.db
      .insertInto('delivery')
      .values({ tenant_id: env.tenantId, org_id: village, trip_on: daysAgo(30), province_code: '32', city_code: '3205', place_name: '江苏省苏州市', travellers: ['村党总支书记'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.db.insertInto('delivery_member').values({ tenant_id: env.tenantId, delivery_id: delivery.id, member_id: mentee, items: ['党徽', '学习读本'], words: '感谢组织惦记' }).execute();
    const before = (await audits('talk.list')).length;
    const mine = await getMyRecords(env.db, member);
    expect(mine.hardshipNote).toBe('父亲长期住院，家庭负担重');
    expect(mine.talks.map((t) => t.talkedOn)).toEqual([today(), daysAgo(40)]);
    expect(mine.talks.every((t) => t.memberId === mentee)).toBe(true);
    expect(mine.deliveries).toEqual([
      { deliveryId: delivery.id, tripOn: daysAgo(30), placeName: '江苏省苏州市', travellers: ['村党总支书记'], items: ['党徽', '学习读本'], handedTo: null, words: '感谢组织惦记' },
    ]);
    expect((await audits('talk.list')).length).toBe(before);
    const mentorsOwn = await getMyRecords(env.db, mentor);
    expect(mentorsOwn.talks).toEqual([]);
    await expectError(getMyRecords(env.db, admin), 'forbidden');
  });
});
