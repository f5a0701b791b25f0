import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { shanghaiDate } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { addDays, chinaDayStart } from '../../../shared/china-time.ts';
import { previousQuarter, quarterDays, quarterOf, RubricBody, ScoreBody } from '../../../shared/api-reviews.ts';
import { gatherEvidence } from './evidence-repo.ts';
import { reviewWorkbook } from './export.ts';
import { markResultSeen, myReview, saveSelfSummary } from './my-review.ts';
import { commentEntry, getRound, listReviewRounds, openRound, publishRound, recordInflowOpinion, refreshEvidence, reviewNoticeSource, scoreEntry, startScoring } from './rounds.ts';
import { DEFAULT_RUBRIC, getRubric, saveRubric } from './rubric.ts';

/**
 * The quarterly review (季度一评议) on a copy of the demo village. A mobile member made here, in
 * 第一党支部, has known records in the last quarter (the whole quarter lies in the past, whatever the
 * clock says): classes attended, made up and missed, pushes delivered and read, a talk, shares and a
 * question — and records just outside the quarter that must not count.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let admin: RequestContext;
let secretary: RequestContext;
let branchSecretary: RequestContext;
let member: RequestContext;
let branch1: string;
let branch1Path: string;
let branch2: string;
let fresh: string;
const lastQuarter = () => previousQuarter(quarterOf(shanghaiDate()));

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

const orgByName = (name: string) => env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();

/** Noon (China) of a day. */
const noon = (day: string) => new Date(chinaDayStart(day).getTime() + 12 * 3_600_000);

async function session(day: string, status: 'closed' | 'planned' | 'cancelled' = 'closed'): Promise<string> {
  const at = noon(day);
  const row = await env.db
    .insertInto('study_session')
    .values({
      tenant_id: env.tenantId,
      org_id: branch1,
      kind: 'online_class',
      mode: 'online',
      audience: 'list',
      title: `季度评议测试课 ${day}`,
      starts_at: at,
      ends_at: new Date(at.getTime() + 3_600_000),
      checkin_opens_at: at,
      checkin_closes_at: new Date(at.getTime() + 3_600_000),
      qr_secret: 'test-secret',
      status,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function attend(day: string, status: 'present' | 'late' | 'made_up' | 'absent' | 'excused', sessionStatus: 'closed' | 'planned' = 'closed') {
  const id = await session(day, sessionStatus);
  await env.db.insertInto('attendance').values({ tenant_id: env.tenantId, session_id: id, member_id: fresh, status, voting: true }).execute();
}

async function push(day: string, read: boolean) {
  const p = await env.db.insertInto('push').values({ tenant_id: env.tenantId, org_id: branch1, audience: 'list', title: `推送 ${day}`, planned_at: noon(day), status: 'delivered' }).returning('id').executeTakeFirstOrThrow();
  await env.db.insertInto('push_delivery').values({ tenant_id: env.tenantId, push_id: p.id, member_id: fresh, delivered_at: noon(day), read_at: read ? noon(day) : null }).execute();
}

async function share(day: string, hidden = false) {
  await env.db
    .insertInto('share_post')
    .values({
      tenant_id: env.tenantId,
      member_id: fresh,
      org_id: branch1,
      kind: 'city',
      body: '城市见闻',
      audience: 'branch',
      audience_org_id: branch1,
      audience_path: branch1Path,
      created_at: noon(day),
      ...(hidden && { hidden_at: noon(day), hidden_reason: '测试隐藏' }),
    })
    .execute();
}

beforeAll(async () => {
  env = await openTestDatabase();
  admin = await contextFor(env, PHONES.tenantAdmin);
  secretary = await contextFor(env, PHONES.generalSecretary);
  branchSecretary = await contextFor(env, PHONES.branchSecretary);
  member = await contextFor(env, PHONES.mobileMember);
  const b1 = await orgByName('第一党支部');
  branch1 = b1.id;
  branch1Path = b1.path;
  branch2 = (await orgByName('第二党支部')).id;

  const m = await env.db
    .insertInto('member')
    .values({ tenant_id: env.tenantId, org_id: branch1, name: '评议测试', name_sort_key: 'pingyiceshi', gender: 'female', phone: '13900001111', status: 'full' })
    .returning('id')
    .executeTakeFirstOrThrow();
  fresh = m.id;
  await env.db.insertInto('mobility').values({ tenant_id: env.tenantId, member_id: fresh, province_code: '32', place_name: '江苏苏州', since: '2020-01-01' }).execute();

  const { from, to } = quarterDays(lastQuarter());
  const inside = addDays(from, 10);
  // classes: 2 attended (present, late), 1 made up, 2 missed (absent, excused); not counted: a class
  // the day before the quarter, one the day after it, and one never closed
  await attend(inside, 'present');
  await attend(addDays(inside, 1), 'late');
  await attend(addDays(inside, 2), 'made_up');
  await attend(addDays(inside, 3), 'absent');
  await attend(to, 'excused');
  await attend(addDays(from, -1), 'present');
  await attend(addDays(to, 1), 'absent');
  await attend(addDays(inside, 4), 'present', 'planned');
  // pushes: 3 delivered in the quarter, 2 read; one outside
  await push(from, true);
  await push(inside, true);
  await push(to, false);
  await push(addDays(from, -1), true);
  // talks: 1 in the quarter, 1 before it
  await env.db.insertInto('talk').values({ tenant_id: env.tenantId, member_id: fresh, talked_on: inside, channel: 'phone', talker_name: '书记', summary: '电话谈心' }).execute();
  await env.db.insertInto('talk').values({ tenant_id: env.tenantId, member_id: fresh, talked_on: addDays(from, -3), channel: 'phone', talker_name: '书记', summary: '更早的谈心' }).execute();
  // shares: 2 in the quarter, one hidden (not counted), one after it
  await share(inside);
  await share(addDays(inside, 5));
  await share(addDays(inside, 6), true);
  await share(addDays(to, 1));
  // questions: 1 in the quarter
  await env.db
    .insertInto('question')
    .values({ tenant_id: env.tenantId, member_id: fresh, org_id: branch1, branch_org_id: branch1, body: '党费怎么交？', asked_at: noon(inside), due_on: addDays(inside, 3) })
    .execute();
  // pledges: 1 made in the quarter, 1 made before it and followed up (outcome recorded) in it; not
  // counted: one made before it without an outcome, one made after it
  const pledge = (kind: 'suggestion' | 'wealth_tip' | 'good_deed' | 'job_help', made: string, outcomeOn?: string) =>
    env.db
      .insertInto('pledge')
      .values({ tenant_id: env.tenantId, member_id: fresh, org_id: branch1, year: Number(made.slice(0, 4)), kind, body: '评议测试的承诺', created_at: noon(made), ...(outcomeOn && { outcome: 'done' as const, outcome_at: noon(outcomeOn) }) })
      .execute();
  await pledge('suggestion', inside);
  await pledge('wealth_tip', addDays(from, -5), addDays(inside, 1));
  await pledge('good_deed', addDays(from, -5));
  await pledge('job_help', addDays(to, 1));
  // service logs: 2 of days in the quarter; not counted: a voided one, one of a day after it
  const branchPath = (await env.db.selectFrom('org').select('path').where('id', '=', branch1).executeTakeFirstOrThrow()).path;
  const serviceLog = (day: string, voided = false) =>
    env.db
      .insertInto('service_log')
      .values({ tenant_id: env.tenantId, member_id: fresh, org_id: branch1, org_path: branchPath, served_on: day, minutes: 30, what: '评议测试的服务', ...(voided && { voided_at: noon(day), void_reason: '重复' }) })
      .execute();
  await serviceLog(inside);
  await serviceLog(addDays(inside, 2));
  await serviceLog(inside, true);
  await serviceLog(addDays(to, 1));
});
afterAll(async () => env?.close());

describe('evidence gathered from the data', () => {
  it('counts the quarter’s classes, pushes, talks, shares, questions, pledges (made or followed up in it) and service logs', async () => {
    const period = quarterDays(lastQuarter());
    const evidence = (await gatherEvidence(env.db, env.tenantId, [fresh], period)).get(fresh);
    expect(evidence).toEqual({
      ...period,
      classes: { attended: 2, madeUp: 1, missed: 2 },
      pushes: { delivered: 3, read: 2 },
      talks: 1,
      shares: 2,
      questions: 1,
      service: 2,
      pledges: 2,
    });
  });

  it('a round opens with the unit’s mobile members and their evidence; the same unit and quarter twice is a conflict', async () => {
    const round = await openRound(env.db, branchSecretary, { orgId: branch1, quarter: lastQuarter() });
    expect(round.status).toBe('open');
    expect(round.rubric).toEqual(DEFAULT_RUBRIC);
    const mobile = await env.db
      .selectFrom('member as m')
      .innerJoin('mobility as mo', (j) => j.onRef('mo.tenant_id', '=', 'm.tenant_id').onRef('mo.member_id', '=', 'm.id'))
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select('m.id')
      .where('mo.ended_on', 'is', null)
      .where('m.left_at', 'is', null)
      .where('o.path', 'like', `${branch1Path}%`)
      .execute();
    expect(round.entries.map((e) => e.memberId).toSorted()).toEqual([...new Set(mobile.map((m) => m.id))].toSorted());
    const mine = round.entries.find((e) => e.memberId === fresh);
    expect(mine?.evidence.classes).toEqual({ attended: 2, madeUp: 1, missed: 2 });
    expect(mine?.placeName).toBe('江苏苏州');
    await expectError(openRound(env.db, branchSecretary, { orgId: branch1, quarter: lastQuarter() }), 'conflict');
    const audit = await env.db.selectFrom('audit_log').select('entity_id').where('tenant_id', '=', env.tenantId).where('action', '=', 'review.round_open').execute();
    expect(audit.map((a) => a.entity_id)).toContain(round.id);
  });

  it('refuses a quarter not begun yet, and a unit outside the caller’s scope', async () => {
    const today = shanghaiDate();
    const next = quarterOf(addDays(quarterDays(quarterOf(today)).to, 1));
    await expectError(openRound(env.db, branchSecretary, { orgId: branch1, quarter: next }), 'validation_failed', 'quarter');
    await expectError(openRound(env.db, branchSecretary, { orgId: branch2, quarter: lastQuarter() }), 'forbidden');
  });
});

describe('rubric per organization', () => {
  it('is the default until set; items must add up to 100', async () => {
    const before = await getRubric(env.db, branchSecretary, branch1);
    expect(before).toMatchObject({ isDefault: true, total: 100, items: DEFAULT_RUBRIC });
    const bad = RubricBody.parse({ items: [{ key: 'a', title: '组织生活', points: 50 }, { key: 'b', title: '学习', points: 40 }] });
    const err = await expectError(saveRubric(env.db, branchSecretary, branch1, bad), 'validation_failed', 'items');
    expect(err.message).toContain('合计应为 100 分，现为 90 分');
    const dup = RubricBody.parse({ items: [{ key: 'a', title: '组织生活', points: 50 }, { key: 'a', title: '学习', points: 50 }] });
    await expectError(saveRubric(env.db, branchSecretary, branch1, dup), 'validation_failed', 'items.1.key');
    await expectError(saveRubric(env.db, branchSecretary, branch2, RubricBody.parse({ items: DEFAULT_RUBRIC })), 'forbidden');
  });

  it('a saved rubric applies to later rounds of the unit and the units below; an opened round keeps its snapshot', async () => {
    const items = [
      { key: 'life', title: '组织生活', points: 60, evidence: ['classes' as const] },
      { key: 'study', title: '学习', points: 40, evidence: ['pushes' as const] },
    ];
    const saved = await saveRubric(env.db, secretary, branch1, { items });
    expect(saved).toMatchObject({ isDefault: false, total: 100, items });
    const rounds = await listReviewRounds(env.db, branchSecretary, { orgId: branch1 });
    const opened = rounds.items.find((r) => r.quarter === lastQuarter());
    expect((await getRound(env.db, branchSecretary, opened?.id ?? '')).rubric).toEqual(DEFAULT_RUBRIC);
    // back to the default for the rest of the file
    await saveRubric(env.db, secretary, branch1, { items: DEFAULT_RUBRIC });
  });
});

describe('self-summary, scores, publishing', () => {
  let roundId = '';
  let memberId = '';
  beforeAll(async () => {
    memberId = await memberIdByPhone(env, PHONES.mobileMember);
    roundId = (await listReviewRounds(env.db, branchSecretary, { orgId: branch1 })).items.find((r) => r.quarter === lastQuarter())?.id ?? '';
  });

  it('the member writes a self-summary while the round is open; the same text again writes once', async () => {
    const mine = await myReview(env.db, member);
    expect(mine.open).toMatchObject({ roundId, selfSummary: null });
    await saveSelfSummary(env.db, member, roundId, { text: '本季度坚持线上学习。' });
    await saveSelfSummary(env.db, member, roundId, { text: '本季度坚持线上学习。' });
    const after = await myReview(env.db, member);
    expect(after.open?.selfSummary).toBe('本季度坚持线上学习。');
    const audits = await env.db.selectFrom('audit_log').select('id').where('tenant_id', '=', env.tenantId).where('action', '=', 'review.self_summary').execute();
    expect(audits).toHaveLength(1);
    // a round the member is not part of is not found
    const other = await openRound(env.db, admin, { orgId: branch2, quarter: lastQuarter() });
    await expectError(saveSelfSummary(env.db, member, other.id, { text: '不是我的评议' }), 'not_found');
  });

  it('scores only while scoring, each within its item’s points; the total is computed', async () => {
    await expectError(scoreEntry(env.db, branchSecretary, roundId, memberId, { scores: { org_life: 20 } }), 'conflict');
    await recordInflowOpinion(env.db, branchSecretary, roundId, memberId, { inflowOpinion: { orgName: '苏州某园区党委', text: '积极参加流入地活动' } });
    await startScoring(env.db, branchSecretary, roundId);
    await expectError(saveSelfSummary(env.db, member, roundId, { text: '改一改' }), 'conflict');
    await expectError(scoreEntry(env.db, branchSecretary, roundId, memberId, ScoreBody.parse({ scores: { org_life: 31 } })), 'validation_failed', 'scores.org_life');
    await expectError(scoreEntry(env.db, branchSecretary, roundId, memberId, ScoreBody.parse({ scores: { nothing: 1 } })), 'validation_failed', 'scores.nothing');
    expect(ScoreBody.safeParse({ scores: { org_life: -1 } }).success).toBe(false);
    expect(ScoreBody.safeParse({ scores: { org_life: 2.5 } }).success).toBe(false);
    const entry = await scoreEntry(env.db, branchSecretary, roundId, memberId, { scores: { org_life: 28, study: 20 } });
    expect(entry).toMatchObject({ scores: { org_life: 28, study: 20 }, total: 48 });
    await commentEntry(env.db, branchSecretary, roundId, memberId, { comment: '学习认真，望多参与互动。' });
  });

  it('gathers the evidence again on request: a talk recorded late in the quarter now counts', async () => {
    const { to } = quarterDays(lastQuarter());
    await env.db.insertInto('talk').values({ tenant_id: env.tenantId, member_id: fresh, talked_on: to, channel: 'video', talker_name: '书记', summary: '季度末的视频谈心' }).execute();
    const before = (await getRound(env.db, branchSecretary, roundId)).entries.find((e) => e.memberId === fresh);
    expect(before?.evidence.talks).toBe(1);
    const after = (await refreshEvidence(env.db, branchSecretary, roundId)).entries.find((e) => e.memberId === fresh);
    expect(after?.evidence.talks).toBe(2);
    expect(after?.evidence.classes).toEqual({ attended: 2, madeUp: 1, missed: 2 });
    // scores stay as they were
    expect((await getRound(env.db, branchSecretary, roundId)).entries.find((e) => e.memberId === memberId)?.total).toBe(48);
  });

  it('nothing of an unpublished round reaches the member; publishing needs every member fully scored', async () => {
    const before = await myReview(env.db, member);
    expect(before.results).toEqual([]);
    expect(before.open).toBeNull();
    expect(JSON.stringify(before)).not.toContain('学习认真');
    await expectError(publishRound(env.db, branchSecretary, roundId), 'conflict');
    // Two people scoring other items of one member at once: both scores are kept.
    await Promise.all([
      scoreEntry(env.db, branchSecretary, roundId, fresh, { scores: { org_life: 25, study: 20 } }),
      scoreEntry(env.db, secretary, roundId, fresh, { scores: { interaction: 10, hometown: 10 } }),
    ]);
    expect((await getRound(env.db, branchSecretary, roundId)).entries.find((e) => e.memberId === fresh)).toMatchObject({
      scores: { org_life: 25, study: 20, interaction: 10, hometown: 10 },
      total: 65,
    });
    const round = await getRound(env.db, branchSecretary, roundId);
    for (const e of round.entries) {
      await scoreEntry(env.db, branchSecretary, roundId, e.memberId, { scores: { org_life: 25, study: 20, interaction: 10, hometown: 10, discipline: 15 } });
    }
    await scoreEntry(env.db, branchSecretary, roundId, memberId, { scores: { org_life: 28 } });
    // The member has Web Push on their phone: publishing tells them.
    const account = (await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('member_id', '=', memberId).executeTakeFirstOrThrow()).id;
    await env.db.insertInto('push_subscription').values({ tenant_id: env.tenantId, account_id: account, endpoint: 'https://push.example.test/reviews', p256dh: 'k', auth: 'a' }).execute();
    // Publishing while a score is cleared: one of the two wins, never a published round with a gap.
    const [pub, clear] = await Promise.allSettled([
      publishRound(env.db, branchSecretary, roundId),
      scoreEntry(env.db, secretary, roundId, memberId, ScoreBody.parse({ scores: { org_life: null } })),
    ]);
    expect([pub.status, clear.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
    if (clear.status === 'fulfilled') await scoreEntry(env.db, branchSecretary, roundId, memberId, { scores: { org_life: 28 } });
    const published = await publishRound(env.db, branchSecretary, roundId);
    expect(published.status).toBe('published');
    expect(published.scored).toBe(published.members);
    // Each member's own notice, opening their result; none in the groups' digests.
    const notices = await env.db.selectFrom('notification').select(['channel', 'link', 'member_id']).where('tenant_id', '=', env.tenantId).where('source_kind', '=', 'review.published').where('source_id', '=', roundId).execute();
    expect(notices).toEqual([{ channel: 'webpush', link: 'review', member_id: memberId }]);
    expect(await reviewNoticeSource.seen(env.db, env.tenantId, roundId, [memberId])).toEqual(new Set());
  });

  it('the member sees only their own published result with the comment, and marks it seen', async () => {
    const mine = await myReview(env.db, member);
    expect(mine.results).toHaveLength(1);
    expect(mine.results[0]).toMatchObject({ roundId, total: 83, comment: '学习认真，望多参与互动。', seenAt: null });
    expect(mine.results[0]?.items.find((i) => i.key === 'org_life')).toMatchObject({ title: '组织生活', points: 30, score: 28 });
    const seen = await markResultSeen(env.db, member, roundId);
    expect(seen.results[0]?.seenAt).not.toBeNull();
    // seen: a notice still waiting (an SMS escalation) is cancelled instead of sent
    expect(await reviewNoticeSource.seen(env.db, env.tenantId, roundId, [memberId, fresh])).toEqual(new Set([memberId]));
    // another member of the round has another total, which never reaches this member
    const freshRow = await env.db.selectFrom('review_entry').select(['total', 'published_at']).where('round_id', '=', roundId).where('member_id', '=', fresh).executeTakeFirstOrThrow();
    expect(freshRow.total).toBe(80);
    expect(JSON.stringify(mine)).not.toContain('"total":80');
  });

  it('the list of rounds keeps to the caller’s scope', async () => {
    const mine = await listReviewRounds(env.db, branchSecretary, {});
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((r) => r.orgId === branch1)).toBe(true);
    const all = await listReviewRounds(env.db, secretary, {});
    expect(all.items.map((r) => r.orgId)).toEqual(expect.arrayContaining([branch1, branch2]));
    await expectError(listReviewRounds(env.db, member, {}), 'forbidden');
    await expectError(getRound(env.db, branchSecretary, (all.items.find((r) => r.orgId === branch2)?.id) ?? ''), 'forbidden');
  });

  it('exports the round as xlsx with one row per member: evidence, scores, total, comment', async () => {
    const round = await getRound(env.db, branchSecretary, roundId);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await reviewWorkbook(round)) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('季度评议');
    expect(sheet).toBeDefined();
    const rows = (sheet?.getSheetValues() ?? []).slice(1).map((r) => (Array.isArray(r) ? r.slice(1) : []));
    const header = rows[1] ?? [];
    expect(header).toEqual(expect.arrayContaining(['姓名', '参加学习', '补学', '缺课', '组织生活（30分）', '总分', '评语', '服务']));
    expect(rows.length - 2).toBe(round.entries.length);
    const freshRow = rows.find((r) => r[0] === '评议测试') ?? [];
    const col = (name: string) => freshRow[header.indexOf(name)];
    expect([col('参加学习'), col('补学'), col('缺课'), col('推送已读/收到'), col('谈心谈话')]).toEqual([2, 1, 2, '2/3', 2]);
    expect(col('服务')).toBe(2);
    expect(col('总分')).toBe(80);
    const own = rows.find((r) => r[header.indexOf('评语')] === '学习认真，望多参与互动。');
    expect(own?.[header.indexOf('总分')]).toBe(83);
  });

  it('after publishing, scores and summaries are frozen; refreshing evidence is refused', async () => {
    await expectError(scoreEntry(env.db, branchSecretary, roundId, memberId, { scores: { org_life: 1 } }), 'conflict');
    await expectError(refreshEvidence(env.db, branchSecretary, roundId), 'conflict');
  });
});
