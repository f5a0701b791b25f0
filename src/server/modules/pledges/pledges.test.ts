import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { addDays } from '../../../shared/china-time.ts';
import { AppError } from '../../errors.ts';
import { JobMatchInput, JobMatchPatch, JobOfferInput, JobSeekerInput, MyPledgesInput, PledgeFollowUpInput, PledgeOutcomeInput, PledgePeriodInput, PledgeQuery, PledgeUnitQuery } from '../../../shared/api-pledges.ts';
import { assignFollowUp, listPledges, myPledges, notPledged, pledgeSummary, recordOutcome, savePledges } from './pledges.ts';
import { getPeriod, setPeriod } from './periods.ts';
import { seedPledgesDemo } from '../../demo/pledges.ts';
import { addJobSeeker, closeMyJobOffer, listJobMatches, listJobOffers, matchJob, myJobOffers, offerJob, updateJobMatch } from './jobs.ts';

/**
 * 我为群众办实事 on a copy of the demo village: the mobile member 13800000003 sits in 第一党小组 of
 * 第一党支部 (secretary 13800000001) under 新桥村党总支 (secretary 13800000000); the mentor
 * 13800000002 is a member of 第一党支部 too.
 */
let env: TestEnv;
let village: RequestContext;
let branch: RequestContext;
let member: RequestContext;
let mentor: RequestContext;
let memberId: string;
let mentorId: string;
let branch1: string;
let branch2: string;
let villageId: string;
const year = () => Number(shanghaiDate().slice(0, 4));

async function expectError(p: Promise<unknown>, code: string, message?: RegExp, field?: string): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe(code);
  if (message) expect(e.message).toMatch(message);
  if (field) expect(e.issues?.map((i) => i.field)).toContain(field);
  return e;
}

const orgId = async (name: string) => (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const save = (ctx: RequestContext, items: { kind: string; body: string }[]) => savePledges(env.db, ctx, MyPledgesInput.parse({ items }));
const FOUR = [
  { kind: 'suggestion', body: '建议村里修一条通往果园的机耕路' },
  { kind: 'wealth_tip', body: '苏州的电商公司收购本地葡萄，可以直播带货' },
  { kind: 'good_deed', body: '春节回村时给独居老人换灯泡、修水管' },
  { kind: 'job_help', body: '帮村里一户介绍到我所在的工厂做普工' },
];
const auditCount = async (action: string, entityId?: string) => {
  let q = env.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', env.tenantId).where('action', '=', action);
  if (entityId) q = q.where('entity_id', '=', entityId);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

beforeAll(async () => {
  env = await openTestApp();
  village = await contextFor(env, PHONES.generalSecretary);
  branch = await contextFor(env, PHONES.branchSecretary);
  member = await contextFor(env, PHONES.mobileMember);
  mentor = await contextFor(env, PHONES.mentor);
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
  mentorId = await memberIdByPhone(env, PHONES.mentor);
  branch1 = await orgId('第一党支部');
  branch2 = await orgId('第二党支部');
  villageId = await orgId('新桥村党总支');
});
afterAll(async () => env?.close());

describe('the period', () => {
  it('is the whole calendar year when no unit set one, and the nearest unit up the path wins', async () => {
    const none = await getPeriod(env.db, branch, { orgId: branch1 });
    expect(none).toMatchObject({ year: year(), opensOn: `${year()}-01-01`, closesOn: `${year()}-12-31`, setBy: null, open: true });
    await setPeriod(env.db, village, PledgePeriodInput.parse({ orgId: villageId, year: year(), opensOn: `${year()}-01-01`, closesOn: `${year()}-12-31` }));
    expect((await getPeriod(env.db, branch, { orgId: branch1 })).setBy).toEqual({ orgId: villageId, orgName: '新桥村党总支' });
    await setPeriod(env.db, branch, PledgePeriodInput.parse({ orgId: branch1, year: year(), opensOn: `${year()}-01-01`, closesOn: `${year()}-12-31` }));
    expect((await getPeriod(env.db, village, { orgId: branch1 })).setBy?.orgId).toBe(branch1);
    expect((await myPledges(env.db, member)).period.setBy?.orgId).toBe(branch1);
    expect(await auditCount('pledge_period.set')).toBe(2);
  });

  it('is set only by the secretaries above the unit, inside the year, closing after it opens', async () => {
    await expectError(setPeriod(env.db, branch, PledgePeriodInput.parse({ orgId: branch2, year: year(), opensOn: `${year()}-01-01`, closesOn: `${year()}-12-31` })), 'forbidden');
    await expectError(getPeriod(env.db, member, { orgId: branch1 }), 'forbidden');
    expect(PledgePeriodInput.safeParse({ orgId: branch1, year: year(), opensOn: `${year()}-06-01`, closesOn: `${year()}-05-01` }).error?.issues[0]?.path).toEqual(['closesOn']);
    expect(PledgePeriodInput.safeParse({ orgId: branch1, year: year(), opensOn: `${year() + 1}-01-01`, closesOn: `${year() + 1}-01-02` }).error?.issues[0]?.path).toEqual(['opensOn']);
  });

  it('refuses pledges outside it, nothing written', async () => {
    // one day of this year that is not today: before it (closed) or, on 1 January, after it (not yet open)
    const today = shanghaiDate();
    const day = today === `${year()}-01-01` ? `${year()}-12-31` : `${year()}-01-01`;
    await env.db.updateTable('pledge_period').set({ opens_on: day, closes_on: day }).where('tenant_id', '=', env.tenantId).where('org_id', '=', branch1).execute();
    expect((await myPledges(env.db, member)).period.open).toBe(false);
    await expectError(save(member, FOUR), 'conflict', /截止|开始填写/);
    expect((await myPledges(env.db, member)).pledges).toEqual([]);
    await env.db.updateTable('pledge_period').set({ opens_on: `${year()}-01-01`, closes_on: `${year()}-12-31` }).where('tenant_id', '=', env.tenantId).where('org_id', '=', branch1).execute();
  });
});

describe('making the four pledges', () => {
  it('makes them for this year on the member’s unit, each audited; the same text again writes nothing', async () => {
    const mine = await save(member, FOUR);
    expect(mine.year).toBe(year());
    expect(mine.pledges.map((p) => p.kind)).toEqual(['suggestion', 'wealth_tip', 'good_deed', 'job_help']);
    expect(mine.pledges.every((p) => p.editable && p.outcome === 'pending' && p.followUp === null)).toBe(true);
    const rows = await env.db.selectFrom('pledge').select(['org_id', 'year']).where('tenant_id', '=', env.tenantId).where('member_id', '=', memberId).execute();
    const unit = await env.db.selectFrom('member').select('org_id').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.org_id === unit.org_id && r.year === year())).toBe(true);
    expect(await auditCount('pledge.make')).toBe(4);
    await save(member, FOUR);
    expect(await auditCount('pledge.make')).toBe(4);
    expect(await auditCount('pledge.edit')).toBe(0);
  });

  it('edits one while follow-up has not started', async () => {
    const mine = await save(member, [{ kind: 'good_deed', body: '清明回村时帮五保户打扫院子' }]);
    expect(mine.pledges.find((p) => p.kind === 'good_deed')?.body).toBe('清明回村时帮五保户打扫院子');
    expect(mine.pledges).toHaveLength(4);
    expect(await auditCount('pledge.edit')).toBe(1);
  });

  it('refuses bad input: empty, too long, a kind twice, more than four', () => {
    expect(MyPledgesInput.safeParse({ items: [{ kind: 'suggestion', body: '  ' }] }).error?.issues[0]?.message).toBe('请填写承诺内容');
    expect(MyPledgesInput.safeParse({ items: [{ kind: 'suggestion', body: '字'.repeat(501) }] }).error?.issues[0]?.message).toBe('每条承诺不能超过 500 字');
    expect(MyPledgesInput.safeParse({ items: [{ kind: 'suggestion', body: '字'.repeat(500) }] }).success).toBe(true);
    expect(MyPledgesInput.safeParse({ items: [FOUR[0], FOUR[0]] }).error?.issues[0]?.message).toBe('每类承诺只能填写一条');
    expect(MyPledgesInput.safeParse({ items: [...FOUR, FOUR[0]] }).success).toBe(false);
    expect(MyPledgesInput.safeParse({ items: [{ kind: 'other', body: '随便' }] }).success).toBe(false);
  });

  it('refuses an account without a member record', async () => {
    const admin = await contextFor(env, PHONES.tenantAdmin);
    await expectError(save(admin, FOUR), 'forbidden');
  });
});

describe('follow-up and outcome', () => {
  let suggestionId: string;
  let tipId: string;

  it('lists the unit’s pledges for the secretaries above it, waiting for follow-up first of all', async () => {
    const list = await listPledges(env.db, branch, PledgeQuery.parse({ orgId: branch1, state: 'waiting', pageSize: 200 }));
    const mine = list.items.filter((p) => p.member.id === memberId);
    expect(mine).toHaveLength(4);
    expect(mine.every((p) => p.member.mobile)).toBe(true);
    suggestionId = mine.find((p) => p.kind === 'suggestion')?.id as string;
    tipId = mine.find((p) => p.kind === 'wealth_tip')?.id as string;
    await expectError(listPledges(env.db, branch, PledgeQuery.parse({ orgId: branch2 })), 'forbidden');
    await expectError(listPledges(env.db, member, PledgeQuery.parse({ orgId: branch1 })), 'forbidden');
    // another unit's list does not carry them
    expect((await listPledges(env.db, village, PledgeQuery.parse({ orgId: branch2, pageSize: 200 }))).items.some((p) => p.member.id === memberId)).toBe(false);
  });

  it('assigns follow-up to a party member of the secretary’s subtree only; the member can no longer edit it', async () => {
    const outsider = (
      await env.db
        .selectFrom('member')
        .select('id')
        .where('tenant_id', '=', env.tenantId)
        .where('org_id', 'in', (await env.db.selectFrom('org').select('id').where('path', 'like', `%${branch2}%`).execute()).map((o) => o.id))
        .executeTakeFirstOrThrow()
    ).id;
    await expectError(assignFollowUp(env.db, branch, suggestionId, PledgeFollowUpInput.parse({ memberId: outsider, dueOn: addDays(shanghaiDate(), 7) })), 'validation_failed', undefined, 'memberId');
    await expectError(assignFollowUp(env.db, mentor, suggestionId, PledgeFollowUpInput.parse({ memberId: mentorId })), 'forbidden');
    const due = addDays(shanghaiDate(), 7);
    const p = await assignFollowUp(env.db, branch, suggestionId, PledgeFollowUpInput.parse({ memberId: mentorId, dueOn: due }));
    expect(p.followUp).toMatchObject({ memberId: mentorId, dueOn: due });
    expect(p.overdue).toBe(false);
    expect(await auditCount('pledge.follow_up', suggestionId)).toBe(1);

    const mine = await myPledges(env.db, member);
    const s = mine.pledges.find((x) => x.kind === 'suggestion');
    expect(s?.editable).toBe(false);
    expect(s?.followUp?.dueOn).toBe(due);
    // an edit of it is refused with a clear message, and nothing of the request is written
    await expectError(save(member, [{ kind: 'good_deed', body: '改过的好事' }, { kind: 'suggestion', body: '换一个建议' }]), 'conflict', /已开始跟进/);
    const after = await myPledges(env.db, member);
    expect(after.pledges.find((x) => x.kind === 'good_deed')?.body).toBe('清明回村时帮五保户打扫院子');
    expect(after.pledges.find((x) => x.kind === 'suggestion')?.body).toBe(FOUR[0]?.body);
    // sending the same text again (a resend from the phone) is fine
    await save(member, [{ kind: 'suggestion', body: FOUR[0]?.body as string }]);
  });

  it('records the outcome; not feasible needs a note; the member sees it', async () => {
    expect(PledgeOutcomeInput.safeParse({ outcome: 'not_feasible' }).error?.issues[0]?.path).toEqual(['note']);
    expect(PledgeOutcomeInput.safeParse({ outcome: 'pending' }).success).toBe(false);
    await recordOutcome(env.db, branch, suggestionId, PledgeOutcomeInput.parse({ outcome: 'in_progress' }));
    const done = await recordOutcome(env.db, village, suggestionId, PledgeOutcomeInput.parse({ outcome: 'done', note: '机耕路已列入村里今年的项目并完工' }));
    expect(done).toMatchObject({ outcome: 'done', outcomeNote: '机耕路已列入村里今年的项目并完工' });
    await recordOutcome(env.db, branch, tipId, PledgeOutcomeInput.parse({ outcome: 'adopted', note: '合作社已联系' }));
    await expectError(recordOutcome(env.db, member, tipId, PledgeOutcomeInput.parse({ outcome: 'done' })), 'forbidden');
    expect(await auditCount('pledge.outcome', suggestionId)).toBe(2);
    const mine = await myPledges(env.db, member);
    expect(mine.pledges.find((p) => p.kind === 'suggestion')).toMatchObject({ outcome: 'done', outcomeNote: '机耕路已列入村里今年的项目并完工', editable: false });
    expect(mine.pledges.find((p) => p.kind === 'wealth_tip')?.outcome).toBe('adopted');
    // an outcome recorded without follow-up ends the member's editing too
    await expectError(save(member, [{ kind: 'wealth_tip', body: '另一个致富信息' }]), 'conflict', /已开始跟进/);
    const real = await listPledges(env.db, branch, PledgeQuery.parse({ orgId: branch1, state: 'real', pageSize: 200 }));
    expect(real.items.map((p) => p.id).sort()).toEqual([suggestionId, tipId].sort());
  });

  it('counts per unit and year: who pledged, waiting for follow-up, became real, per kind', async () => {
    const s = await pledgeSummary(env.db, branch, PledgeUnitQuery.parse({ orgId: branch1 }));
    expect(s.pledged).toBe(1);
    expect(s.pledges).toBe(4);
    expect(s.becameReal).toBe(2);
    expect(s.waitingFollowUp).toBe(2);
    expect(s.members).toBeGreaterThan(1);
    expect(s.notPledged).toBe(s.members - 1);
    expect(s.byKind).toEqual([
      { kind: 'suggestion', made: 1, real: 1 },
      { kind: 'wealth_tip', made: 1, real: 1 },
      { kind: 'good_deed', made: 1, real: 0 },
      { kind: 'job_help', made: 1, real: 0 },
    ]);
    // last year's are another year's counts
    expect((await pledgeSummary(env.db, branch, PledgeUnitQuery.parse({ orgId: branch1, year: year() - 1 }))).pledges).toBe(0);
    const missing = await notPledged(env.db, branch, PledgeUnitQuery.parse({ orgId: branch1 }));
    expect(missing.items.some((m) => m.memberId === memberId)).toBe(false);
    expect(missing.items).toHaveLength(s.notPledged);
    // the village's 13 mobile members are flagged
    expect((await notPledged(env.db, village, PledgeUnitQuery.parse({ orgId: villageId }))).items.some((m) => m.mobile)).toBe(true);
    expect(missing.items.every((m) => m.made < 4)).toBe(true);
    await expectError(notPledged(env.db, branch, PledgeUnitQuery.parse({ orgId: branch2 })), 'forbidden');
  });
});

describe('jobs', () => {
  let offerId: string;
  let seekerId: string;

  it('a member offers a job in whole yuan per month and sees it; wages must make sense', async () => {
    const offer = await offerJob(env.db, member, JobOfferInput.parse({ employer: '苏州某电子厂', city: '苏州', wageMinYuan: 4500, wageMaxYuan: '6000', contact: '人事王女士 0512-0000000', description: '包吃住' }));
    offerId = offer.id;
    expect(offer).toMatchObject({ wageMinYuan: 4500, wageMaxYuan: 6000, closedAt: null, matches: [] });
    expect(await auditCount('job_offer.create', offerId)).toBe(1);
    const bad = (o: Record<string, unknown>) => JobOfferInput.safeParse({ employer: '厂', city: '苏州', wageMinYuan: 1000, wageMaxYuan: 2000, contact: '电话', ...o }).error?.issues[0];
    expect(bad({ wageMinYuan: 5000, wageMaxYuan: 4000 })).toMatchObject({ path: ['wageMinYuan'], message: '最低工资不能高于最高工资' });
    expect(bad({ wageMinYuan: -1 })).toMatchObject({ path: ['wageMinYuan'], message: '工资不能为负数' });
    expect(bad({ wageMaxYuan: 'abc' })?.path).toEqual(['wageMaxYuan']);
    expect(bad({ wageMaxYuan: 2000.5 })?.message).toBe('工资应为整数（元/月）');
    expect(bad({ description: '字'.repeat(1001) })?.path).toEqual(['description']);
  });

  it('the secretary records a villager looking for work and matches them; the member sees the match without the phone', async () => {
    const seeker = await addJobSeeker(env.db, branch, JobSeekerInput.parse({ orgId: branch1, name: '李大嫂', phone: '13911112222', wantedWork: '流水线普工' }));
    seekerId = seeker.id;
    await expectError(addJobSeeker(env.db, branch, JobSeekerInput.parse({ orgId: branch2, name: '外支部', phone: '13911112223', wantedWork: '保洁' })), 'forbidden');
    // the audit names the record, never the villager's phone
    const entry = await env.db.selectFrom('audit_log').select('after').where('action', '=', 'job_seeker.create').where('entity_id', '=', seekerId).executeTakeFirstOrThrow();
    expect(JSON.stringify(entry.after)).not.toContain('13911112222');
    const match = await matchJob(env.db, branch, JobMatchInput.parse({ offerId, seekerId, note: '下周一面试' }));
    expect(match).toMatchObject({ status: 'proposed', seeker: { name: '李大嫂', phone: '13911112222' } });
    await expectError(matchJob(env.db, branch, JobMatchInput.parse({ offerId, seekerId })), 'conflict');
    const hired = await updateJobMatch(env.db, branch, match.id, JobMatchPatch.parse({ status: 'hired' }));
    expect(hired).toMatchObject({ status: 'hired', note: '下周一面试' });
    const mine = (await myJobOffers(env.db, member)).offers.find((o) => o.id === offerId);
    expect(mine?.matches).toEqual([expect.objectContaining({ seekerName: '李大嫂', wantedWork: '流水线普工', status: 'hired' })]);
    expect(JSON.stringify(mine)).not.toContain('13911112222');
    // the village sees it; another branch's secretary does not
    expect((await listJobMatches(env.db, village, { orgId: villageId })).items.map((m) => m.id)).toContain(match.id);
    expect((await listJobOffers(env.db, village, { orgId: villageId })).items.find((o) => o.id === offerId)?.matches).toBe(1);
    await expectError(listJobOffers(env.db, branch, { orgId: branch2 }), 'forbidden');
    await expectError(updateJobMatch(env.db, member, match.id, JobMatchPatch.parse({ status: 'declined' })), 'forbidden');
  });

  it('the member closes their offer; a closed offer takes no more matches; another’s offer is not theirs', async () => {
    await expectError(closeMyJobOffer(env.db, mentor, offerId), 'not_found');
    const closed = await closeMyJobOffer(env.db, member, offerId);
    expect(closed.closedAt).not.toBeNull();
    const other = await addJobSeeker(env.db, branch, JobSeekerInput.parse({ orgId: branch1, name: '张大哥', phone: '13911113333', wantedWork: '司机' }));
    await expectError(matchJob(env.db, branch, JobMatchInput.parse({ offerId, seekerId: other.id })), 'conflict', /已关闭/);
    expect(await auditCount('job_offer.close', offerId)).toBe(1);
  });
});

describe('over HTTP: bad input is a 400 naming the field, in Chinese', () => {
  let session: Session;
  beforeAll(async () => {
    session = await login(env.app, PHONES.mobileMember);
  });
  const post = (url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') => env.app.inject({ method, url, headers: session.headers, payload: payload as Record<string, unknown> });

  it('wage min above max, negative, not a number', async () => {
    const base = { employer: '厂', city: '杭州', wageMinYuan: 3000, wageMaxYuan: 4000, contact: '电话' };
    const minMax = await post('/api/me/jobs', { ...base, wageMinYuan: 5000 });
    expect(minMax.statusCode).toBe(400);
    expect(minMax.json().issues[0]).toMatchObject({ field: 'wageMinYuan', message: '最低工资不能高于最高工资' });
    const negative = await post('/api/me/jobs', { ...base, wageMinYuan: -100 });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().issues[0].field).toBe('wageMinYuan');
    const word = await post('/api/me/jobs', { ...base, wageMaxYuan: '四千' });
    expect(word.statusCode).toBe(400);
    expect(word.json().issues[0].field).toBe('wageMaxYuan');
  });

  it('a pledge too long', async () => {
    const res = await post('/api/me/pledges', { items: [{ kind: 'job_help', body: '字'.repeat(501) }] }, 'PUT');
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toMatch(/body/);
    expect(res.json().issues[0].message).toContain('500');
  });
});

describe('the demo', () => {
  it('has this year’s pledges with follow-up, one done this month and one adopted, and a villager matched to an offer', async () => {
    await seedPledgesDemo(env.db, env.tenantId);
    const rows = await env.db.selectFrom('pledge').select(['year', 'outcome', 'outcome_at', 'created_at', 'follow_up_member_id']).where('tenant_id', '=', env.tenantId).where('member_id', '!=', memberId).execute();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.every((r) => r.year === year() && shanghaiDate(r.created_at).startsWith(String(year())) && r.created_at <= clock.now())).toBe(true);
    const done = rows.filter((r) => r.outcome === 'done');
    expect(done).toHaveLength(1);
    expect(shanghaiDate(done[0]?.outcome_at as Date).slice(0, 7)).toBe(shanghaiDate().slice(0, 7));
    expect(rows.filter((r) => r.outcome === 'adopted')).toHaveLength(1);
    expect(rows.filter((r) => r.follow_up_member_id === mentorId).length).toBeGreaterThanOrEqual(3);
    const s = await pledgeSummary(env.db, village, PledgeUnitQuery.parse({ orgId: villageId }));
    expect(s.becameReal).toBeGreaterThanOrEqual(2);
    expect((await listJobMatches(env.db, village, { orgId: villageId })).items.some((m) => m.seeker.name === '李大嫂（化名）')).toBe(true);
    expect((await listJobOffers(env.db, village, { orgId: villageId })).items.map((o) => o.employer)).toEqual(expect.arrayContaining(['苏州某电子科技有限公司', '杭州某物流园']));
  });
});
