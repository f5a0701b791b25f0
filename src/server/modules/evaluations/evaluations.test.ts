import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { addDays, shanghaiDate } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { EvaluationGrade, EvaluationRoundDetail } from '../../../shared/api-evaluations.ts';
import { EvaluationFinal, EvaluationPhaseChange, EvaluationProposal, SelfEvaluationInput } from '../../../shared/api-evaluations.ts';
import { changePhase, createRound, finalizeRound, getRound, listRounds, readCap, savePaperTally, saveCap, saveProposal } from './service.ts';
import { castBallot, getMyEvaluation, listMyEvaluations, submitSelfEvaluation } from './ballot.ts';
import { tallyRound } from './repo.ts';
import { exportRound } from './export.ts';
import { seedEvaluationsDemo } from '../../demo/evaluations.ts';

/**
 * 民主评议党员 on a copy of the demo village: a round of 第一党支部 (its secretary 13800000001) run
 * end to end — self-evaluations, the secret ballot (online and paper), the proposal with the cap on
 * 优秀, 公示 and the final grades — and the ballot's secrecy read from the tables themselves.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let secretary: RequestContext;
let branchSecretary: RequestContext;
let branchId: string;
let villageId: string;
let round: EvaluationRoundDetail;
/** the branch's full members (voters) and its probationary members */
let voters: { id: string; phone: string }[];
let probationary: { id: string; phone: string }[];
/** the receipt of the first voter's ballot, sent again after the ballot closes */
let firstReceipt: string;
/** This year in China by the clock (LIANXIN_CLOCK_AT moves it); the demo's round is last year's. */
const year = Number(shanghaiDate().slice(0, 4));
const ctxOf = new Map<string, RequestContext>();
const member = async (phone: string) => {
  let c = ctxOf.get(phone);
  if (!c) ctxOf.set(phone, (c = await contextFor(env, phone)));
  return c;
};

async function expectError(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe(code);
  if (message) expect(e.message).toMatch(message);
  return e;
}

const phase = (p: string, extra: Record<string, unknown> = {}) => EvaluationPhaseChange.parse({ phase: p, ...extra });
const gradesFor = (detail: EvaluationRoundDetail, grade: (i: number) => EvaluationGrade) =>
  Object.fromEntries(detail.subjects.filter((s) => s.graded).map((s, i) => [s.memberId, grade(i)]));

beforeAll(async () => {
  env = await openTestDatabase();
  secretary = await contextFor(env, PHONES.generalSecretary);
  branchSecretary = await contextFor(env, PHONES.branchSecretary);
  const org = (name: string) => env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();
  const branch = await org('第一党支部');
  branchId = branch.id;
  villageId = (await org('新桥村党总支')).id;
  const rows = await sql<{ id: string; phone: string; status: string }>`
    SELECT m.id, m.phone, m.status FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
     WHERE m.tenant_id = ${env.tenantId} AND o.path LIKE ${branch.path + '%'} AND m.left_at IS NULL ORDER BY m.phone`.execute(env.db);
  voters = rows.rows.filter((r) => r.status === 'full');
  probationary = rows.rows.filter((r) => r.status === 'probationary');
});

afterAll(async () => {
  await env?.close();
});

describe('民主评议党员', () => {
  it('opens a round for a branch: probationary members take part ungraded and have no vote; once per year', async () => {
    expect(probationary.length).toBeGreaterThan(0);
    round = await createRound(env.db, branchSecretary, { orgId: branchId, year });
    expect(round.phase).toBe('study');
    expect(round.subjects).toHaveLength(voters.length + probationary.length);
    expect(round.graded).toBe(voters.length);
    expect(round.voters).toBe(voters.length);
    for (const p of probationary) expect(round.subjects.find((s) => s.memberId === p.id)?.graded).toBe(false);
    expect(round.cap).toEqual({ num: 1, den: 3 });
    expect(round.maxExcellent).toBe(Math.floor(voters.length / 3));
    await expectError(createRound(env.db, branchSecretary, { orgId: branchId, year }), 'conflict', `${year}年度的民主评议已建立`);
    const e = await expectError(createRound(env.db, secretary, { orgId: villageId, year }), 'validation_failed');
    expect(e.issues?.[0]?.field).toBe('orgId');
  });

  it('lists rounds in the caller scope', async () => {
    expect((await listRounds(env.db, branchSecretary, {})).items.map((r) => r.id)).toContain(round.id);
    expect((await listRounds(env.db, secretary, { year })).items.map((r) => r.id)).toContain(round.id);
    expect((await listRounds(env.db, secretary, { year: year - 1 })).items.map((r) => r.id)).not.toContain(round.id);
  });

  it('lists no round outside the caller scope', async () => {
    const branch2 = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第二党支部').executeTakeFirstOrThrow();
    const other = await createRound(env.db, secretary, { orgId: branch2.id, year });
    const mine = (await listRounds(env.db, branchSecretary, {})).items;
    expect(mine.map((r) => r.orgId)).toEqual(mine.map(() => branchId));
    expect(mine.map((r) => r.id)).not.toContain(other.id);
    expect((await listRounds(env.db, secretary, {})).items.map((r) => r.id)).toContain(other.id);
    await expectError(listRounds(env.db, branchSecretary, { orgId: branch2.id }), 'forbidden');
    await expectError(getRound(env.db, branchSecretary, other.id), 'forbidden');
    await expectError(listRounds(env.db, await member(PHONES.mobileMember), {}), 'forbidden');
  });

  it('moves only to the next phase', async () => {
    await expectError(changePhase(env.db, branchSecretary, round.id, phase('ballot')), 'conflict', '只能进入下一阶段');
    round = await changePhase(env.db, branchSecretary, round.id, phase('self'));
    expect(round.phase).toBe('self');
  });

  it('takes the self-evaluation from the phone, as plain text, rewritable while the phase lasts', async () => {
    const remote = await member(PHONES.mobileMember);
    const html = '<script>alert(1)</script><b>今年在外务工</b>，按时参加云课堂。';
    let mine = await submitSelfEvaluation(env.db, remote, round.id, SelfEvaluationInput.parse({ text: '初稿' }));
    mine = await submitSelfEvaluation(env.db, remote, round.id, SelfEvaluationInput.parse({ text: html }));
    expect(mine.selfText).toBe(html);
    expect(mine.waiting).toBe(false);
    const detail = await getRound(env.db, branchSecretary, round.id);
    const me = await memberIdByPhone(env, PHONES.mobileMember);
    expect(detail.subjects.find((s) => s.memberId === me)?.selfText).toBe(html);
    // a probationary member writes one too
    const p = await member(probationary[0]!.phone);
    expect((await submitSelfEvaluation(env.db, p, round.id, { text: '预备期的自我评价' })).isSubject).toBe(true);
    // the vote has not opened
    await expectError(castBallot(env.db, remote, round.id, { receipt: randomUUID(), grades: {} }), 'conflict', '民主测评尚未开始');
  });

  it('records the peer evaluation meeting and opens the ballot; self-evaluations then close', async () => {
    round = await changePhase(env.db, branchSecretary, round.id, phase('peer'));
    round = await changePhase(env.db, branchSecretary, round.id, phase('ballot', { peerMeetingOn: shanghaiDate(), peerNote: '党员大会上逐一互评' }));
    expect(round.phase).toBe('ballot');
    expect(round.peerNote).toBe('党员大会上逐一互评');
    await expectError(submitSelfEvaluation(env.db, await member(PHONES.mobileMember), round.id, { text: '晚了' }), 'conflict', '自评阶段已结束');
  });

  it('refuses a ballot that misses a member, grades a probationary member or names a stranger', async () => {
    const v = await member(voters[0]!.phone);
    const all = gradesFor(round, () => 'qualified');
    const [firstId] = Object.keys(all);
    const { [firstId!]: _dropped, ...missing } = all;
    let e = await expectError(castBallot(env.db, v, round.id, { receipt: randomUUID(), grades: missing }), 'validation_failed', '请为');
    expect(e.issues?.[0]?.field).toBe(`grades.${firstId}`);
    e = await expectError(castBallot(env.db, v, round.id, { receipt: randomUUID(), grades: { ...all, [probationary[0]!.id]: 'excellent' } }), 'validation_failed', '预备党员');
    expect(e.issues?.[0]?.field).toBe(`grades.${probationary[0]!.id}`);
    const stranger = randomUUID();
    e = await expectError(castBallot(env.db, v, round.id, { receipt: randomUUID(), grades: { ...all, [stranger]: 'qualified' } }), 'validation_failed', '不是本次评议的党员');
    expect(e.issues?.[0]?.field).toBe(`grades.${stranger}`);
    // a probationary member has no vote
    await expectError(castBallot(env.db, await member(probationary[0]!.phone), round.id, { receipt: randomUUID(), grades: all }), 'forbidden');
    expect((await getRound(env.db, branchSecretary, round.id)).onlineBallots).toBe(0);
  });

  it('counts a ballot once: a second vote is refused, a resend is answered as done', async () => {
    const v = await member(voters[0]!.phone);
    const receipt = (firstReceipt = randomUUID());
    const grades = gradesFor(round, (i) => (i === 0 ? 'excellent' : 'qualified'));
    expect(await castBallot(env.db, v, round.id, { receipt, grades })).toEqual({ voted: true });
    expect(await castBallot(env.db, v, round.id, { receipt, grades })).toEqual({ voted: true });
    await expectError(castBallot(env.db, v, round.id, { receipt: randomUUID(), grades }), 'already_voted', '你已投过票');
    const d = await getRound(env.db, branchSecretary, round.id);
    expect(d.onlineBallots).toBe(1);
    expect(d.voted).toBe(1);
  });

  it('gives one ballot when the same voter votes from two phones at once', async () => {
    const v = await member(voters[1]!.phone);
    const grades = gradesFor(round, () => 'qualified');
    const results = await Promise.allSettled([
      castBallot(env.db, v, round.id, { receipt: randomUUID(), grades }),
      castBallot(env.db, v, round.id, { receipt: randomUUID(), grades }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as AppError).message).toBe('你已投过票');
    expect((await getRound(env.db, branchSecretary, round.id)).onlineBallots).toBe(2);
  });

  it('shows no online tally while the ballot runs: a vote changes only the numbers of ballots, in the round and its workbook', async () => {
    const before = await getRound(env.db, branchSecretary, round.id);
    expect(before.tallyOpen).toBe(false);
    const zeros = { excellent: 0, qualified: 0, basic: 0, unqualified: 0 };
    for (const s of before.subjects) expect(s.tally).toEqual(zeros);
    await castBallot(env.db, await member(voters[2]!.phone), round.id, { receipt: randomUUID(), grades: gradesFor(round, (i) => (i === 1 ? 'excellent' : 'qualified')) });
    const after = await getRound(env.db, branchSecretary, round.id);
    expect(after.subjects.map((s) => s.tally)).toEqual(before.subjects.map((s) => s.tally));
    expect(after.voted).toBe(before.voted + 1);
    expect(after.onlineBallots).toBe(before.onlineBallots + 1);
    // the workbook: the ballots' numbers, no count per member
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await exportRound(env.db, branchSecretary, round.id)).body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(2).values).toContain('计票在民主测评结束后公布');
    const graded = after.subjects.find((s) => s.graded)!;
    const row = sheet.getRows(4, after.subjects.length)!.find((r) => r.getCell(1).value === graded.name)!;
    expect([3, 4, 5, 6].map((c) => row.getCell(c).value ?? '')).toEqual(['', '', '', '']);
  });

  it('writes every ballot of the round again with each vote: all share the latest vote transaction, under new ids', async () => {
    const grades = gradesFor(round, (i) => (i === 1 ? 'excellent' : 'qualified'));
    for (const v of voters.slice(3, 5)) await castBallot(env.db, await member(v.phone), round.id, { receipt: randomUUID(), grades });
    const ids = async () => (await env.db.selectFrom('evaluation_ballot').select('id').where('round_id', '=', round.id).execute()).map((b) => b.id);
    const idsBefore = await ids();
    const last = voters[5]!;
    await castBallot(env.db, await member(last.phone), round.id, { receipt: randomUUID(), grades });
    const idsAfter = await ids();
    expect(idsAfter).toHaveLength(idsBefore.length + 1);
    expect(idsAfter.filter((id) => idsBefore.includes(id))).toEqual([]);
    const ballotXmin = await sql<{ x: string }>`SELECT DISTINCT xmin::text AS x FROM evaluation_ballot WHERE round_id = ${round.id}`.execute(env.db);
    const lastVote = await sql<{ x: string }>`SELECT xmin::text AS x FROM audit_log WHERE action = 'evaluation.vote' AND after->>'memberId' = ${last.id}`.execute(env.db);
    expect(ballotXmin.rows.map((r) => r.x)).toEqual(lastVote.rows.map((r) => r.x));
  });

  it('keeps no link between a ballot and its voter, in the tables or the audit log', async () => {
    const columns = async (table: string) =>
      (
        await sql<{ column_name: string; data_type: string }>`
          SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${table} ORDER BY column_name`.execute(env.db)
      ).rows;
    // the ballot: the round, a random id and the grades — no voter, no time, no sequence
    expect((await columns('evaluation_ballot')).map((c) => c.column_name)).toEqual(['grades', 'id', 'round_id', 'tenant_id']);
    const ballotIds = await env.db.selectFrom('evaluation_ballot').select('id').where('round_id', '=', round.id).execute();
    expect(ballotIds.every((b) => /^[0-9a-f-]{36}$/.test(b.id))).toBe(true);
    // the voter: whether they voted, never when
    const voterCols = await columns('evaluation_voter');
    expect(voterCols.map((c) => c.column_name)).toEqual(['member_id', 'receipt_hash', 'round_id', 'tenant_id', 'voted']);
    expect(voterCols.some((c) => /time|date|int|serial/.test(c.data_type))).toBe(false);
    // no other table names a ballot
    const refs = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.columns
       WHERE column_name IN ('ballot_id') OR (table_name LIKE 'evaluation%' AND table_name <> 'evaluation_ballot' AND column_name = 'grades')`.execute(env.db);
    expect(refs.rows[0]!.n).toBe(0);
    // the audit entry of a vote names the voter and the round, never a grade
    const votes = await env.db.selectFrom('audit_log').select(['entity_id', 'after', 'before']).where('action', '=', 'evaluation.vote').execute();
    expect(votes).toHaveLength(6);
    for (const a of votes) {
      expect(a.entity_id).toBe(round.id);
      expect(Object.keys(a.after as object)).toEqual(['memberId']);
      expect(JSON.stringify(a)).not.toMatch(/excellent|qualified|basic|unqualified|优秀|合格/);
      expect(a.before).toBeNull();
    }
  });

  it('takes paper ballots as counts, within the number of paper ballots and of voters', async () => {
    const first = round.subjects.find((s) => s.graded)!;
    await expectError(
      savePaperTally(env.db, branchSecretary, round.id, { paperBallots: 2, counts: [{ memberId: first.memberId, grade: 'excellent', count: 3 }] }),
      'validation_failed',
      '超过纸质票总数',
    );
    await expectError(savePaperTally(env.db, branchSecretary, round.id, { paperBallots: voters.length, counts: [] }), 'validation_failed', '有表决权的党员人数');
    await expectError(
      savePaperTally(env.db, branchSecretary, round.id, { paperBallots: 1, counts: [{ memberId: probationary[0]!.id, grade: 'excellent', count: 1 }] }),
      'validation_failed',
      '预备党员',
    );
    round = await savePaperTally(env.db, branchSecretary, round.id, {
      paperBallots: 2,
      counts: [
        { memberId: first.memberId, grade: 'excellent', count: 1 },
        { memberId: first.memberId, grade: 'basic', count: 1 },
      ],
    });
    expect(round.paperBallots).toBe(2);
  });

  it('closes the ballot: a late vote is refused, ballots rewritten, the tally adds online and paper', async () => {
    const auditXmin = await sql<{ x: string }>`SELECT xmin::text AS x FROM audit_log WHERE action = 'evaluation.vote'`.execute(env.db);
    round = await changePhase(env.db, branchSecretary, round.id, phase('proposal'));
    await expectError(
      castBallot(env.db, await member(voters[7]!.phone), round.id, { receipt: randomUUID(), grades: gradesFor(round, () => 'qualified') }),
      'conflict',
      '投票已结束',
    );
    // after closing, the ballots' and voters' transaction ids no longer match any vote's audit entry
    const ballotXmin = await sql<{ x: string }>`SELECT DISTINCT xmin::text AS x FROM evaluation_ballot WHERE round_id = ${round.id}`.execute(env.db);
    expect(ballotXmin.rows).toHaveLength(1);
    const voterXmin = await sql<{ x: string }>`SELECT DISTINCT xmin::text AS x FROM evaluation_voter WHERE round_id = ${round.id}`.execute(env.db);
    expect(voterXmin.rows).toHaveLength(1);
    const voteTx = new Set(auditXmin.rows.map((r) => r.x));
    expect(voteTx.has(ballotXmin.rows[0]!.x)).toBe(false);
    // a lost reply sent again after closing is still answered as done; a new ballot is not
    const v0 = await member(voters[0]!.phone);
    const again = gradesFor(round, (i) => (i === 0 ? 'excellent' : 'qualified'));
    expect(await castBallot(env.db, v0, round.id, { receipt: firstReceipt, grades: again })).toEqual({ voted: true });
    await expectError(castBallot(env.db, v0, round.id, { receipt: randomUUID(), grades: again }), 'already_voted', '你已投过票');
    expect(round.tallyOpen).toBe(true);

    const graded = round.subjects.filter((s) => s.graded);
    const first = graded[0]!;
    const second = graded[1]!;
    expect(round.onlineBallots).toBe(6);
    // online: voter 0 gave the first 优秀, voters 2–5 gave the second 优秀; the paper: one 优秀 and one 基本合格 for the first
    expect(first.tally).toEqual({ excellent: 2, qualified: 5, basic: 1, unqualified: 0 });
    expect(second.tally).toEqual({ excellent: 4, qualified: 2, basic: 0, unqualified: 0 });
    const tally = await tallyRound(env.db, env.tenantId, round.id);
    expect(tally.get(graded[2]!.memberId)).toEqual({ excellent: 0, qualified: 6, basic: 0, unqualified: 0 });
    await expectError(changePhase(env.db, branchSecretary, round.id, phase('notice', { noticeUntil: addDays(shanghaiDate(), 5) })), 'validation_failed', '未提出评定意见');
  });

  it('caps 优秀 with a clear message and wants a reason for 不合格', async () => {
    const graded = round.subjects.filter((s) => s.graded);
    const max = round.maxExcellent;
    const tooMany = EvaluationProposal.parse({ grades: graded.slice(0, max + 1).map((s) => ({ memberId: s.memberId, grade: 'excellent' })) });
    await expectError(saveProposal(env.db, branchSecretary, round.id, tooMany), 'validation_failed', `优秀人数不能超过参加评定党员的 1/3（最多 ${max} 名）`);
    const noReason = EvaluationProposal.parse({ grades: [{ memberId: graded[0]!.memberId, grade: 'unqualified', reason: '  ' }] });
    const e = await expectError(saveProposal(env.db, branchSecretary, round.id, noReason), 'validation_failed', '须写明理由');
    expect(e.issues?.[0]?.field).toBe('grades.0.reason');
    await expectError(
      saveProposal(env.db, branchSecretary, round.id, EvaluationProposal.parse({ grades: [{ memberId: probationary[0]!.id, grade: 'qualified' }] })),
      'validation_failed',
      '不评定等次',
    );
    expect((await getRound(env.db, branchSecretary, round.id)).subjects.every((s) => s.proposedGrade === null)).toBe(true);
  });

  it('saves the proposal, holds the notice, and makes the grades final and read-only', async () => {
    const graded = round.subjects.filter((s) => s.graded);
    const lines = graded.map((s, i) =>
      i < round.maxExcellent ? { memberId: s.memberId, grade: 'excellent' } : i === graded.length - 1 ? { memberId: s.memberId, grade: 'unqualified', reason: '全年未参加组织生活，经教育仍不改正' } : { memberId: s.memberId, grade: 'qualified' },
    );
    round = await saveProposal(env.db, branchSecretary, round.id, EvaluationProposal.parse({ grades: lines }));
    expect(round.subjects.filter((s) => s.proposedGrade === 'excellent')).toHaveLength(round.maxExcellent);
    // one more 优秀 later is still refused against the saved ones
    await expectError(
      saveProposal(env.db, branchSecretary, round.id, EvaluationProposal.parse({ grades: [{ memberId: graded[round.maxExcellent]!.memberId, grade: 'excellent' }] })),
      'validation_failed',
      '优秀人数不能超过',
    );
    await expectError(changePhase(env.db, branchSecretary, round.id, phase('notice')), 'validation_failed', '公示截止日期');
    const until = addDays(shanghaiDate(), 5);
    round = await changePhase(env.db, branchSecretary, round.id, phase('notice', { noticeUntil: until }));
    expect(round.noticeUntil).toBe(until);
    expect(round.noticeRunning).toBe(true);
    await expectError(changePhase(env.db, branchSecretary, round.id, phase('final')), 'conflict');
    await expectError(finalizeRound(env.db, branchSecretary, round.id, EvaluationFinal.parse({ grades: [] })), 'conflict', `公示期至 ${until}`);
    round = await finalizeRound(env.db, branchSecretary, round.id, EvaluationFinal.parse({ grades: [{ memberId: graded[1]!.memberId, grade: 'basic' }], confirmEarly: true }));
    expect(round.phase).toBe('final');
    expect(round.noticeRunning).toBe(false);
    expect(round.subjects.find((s) => s.memberId === graded[1]!.memberId)?.finalGrade).toBe('basic');
    // a grade not named keeps the proposal
    expect(round.subjects.find((s) => s.memberId === graded[0]!.memberId)?.finalGrade).toBe('excellent');
    expect(round.subjects.find((s) => s.memberId === graded[graded.length - 1]!.memberId)?.finalReason).toBe('全年未参加组织生活，经教育仍不改正');
    expect(round.subjects.filter((s) => !s.graded).every((s) => s.finalGrade === null)).toBe(true);
    // read-only
    await expectError(saveProposal(env.db, branchSecretary, round.id, EvaluationProposal.parse({ grades: [] })), 'conflict', '评议已结束');
    await expectError(savePaperTally(env.db, branchSecretary, round.id, { paperBallots: 0, counts: [] }), 'conflict', '评议已结束');
  });

  it('shows the member their own grade after the round is final, and nothing waits', async () => {
    const graded = round.subjects.filter((s) => s.graded);
    const v = voters.find((x) => x.id === graded[1]!.memberId)!;
    const mine = (await listMyEvaluations(env.db, await member(v.phone))).items.find((r) => r.id === round.id)!;
    expect(mine.myGrade).toBe('basic');
    expect(mine.waiting).toBe(false);
    const p = await getMyEvaluation(env.db, await member(probationary[0]!.phone), round.id);
    expect(p.graded).toBe(false);
    expect(p.myGrade).toBeNull();
  });

  it('exports the results as a workbook', async () => {
    const file = await exportRound(env.db, branchSecretary, round.id);
    expect(file.fileName).toBe(`民主评议-第一党支部-${year}.xlsx`);
    expect(file.body.subarray(0, 2).toString()).toBe('PK');
  });

  it('keeps the cap per organization: set above, inherited below, snapshotted by a new round', async () => {
    expect((await readCap(env.db, branchSecretary, branchId)).fromOrgId).toBeNull();
    await saveCap(env.db, secretary, { orgId: villageId, cap: { num: 1, den: 4 } });
    expect(await readCap(env.db, branchSecretary, branchId)).toEqual({ orgId: branchId, cap: { num: 1, den: 4 }, fromOrgId: villageId });
    const next = await createRound(env.db, branchSecretary, { orgId: branchId, year: year + 1 });
    expect(next.cap).toEqual({ num: 1, den: 4 });
    expect(next.maxExcellent).toBe(Math.floor(voters.length / 4));
    await expectError(saveCap(env.db, branchSecretary, { orgId: villageId, cap: { num: 1, den: 2 } }), 'forbidden');
  });

  it('seeds a finished demo round of last year within the cap, with ballots that count', async () => {
    await seedEvaluationsDemo(env.db, env.tenantId);
    const demo = (await listRounds(env.db, branchSecretary, { orgId: branchId })).items.find((r) => r.year < year && r.phase === 'final');
    expect(demo).toBeDefined();
    const d = await getRound(env.db, branchSecretary, demo!.id);
    expect(d.subjects.filter((s) => s.finalGrade === 'excellent').length).toBeLessThanOrEqual(d.maxExcellent);
    expect(d.subjects.filter((s) => s.graded).every((s) => s.finalGrade !== null)).toBe(true);
    for (const s of d.subjects.filter((x) => x.graded)) expect(Object.values(s.tally).reduce((a, b) => a + b, 0)).toBe(d.onlineBallots + d.paperBallots);
    expect(d.onlineBallots).toBe(d.voted);
  });

  it('refuses members who are not in a round', async () => {
    const other = await env.db.selectFrom('member').select('phone').where('tenant_id', '=', env.tenantId).where('id', 'not in', [...voters, ...probationary].map((v) => v.id)).executeTakeFirstOrThrow();
    const c = await member(other.phone);
    await expectError(getMyEvaluation(env.db, c, round.id), 'forbidden');
    await expectError(getMyEvaluation(env.db, c, randomUUID()), 'not_found');
    expect((await listMyEvaluations(env.db, c)).items).toHaveLength(0);
  });
});

describe('民主评议 over HTTP', () => {
  let app: Awaited<ReturnType<typeof openTestApp>>;
  afterAll(async () => app?.close());

  it('answers bad input with 400 naming the field, a second vote with 409, in the caller language', async () => {
    app = await openTestApp();
    const sec = await login(app.app, PHONES.branchSecretary);
    const branch = await app.db.selectFrom('org').select('id').where('tenant_id', '=', app.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow();
    const created = await app.app.inject({ method: 'POST', url: '/api/evaluations', headers: sec.headers, payload: { orgId: branch.id, year: 1999 } });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({ error: 'validation_failed' });
    expect(JSON.stringify(created.json())).toContain('year');
    const ok = await app.app.inject({ method: 'POST', url: '/api/evaluations', headers: sec.headers, payload: { orgId: branch.id, year } });
    expect(ok.statusCode).toBe(200);
    const id = (ok.json() as { id: string }).id;
    for (const next of ['self', 'peer', 'ballot']) {
      expect((await app.app.inject({ method: 'POST', url: `/api/evaluations/${id}/phase`, headers: sec.headers, payload: { phase: next } })).statusCode).toBe(200);
    }
    const me = await login(app.app, PHONES.mobileMember);
    const mine = (await app.app.inject({ url: `/api/me/evaluations/${id}`, headers: me.headers })).json() as { ballot: { memberId: string }[] };
    const grades = Object.fromEntries(mine.ballot.map((s) => [s.memberId, 'qualified']));
    const bad = await app.app.inject({ method: 'POST', url: `/api/me/evaluations/${id}/ballot`, headers: me.headers, payload: { receipt: randomUUID(), grades: { ...grades, [mine.ballot[0]!.memberId]: 'great' } } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain(`grades.${mine.ballot[0]!.memberId}`);
    const receipt = randomUUID();
    const first = await app.app.inject({ method: 'POST', url: `/api/me/evaluations/${id}/ballot`, headers: me.headers, payload: { receipt, grades } });
    expect(first.json()).toEqual({ voted: true });
    const resend = await app.app.inject({ method: 'POST', url: `/api/me/evaluations/${id}/ballot`, headers: me.headers, payload: { receipt, grades } });
    expect(resend.json()).toEqual({ voted: true });
    const second = await app.app.inject({ method: 'POST', url: `/api/me/evaluations/${id}/ballot`, headers: { ...me.headers, 'accept-language': 'en-US' }, payload: { receipt: randomUUID(), grades } });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'already_voted', message: 'You have already voted' });
    expect((await app.db.selectFrom('evaluation_ballot').select('id').where('round_id', '=', id).execute()).length).toBe(1);
  });
});
