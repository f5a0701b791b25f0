import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import { recordDestination } from '../members/index.ts';
import { getDashboard } from './service.ts';
import { addDays, clock, shanghaiDate } from '../../clock.ts';
import { CareTaskQuery, MentoringQuery } from '../../../shared/api-care.ts';
import { listCareTasks } from '../care/index.ts';
import { listMentoring } from '../talks/index.ts';
import { QuestionQuery } from '../../../shared/api-questions.ts';
import { listQuestions } from '../questions/index.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
});
afterAll(async () => env?.close());

describe('dashboard', () => {
  it('counts the village: totals, destinations by province and city, members by branch', async () => {
    const d = await getDashboard(env.db, await contextFor(env, PHONES.generalSecretary), undefined);
    expect(d.root.name).toBe('新桥村党总支');
    expect(d.totals).toMatchObject({ members: 113, mobile: 13, mobileWithoutMentor: 0 });
    expect(d.totals.full + d.totals.probationary).toBe(113);
    expect(d.totals.shouldTransfer).toBeGreaterThan(0);
    expect(d.totals.lostContactSuspected).toBe(1);
    expect(d.byProvince.reduce((n, p) => n + p.count, 0)).toBe(13);
    expect(d.byProvince.map((p) => p.name)).toEqual(expect.arrayContaining(['江苏省', '浙江省', '上海市']));
    expect(d.byCity.map((c) => c.name)).toEqual(expect.arrayContaining(['苏州市', '宁波市', '上海市']));
    expect(d.byUnit.map((u) => u.name).sort()).toEqual(['流动党员党支部', '第一党支部', '第三党支部（老党员支部）', '第二党支部'].sort());
    expect(d.byUnit.reduce((n, u) => n + u.count, 0)).toBe(113);
  });

  it('follows a move: a new mobile member is counted at once', async () => {
    const secretary = await contextFor(env, PHONES.generalSecretary);
    const before = await getDashboard(env.db, secretary, undefined);
    await recordDestination({ db: env.db, cipher: env.cipher }, secretary, await memberIdByPhone(env, PHONES.mentor), { provinceCode: '44', cityCode: '4403', since: '2026-01-01' });
    const after = await getDashboard(env.db, secretary, undefined);
    expect(after.totals.mobile).toBe(before.totals.mobile + 1);
    expect(after.byProvince.find((p) => p.code === '44')?.count).toBe((before.byProvince.find((p) => p.code === '44')?.count ?? 0) + 1);
  });

  it('shows a branch secretary their branch and refuses other units', async () => {
    const ctx = await contextFor(env, PHONES.branchSecretary);
    const d = await getDashboard(env.db, ctx, undefined);
    expect(d.root.name).toBe('第一党支部');
    expect(d.byUnit.map((u) => u.name).sort()).toEqual(['第一党小组', '第三党小组', '第二党小组'].sort());
    const village = await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
    await expect(getDashboard(env.db, ctx, village.id)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

const dayOffset = (days: number) => shanghaiDate(new Date(clock.now().getTime() + days * 86_400_000));

async function memberIn(orgName: string, exceptIds: string[] = []): Promise<string> {
  const org = await env.db.selectFrom('org').select('path').where('tenant_id', '=', env.tenantId).where('name', '=', orgName).executeTakeFirstOrThrow();
  const m = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', 'o.id', 'm.org_id')
    .select('m.id')
    .where('m.tenant_id', '=', env.tenantId)
    .where('o.path', 'like', `${org.path}%`)
    .where('m.left_at', 'is', null)
    .$if(exceptIds.length > 0, (q) => q.where('m.id', 'not in', exceptIds))
    .orderBy('m.id')
    .executeTakeFirstOrThrow();
  return m.id;
}

describe('dashboard: 党内关怀', () => {
  it('counts overdue talks like the mentoring overview, overdue follow-up tasks and cards to post, per subtree', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const branch = await contextFor(env, PHONES.branchSecretary);
    const mentoringDue = async (ctx: typeof village) => {
      const m = await listMentoring(env.db, ctx, MentoringQuery.parse({}));
      return m.summary.overdue + m.summary.never;
    };
    const v0 = await getDashboard(env.db, village, undefined);
    const b0 = await getDashboard(env.db, branch, undefined);
    // The template has no talks: every mobile member is 'never' talked to.
    expect(v0.care.talksOverdue).toBe(v0.totals.mobile);
    expect(v0.care.talksOverdue).toBe(await mentoringDue(village));
    expect(b0.care.talksOverdue).toBe(await mentoringDue(branch));
    expect(b0.care.talksOverdue).toBeGreaterThan(0);
    expect(b0.care.talksOverdue).toBeLessThan(v0.care.talksOverdue);
    expect(v0.care).toMatchObject({ tasksOverdue: 0, cardsToPost: 0 });

    // Talks: one today (no longer due), one long ago for another mobile member of the branch (overdue instead of never).
    const mobile = await memberIdByPhone(env, PHONES.mobileMember);
    const otherMobile = await env.db
      .selectFrom('mobility as mb')
      .innerJoin('member as m', 'm.id', 'mb.member_id')
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select('m.id')
      .where('mb.tenant_id', '=', env.tenantId)
      .where('mb.ended_on', 'is', null)
      .where('m.id', '!=', mobile)
      .where('o.path', 'like', `${(await env.db.selectFrom('org').select('path').where('name', '=', '第一党支部').executeTakeFirstOrThrow()).path}%`)
      .orderBy('m.id')
      .executeTakeFirstOrThrow();
    const talk = { tenant_id: env.tenantId, channel: 'phone' as const, talker_name: '张书记', summary: '了解近况', created_at: clock.now() };
    await env.db.insertInto('talk').values({ ...talk, member_id: mobile, talked_on: dayOffset(0) }).execute();
    await env.db.insertInto('talk').values({ ...talk, member_id: otherMobile.id, talked_on: dayOffset(-200) }).execute();

    // Tasks: overdue ones count (open past due, snoozed whose day came); due today, snoozed to a later day, done do not.
    const outside = await memberIn('第二党支部');
    const task = (member_id: string, kind: 'visit' | 'hardship' | 'other' | 'follow_up' | 'lost_contact', status: 'open' | 'snoozed' | 'done', due: number, snoozed?: number) => ({
      tenant_id: env.tenantId,
      member_id,
      kind,
      reason: '测试',
      assignee_member_id: null,
      source_talk_id: null,
      created_by: null,
      status,
      due_on: dayOffset(due),
      snoozed_until: snoozed === undefined ? null : dayOffset(snoozed),
      note: null,
      closed_at: status === 'done' ? clock.now() : null,
      closed_by: null,
      created_at: clock.now(),
    });
    await env.db
      .insertInto('care_task')
      .values([
        task(mobile, 'visit', 'open', -1),
        task(mobile, 'hardship', 'snoozed', -3, -1),
        task(mobile, 'other', 'snoozed', -3, 1),
        task(mobile, 'follow_up', 'open', 0),
        task(mobile, 'lost_contact', 'done', -10),
        task(outside, 'visit', 'open', -2),
      ])
      .execute();

    // Cards: pending ones of the subtree's campaigns count; posted and e-card-only ones do not.
    const orgId = async (name: string) => (await env.db.selectFrom('org').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const campaign = async (org: string) =>
      (
        await env.db
          .insertInto('card_campaign')
          .values({ tenant_id: env.tenantId, org_id: await orgId(org), occasion: 'custom', title: '问候', greeting: '您好', signature: '党总支', send_on: dayOffset(-1), sent_at: clock.now(), created_by: null, created_at: clock.now() })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const [top, first, second] = [await campaign('新桥村党总支'), await campaign('第一党支部'), await campaign('第二党支部')];
    const m2 = await memberIn('第一党支部', [mobile]);
    const m3 = await memberIn('第一党支部', [mobile, m2]);
    const card = (campaign_id: string, member_id: string, post_status: 'none' | 'pending' | 'posted') => ({
      tenant_id: env.tenantId,
      campaign_id,
      member_id,
      channel: post_status === 'none' ? ('ecard' as const) : ('post' as const),
      address: post_status === 'none' ? null : '江苏省苏州市某路 1 号',
      post_status,
      post_note: null,
      sent_at: clock.now(),
    });
    await env.db
      .insertInto('card')
      .values([card(top, mobile, 'pending'), card(top, m2, 'posted'), card(top, m3, 'none'), card(first, mobile, 'pending'), card(first, m2, 'pending'), card(second, outside, 'pending')])
      .execute();

    const v1 = await getDashboard(env.db, village, undefined);
    const b1 = await getDashboard(env.db, branch, undefined);
    expect(v1.care.talksOverdue).toBe(v0.care.talksOverdue - 1);
    expect(b1.care.talksOverdue).toBe(b0.care.talksOverdue - 1);
    expect(v1.care.talksOverdue).toBe(await mentoringDue(village));
    expect(b1.care.talksOverdue).toBe(await mentoringDue(branch));
    expect((await listMentoring(env.db, branch, MentoringQuery.parse({}))).summary.overdue).toBe(1);
    expect(v1.care.tasksOverdue).toBe(3);
    expect(b1.care.tasksOverdue).toBe(2);
    expect((await listCareTasks(env.db, village, CareTaskQuery.parse({ overdue: 'true' }))).total).toBe(3);
    expect(v1.care.cardsToPost).toBe(4);
    expect(b1.care.cardsToPost).toBe(2);
    // A unit asked for narrows it down: 第二党支部 has one overdue task and one card to post.
    const b2 = await getDashboard(env.db, village, await orgId('第二党支部'));
    expect(b2.care).toMatchObject({ tasksOverdue: 1, cardsToPost: 1 });
  });

  it('lists the overdue questions of the subtree, the same as the question list\'s overdue filter', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const branch = await contextFor(env, PHONES.branchSecretary);
    const asker = await memberIdByPhone(env, PHONES.mobileMember);
    const m = await env.db.selectFrom('member').select('org_id').where('tenant_id', '=', env.tenantId).where('id', '=', asker).executeTakeFirstOrThrow();
    const branchId = (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow()).id;
    const today = shanghaiDate();
    const q = (body: string, dueOn: string, status: 'open' | 'answered' = 'open') => ({ tenant_id: env.tenantId, member_id: asker, org_id: m.org_id, branch_org_id: branchId, body, due_on: dueOn, status });
    await env.db.insertInto('question').values([q('逾期的问题', addDays(today, -2)), q('今天到期', today), q('已回复', addDays(today, -5), 'answered')]).execute();
    const d = await getDashboard(env.db, village, undefined);
    expect(d.questions.count).toBe(1);
    expect(d.questions.oldest.map((o) => o.title)).toEqual(['逾期的问题']);
    expect((await getDashboard(env.db, branch, undefined)).questions.count).toBe(1);
    expect((await listQuestions(env.db, village, QuestionQuery.parse({ status: 'overdue' }))).total).toBe(d.questions.count);
    expect((await getDashboard(env.db, village, (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第二党支部').executeTakeFirstOrThrow()).id)).questions.count).toBe(0);
  });
});
