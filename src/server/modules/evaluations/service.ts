import type { z } from 'zod';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, authorizeList, scopePaths } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, uniqueViolation, type FieldIssue } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg, inSubtrees, unitFor } from '../../directory/index.ts';
import { EVALUATION_PHASES } from '../../../shared/enums.ts';
import type {
  CreateEvaluationRound,
  EvaluationCapInput,
  EvaluationCapSetting,
  EvaluationFinal,
  EvaluationGrade,
  EvaluationPaperTally,
  EvaluationPhase,
  EvaluationPhaseChange,
  EvaluationProposal,
  EvaluationRoundDetail,
  EvaluationRoundList,
  EvaluationRoundQuery,
  EvaluationRoundSummary,
  ExcellentCap,
  GradeCounts,
} from '../../../shared/api-evaluations.ts';
import { countBallots, emptyCounts, findRound, listRoundRows, reshuffleBallots, subjectRows, tallyRound, vacuumBallots, type RoundRow } from './repo.ts';

/**
 * 民主评议党员, the secretary's side: a round per branch and year walks its phases in order, each
 * step checked; the committee proposes a grade per graded member with the tally beside it, 优秀
 * capped at floor(graded × cap) (default 1/3, per organization), 不合格 only with a written reason;
 * after 公示 the grades are final and read-only.
 */

export const GRADE_LABELS: Record<EvaluationGrade, string> = { excellent: '优秀', qualified: '合格', basic: '基本合格', unqualified: '不合格' };
export const PHASE_LABELS: Record<EvaluationPhase, string> = {
  study: '学习教育',
  self: '个人自评',
  peer: '党员互评',
  ballot: '民主测评',
  proposal: '评定意见',
  notice: '公示',
  final: '评定结果',
};
export const DEFAULT_CAP: ExcellentCap = { num: 1, den: 3 };
const CAP_KEY_PREFIX = 'evaluation.excellent_cap:';
const NAME_SEPARATOR = '、';
const AND_OTHERS = '等';

export const maxExcellent = (graded: number, cap: ExcellentCap): number => Math.floor((graded * cap.num) / cap.den);

function fail(issues: FieldIssue[]): void {
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** A round, after checking the caller may manage evaluations on its branch (404, else 403). */
export async function manageableRound(db: Executor, ctx: RequestContext, roundId: string): Promise<RoundRow> {
  const round = await findRound(db, ctx.actor.tenantId, roundId);
  if (!round) throw notFound('民主评议');
  authorize(ctx.actor, 'review.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: round.org_path });
  return round;
}

function presentSummary(r: RoundRow): EvaluationRoundSummary {
  return {
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    year: r.year,
    phase: r.phase as EvaluationPhase,
    graded: r.graded,
    subjects: r.subjects,
    voters: r.voters,
    voted: r.voted,
    noticeUntil: r.notice_until,
    createdAt: r.created_at.toISOString(),
  };
}

/** The count opens when the ballot closes (评定意见 and after); before that nobody sees the online grades. */
export const tallyOpen = (phase: string): boolean => EVALUATION_PHASES.indexOf(phase as EvaluationPhase) >= EVALUATION_PHASES.indexOf('proposal');

/** 公示 still runs: the round is in its notice phase and today in China is not past its last day. */
export const noticeRunning = (round: Pick<RoundRow, 'phase' | 'notice_until'>): boolean =>
  round.phase === 'notice' && !!round.notice_until && shanghaiDate() <= round.notice_until;

export async function roundDetail(db: Executor, tenantId: string, round: RoundRow): Promise<EvaluationRoundDetail> {
  const open = tallyOpen(round.phase);
  const [subjects, tally, online] = await Promise.all([
    subjectRows(db, tenantId, round.id),
    open ? tallyRound(db, tenantId, round.id) : new Map<string, GradeCounts>(),
    countBallots(db, tenantId, round.id),
  ]);
  const cap = { num: round.excellent_cap_num, den: round.excellent_cap_den };
  return {
    ...presentSummary(round),
    cap,
    maxExcellent: maxExcellent(round.graded, cap),
    peerMeetingOn: round.peer_meeting_on,
    peerNote: round.peer_note,
    onlineBallots: online,
    paperBallots: round.paper_ballots,
    tallyOpen: open,
    noticeRunning: noticeRunning(round),
    finalizedAt: round.finalized_at?.toISOString() ?? null,
    subjects: subjects.map((s) => ({
      memberId: s.member_id,
      name: s.name,
      graded: s.graded,
      mobile: s.mobile,
      selfText: s.self_text,
      selfSubmittedAt: s.self_submitted_at?.toISOString() ?? null,
      tally: s.graded ? (tally.get(s.member_id) ?? emptyCounts()) : emptyCounts(),
      proposedGrade: (s.proposed_grade as EvaluationGrade | null) ?? null,
      proposedReason: s.proposed_reason,
      finalGrade: (s.final_grade as EvaluationGrade | null) ?? null,
      finalReason: s.final_reason,
    })),
  };
}

async function reload(db: Executor, tenantId: string, roundId: string): Promise<EvaluationRoundDetail> {
  const round = await findRound(db, tenantId, roundId);
  if (!round) throw notFound('民主评议');
  return roundDetail(db, tenantId, round);
}

// ---------- the cap on 优秀, per organization ----------

/** The cap that applies to a unit: set on it or the nearest unit above it, else 1/3. */
export async function effectiveCap(db: Executor, tenantId: string, orgPath: string): Promise<{ cap: ExcellentCap; fromOrgId: string | null }> {
  const ids = orgPath.split('/').filter(Boolean);
  const rows = await db
    .selectFrom('setting')
    .select(['key', 'value'])
    .where('tenant_id', '=', tenantId)
    .where('key', 'in', ids.map((id) => CAP_KEY_PREFIX + id))
    .execute();
  const byOrg = new Map(rows.map((r) => [r.key.slice(CAP_KEY_PREFIX.length), r.value as ExcellentCap]));
  for (const id of [...ids].reverse()) {
    const v = byOrg.get(id);
    if (v && Number.isInteger(v.num) && Number.isInteger(v.den) && v.den > 0 && v.num <= v.den) return { cap: { num: v.num, den: v.den }, fromOrgId: id };
  }
  return { cap: DEFAULT_CAP, fromOrgId: null };
}

export async function readCap(db: Database, ctx: RequestContext, orgId: string): Promise<EvaluationCapSetting> {
  const org = await unitFor(db, ctx, 'review.manage', orgId);
  return { orgId, ...(await effectiveCap(db, ctx.actor.tenantId, org.path)) };
}

export async function saveCap(db: Database, ctx: RequestContext, input: z.output<typeof EvaluationCapInput>): Promise<EvaluationCapSetting> {
  const tenantId = ctx.actor.tenantId;
  const org = await unitFor(db, ctx, 'review.manage', input.orgId);
  if (input.cap.num > input.cap.den) fail([{ field: 'cap.num', message: '优秀比例不能超过 100%' }]);
  return db.transaction().execute(async (tx) => {
    const before = await effectiveCap(tx, tenantId, org.path);
    const key = CAP_KEY_PREFIX + org.id;
    const value = JSON.stringify(input.cap);
    await tx
      .insertInto('setting')
      .values({ tenant_id: tenantId, key, value })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value }))
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'evaluation.cap', entity: 'org', entityId: org.id, before: before.cap, after: input.cap });
    return { orgId: org.id, cap: input.cap, fromOrgId: org.id };
  });
}

// ---------- rounds ----------

export async function listRounds(db: Database, ctx: RequestContext, query: z.output<typeof EvaluationRoundQuery>): Promise<EvaluationRoundList> {
  const tenantId = ctx.actor.tenantId;
  let paths: string[] | 'all';
  if (query.orgId) paths = [(await unitFor(db, ctx, 'review.manage', query.orgId)).path];
  else paths = scopePaths(authorizeList(ctx.actor, 'review.manage'));
  const rows = await listRoundRows(db, tenantId, paths === 'all' ? null : inSubtrees(tenantId, paths, 'r.org_id'), query.year);
  return { items: rows.map(presentSummary) };
}

export async function getRound(db: Database, ctx: RequestContext, roundId: string): Promise<EvaluationRoundDetail> {
  const round = await manageableRound(db, ctx, roundId);
  return roundDetail(db, ctx.actor.tenantId, round);
}

/**
 * Opens a round for a branch and year. Its subjects are the branch's current members (its 党小组
 * included), probationary members not graded; its voters are its full members — a probationary
 * member has no 表决权 (党章 第七条) and so casts no ballot, though they write a self-evaluation and
 * take part in the meeting. The cap on 优秀 in force is kept on the round.
 */
export async function createRound(db: Database, ctx: RequestContext, input: z.output<typeof CreateEvaluationRound>): Promise<EvaluationRoundDetail> {
  const tenantId = ctx.actor.tenantId;
  const org = await unitFor(db, ctx, 'review.manage', input.orgId);
  if (org.kind !== 'branch') fail([{ field: 'orgId', message: '民主评议以党支部为单位，请选择一个党支部' }]);
  if (org.retired_at) fail([{ field: 'orgId', message: '该支部已撤销' }]);
  const { cap } = await effectiveCap(db, tenantId, org.path);
  try {
    const id = await db.transaction().execute(async (tx) => {
      const round = await tx
        .insertInto('evaluation_round')
        .values({ tenant_id: tenantId, org_id: org.id, year: input.year, excellent_cap_num: cap.num, excellent_cap_den: cap.den, created_by: ctx.actor.accountId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await sql`
        INSERT INTO evaluation_subject (tenant_id, round_id, member_id, graded)
        SELECT m.tenant_id, ${round.id}, m.id, m.status = 'full' FROM member m
         WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL AND ${inSubtrees(tenantId, [org.path])}`.execute(tx);
      await sql`
        INSERT INTO evaluation_voter (tenant_id, round_id, member_id)
        SELECT m.tenant_id, ${round.id}, m.id FROM member m
         WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL AND m.status = 'full' AND ${inSubtrees(tenantId, [org.path])}`.execute(tx);
      await recordAudit(tx, ctx, { tenantId, action: 'evaluation.create', entity: 'evaluation_round', entityId: round.id, after: { orgId: org.id, year: input.year, cap } });
      return round.id;
    });
    return await reload(db, tenantId, id);
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', `${org.name}${input.year}年度的民主评议已建立`);
    throw err;
  }
}

const nextPhase = (p: EvaluationPhase): EvaluationPhase | null => EVALUATION_PHASES[EVALUATION_PHASES.indexOf(p) + 1] ?? null;

/** Locks the round for a change of phase or grades; the ballot's casting holds it shared. */
async function lockRound(tx: Executor, tenantId: string, roundId: string): Promise<void> {
  await sql`SELECT 1 FROM evaluation_round WHERE tenant_id = ${tenantId} AND id = ${roundId} FOR UPDATE`.execute(tx);
}

function readOnlyIfFinal(round: RoundRow): void {
  if (round.phase === 'final') throw new AppError('conflict', '评议已结束，结果不能修改');
}

/** Moves a round to its next phase (never back, never skipping one), with that step's checks. */
export async function changePhase(db: Database, ctx: RequestContext, roundId: string, input: z.output<typeof EvaluationPhaseChange>): Promise<EvaluationRoundDetail> {
  const tenantId = ctx.actor.tenantId;
  await manageableRound(db, ctx, roundId);
  const detail = await db.transaction().execute(async (tx) => {
    await lockRound(tx, tenantId, roundId);
    const round = (await findRound(tx, tenantId, roundId))!;
    readOnlyIfFinal(round);
    const current = round.phase as EvaluationPhase;
    const next = nextPhase(current);
    if (input.phase !== next) throw new AppError('conflict', `只能进入下一阶段（${PHASE_LABELS[next ?? current]}）`);
    if (next === 'final') throw new AppError('conflict', '公示结束后请「确定评定结果」');
    const patch: { phase: EvaluationPhase; notice_until?: string; peer_meeting_on?: string | null; peer_note?: string | null } = { phase: next };
    if (current === 'peer') {
      if (input.peerMeetingOn) {
        if (input.peerMeetingOn > shanghaiDate()) fail([{ field: 'peerMeetingOn', message: '互评会议日期不能晚于今天' }]);
        patch.peer_meeting_on = input.peerMeetingOn;
      }
      if (input.peerNote !== undefined) patch.peer_note = input.peerNote || null;
    }
    if (next === 'proposal') await reshuffleBallots(tx, tenantId, roundId);
    if (next === 'notice') {
      const subjects = await subjectRows(tx, tenantId, roundId);
      const missing = subjects.filter((s) => s.graded && !s.proposed_grade).map((s) => s.name);
      const names = missing.slice(0, 5).join(NAME_SEPARATOR) + (missing.length > 5 ? AND_OTHERS : '');
      if (missing.length) fail([{ field: 'phase', message: `还有 ${missing.length} 名党员未提出评定意见：${names}` }]);
      if (!input.noticeUntil) fail([{ field: 'noticeUntil', message: '请填写公示截止日期' }]);
      else if (input.noticeUntil < shanghaiDate()) fail([{ field: 'noticeUntil', message: '公示截止日期不能早于今天' }]);
      patch.notice_until = input.noticeUntil;
    }
    await tx.updateTable('evaluation_round').set(patch).where('tenant_id', '=', tenantId).where('id', '=', roundId).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'evaluation.phase', entity: 'evaluation_round', entityId: roundId, before: { phase: current }, after: { phase: next, noticeUntil: patch.notice_until } });
    return reload(tx, tenantId, roundId);
  });
  // The ballot just closed and was reshuffled: vacuum away the old row versions the votes left.
  if (detail.phase === 'proposal') await vacuumBallots(db);
  return detail;
}

/** Paper ballots counted by hand (民主测评票, 纸质): replaced as a whole while the ballot is open or the proposal is made. */
export async function savePaperTally(db: Database, ctx: RequestContext, roundId: string, input: z.output<typeof EvaluationPaperTally>): Promise<EvaluationRoundDetail> {
  const tenantId = ctx.actor.tenantId;
  await manageableRound(db, ctx, roundId);
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, tenantId, roundId);
    const round = (await findRound(tx, tenantId, roundId))!;
    readOnlyIfFinal(round);
    if (round.phase !== 'ballot' && round.phase !== 'proposal') throw new AppError('conflict', '纸质票只能在民主测评或评定意见阶段录入');
    const subjects = new Map((await subjectRows(tx, tenantId, roundId)).map((s) => [s.member_id, s]));
    const online = await countBallots(tx, tenantId, roundId);
    const issues: FieldIssue[] = [];
    if (online + input.paperBallots > round.voters) {
      issues.push({ field: 'paperBallots', message: `纸质票 ${input.paperBallots} 张加网上票 ${online} 张，超过了有表决权的党员人数 ${round.voters}` });
    }
    const sums = new Map<string, number>();
    const seen = new Set<string>();
    input.counts.forEach((c, i) => {
      const s = subjects.get(c.memberId);
      if (!s) issues.push({ field: `counts.${i}.memberId`, message: '该党员不在本次评议中' });
      else if (!s.graded) issues.push({ field: `counts.${i}.memberId`, message: `${s.name}是预备党员，不参加评定` });
      const k = `${c.memberId}/${c.grade}`;
      if (seen.has(k)) issues.push({ field: `counts.${i}`, message: '同一党员同一等次重复填写' });
      seen.add(k);
      sums.set(c.memberId, (sums.get(c.memberId) ?? 0) + c.count);
    });
    for (const [memberId, sum] of sums) {
      if (sum > input.paperBallots) issues.push({ field: 'counts', message: `${subjects.get(memberId)?.name ?? ''}的纸质票数合计 ${sum}，超过纸质票总数 ${input.paperBallots}` });
    }
    fail(issues);
    await tx.deleteFrom('evaluation_paper_tally').where('tenant_id', '=', tenantId).where('round_id', '=', roundId).execute();
    const rows = input.counts.filter((c) => c.count > 0).map((c) => ({ tenant_id: tenantId, round_id: roundId, member_id: c.memberId, grade: c.grade, count: c.count }));
    if (rows.length) await tx.insertInto('evaluation_paper_tally').values(rows).execute();
    await tx.updateTable('evaluation_round').set({ paper_ballots: input.paperBallots }).where('tenant_id', '=', tenantId).where('id', '=', roundId).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'evaluation.paper', entity: 'evaluation_round', entityId: roundId, before: { paperBallots: round.paper_ballots }, after: { paperBallots: input.paperBallots, counts: input.counts } });
    return reload(tx, tenantId, roundId);
  });
}

type GradeLine = { memberId: string; grade: EvaluationGrade; reason: string | null };

/** Checks grade lines against the subjects, the reason rule and the cap; the merged grades per member. */
function checkGrades(
  round: RoundRow,
  subjects: Awaited<ReturnType<typeof subjectRows>>,
  lines: GradeLine[],
  existing: (s: (typeof subjects)[number]) => GradeLine | null,
): Map<string, GradeLine> {
  const byId = new Map(subjects.map((s) => [s.member_id, s]));
  const issues: FieldIssue[] = [];
  const merged = new Map<string, GradeLine>();
  for (const s of subjects) {
    const e = s.graded ? existing(s) : null;
    if (e) merged.set(s.member_id, e);
  }
  lines.forEach((l, i) => {
    const s = byId.get(l.memberId);
    if (!s) return void issues.push({ field: `grades.${i}.memberId`, message: '该党员不在本次评议中' });
    if (!s.graded) return void issues.push({ field: `grades.${i}.memberId`, message: `${s.name}是预备党员，参加评议但不评定等次` });
    if (l.grade === 'unqualified' && !l.reason) issues.push({ field: `grades.${i}.reason`, message: `评定${s.name}为不合格须写明理由` });
    merged.set(l.memberId, l);
  });
  const cap = { num: round.excellent_cap_num, den: round.excellent_cap_den };
  const max = maxExcellent(round.graded, cap);
  const excellent = [...merged.values()].filter((l) => l.grade === 'excellent').length;
  if (excellent > max) {
    issues.push({ field: 'grades', message: `优秀人数不能超过参加评定党员的 ${cap.num}/${cap.den}（最多 ${max} 名），现为 ${excellent} 名` });
  }
  fail(issues);
  return merged;
}

/** The committee's proposal (支部委员会提出评定意见): grades per graded member, saved in the proposal phase. */
export async function saveProposal(db: Database, ctx: RequestContext, roundId: string, input: z.output<typeof EvaluationProposal>): Promise<EvaluationRoundDetail> {
  const tenantId = ctx.actor.tenantId;
  await manageableRound(db, ctx, roundId);
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, tenantId, roundId);
    const round = (await findRound(tx, tenantId, roundId))!;
    readOnlyIfFinal(round);
    if (round.phase !== 'proposal') throw new AppError('conflict', '评定意见只能在「评定意见」阶段填写');
    const subjects = await subjectRows(tx, tenantId, roundId);
    const merged = checkGrades(round, subjects, input.grades, (s) =>
      s.proposed_grade ? { memberId: s.member_id, grade: s.proposed_grade as EvaluationGrade, reason: s.proposed_reason } : null,
    );
    for (const l of input.grades) {
      await tx
        .updateTable('evaluation_subject')
        .set({ proposed_grade: l.grade, proposed_reason: l.reason })
        .where('tenant_id', '=', tenantId)
        .where('round_id', '=', roundId)
        .where('member_id', '=', l.memberId)
        .execute();
    }
    await recordAudit(tx, ctx, { tenantId, action: 'evaluation.proposal', entity: 'evaluation_round', entityId: roundId, after: { grades: input.grades, total: merged.size } });
    return reload(tx, tenantId, roundId);
  });
}

/**
 * The final grades (评定结果): after the notice period ends (the day after its last day), or earlier
 * when the secretary confirms it; a grade not named keeps the proposal. Afterwards read-only.
 */
export async function finalizeRound(db: Database, ctx: RequestContext, roundId: string, input: z.output<typeof EvaluationFinal>): Promise<EvaluationRoundDetail> {
  const tenantId = ctx.actor.tenantId;
  await manageableRound(db, ctx, roundId);
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, tenantId, roundId);
    const round = (await findRound(tx, tenantId, roundId))!;
    readOnlyIfFinal(round);
    if (round.phase !== 'notice') throw new AppError('conflict', '请先完成评定意见并公示');
    if (noticeRunning(round) && !input.confirmEarly) {
      throw new AppError('conflict', `公示期至 ${round.notice_until}，尚未结束；如确需提前确定，请确认`);
    }
    const subjects = await subjectRows(tx, tenantId, roundId);
    const merged = checkGrades(round, subjects, input.grades, (s) =>
      s.proposed_grade ? { memberId: s.member_id, grade: s.proposed_grade as EvaluationGrade, reason: s.proposed_reason } : null,
    );
    const missing = subjects.filter((s) => s.graded && !merged.has(s.member_id));
    if (missing.length) fail([{ field: 'grades', message: `还有 ${missing.length} 名党员没有评定等次` }]);
    for (const l of merged.values()) {
      await tx
        .updateTable('evaluation_subject')
        .set({ final_grade: l.grade, final_reason: l.reason })
        .where('tenant_id', '=', tenantId)
        .where('round_id', '=', roundId)
        .where('member_id', '=', l.memberId)
        .execute();
    }
    await tx.updateTable('evaluation_round').set({ phase: 'final', finalized_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', roundId).execute();
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'evaluation.final',
      entity: 'evaluation_round',
      entityId: roundId,
      after: { grades: [...merged.values()], confirmEarly: input.confirmEarly },
    });
    return reload(tx, tenantId, roundId);
  });
}

/** The org of a round by id, for the member side (no authorization: the caller checks membership). */
export async function roundOrgName(db: Executor, tenantId: string, orgId: string): Promise<string> {
  return (await getOrg(db, tenantId, orgId)).name;
}
