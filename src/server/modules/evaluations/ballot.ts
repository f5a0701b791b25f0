import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { requireMember } from '../../directory/index.ts';
import { clock } from '../../clock.ts';
import { rewriteBallots } from './repo.ts';
import type { BallotInput, EvaluationGrade, EvaluationPhase, MyEvaluation, MyEvaluationDetail, MyEvaluationList, SelfEvaluationInput } from '../../../shared/api-evaluations.ts';

/**
 * 民主评议党员, the member's side: the rounds one takes part in, the self-evaluation (from anywhere:
 * mobile members write it on the phone) and the secret ballot.
 *
 * The ballot is secret and counted once. Casting locks the voter's row, flips `voted` and inserts
 * the ballot — grades under a random id, no voter, no time, no order; every earlier ballot of the
 * round rewritten with it (repo.ts rewriteBallots) — in one transaction: a second
 * ballot is refused (409 already_voted, 你已投过票), two phones at once give one ballot. The audit entry names the
 * voter and the round, never the grades; nothing logs them. A resend from the phone carries the same
 * `receipt` (a random key chosen before the grades) and is answered as done.
 */

interface MyRow {
  id: string;
  org_name: string;
  year: number;
  phase: string;
  notice_until: string | null;
  is_subject: boolean;
  graded: boolean;
  self_text: string | null;
  self_submitted_at: Date | null;
  final_grade: string | null;
  can_vote: boolean;
  voted: boolean;
}

function myRounds(db: Executor, tenantId: string, memberId: string) {
  return sql<MyRow>`
    SELECT r.id, o.name AS org_name, r.year, r.phase, r.notice_until::text AS notice_until,
           s.member_id IS NOT NULL AS is_subject, COALESCE(s.graded, false) AS graded,
           s.self_text, s.self_submitted_at, CASE WHEN r.phase = 'final' THEN s.final_grade END AS final_grade,
           v.member_id IS NOT NULL AS can_vote, COALESCE(v.voted, false) AS voted
      FROM evaluation_round r
      JOIN org o ON o.tenant_id = r.tenant_id AND o.id = r.org_id
      LEFT JOIN evaluation_subject s ON s.tenant_id = r.tenant_id AND s.round_id = r.id AND s.member_id = ${memberId}
      LEFT JOIN evaluation_voter v ON v.tenant_id = r.tenant_id AND v.round_id = r.id AND v.member_id = ${memberId}
     WHERE r.tenant_id = ${tenantId} AND (s.member_id IS NOT NULL OR v.member_id IS NOT NULL)`;
}

function present(r: MyRow): MyEvaluation {
  const phase = r.phase as EvaluationPhase;
  const waiting = (phase === 'self' && r.is_subject && !r.self_submitted_at) || (phase === 'ballot' && r.can_vote && !r.voted);
  return {
    id: r.id,
    orgName: r.org_name,
    year: r.year,
    phase,
    graded: r.graded,
    isSubject: r.is_subject,
    selfText: r.self_text,
    selfSubmittedAt: r.self_submitted_at ? new Date(r.self_submitted_at).toISOString() : null,
    canVote: r.can_vote,
    voted: r.voted,
    noticeUntil: r.notice_until,
    myGrade: (r.final_grade as EvaluationGrade | null) ?? null,
    waiting,
  };
}

export async function listMyEvaluations(db: Database, ctx: RequestContext): Promise<MyEvaluationList> {
  const memberId = requireMember(ctx);
  const rows = await sql<MyRow>`SELECT * FROM (${myRounds(db, ctx.actor.tenantId, memberId)}) t ORDER BY year DESC, id LIMIT 20`.execute(db);
  return { items: rows.rows.map(present) };
}

async function myRound(db: Executor, ctx: RequestContext, roundId: string): Promise<MyEvaluation> {
  const memberId = requireMember(ctx);
  const rows = await sql<MyRow>`SELECT * FROM (${myRounds(db, ctx.actor.tenantId, memberId)}) t WHERE id = ${roundId}`.execute(db);
  const row = rows.rows[0];
  if (!row) {
    const exists = await db.selectFrom('evaluation_round').select('id').where('tenant_id', '=', ctx.actor.tenantId).where('id', '=', roundId).executeTakeFirst();
    if (exists) throw new AppError('forbidden', '你不在本次评议的党员名单中');
    throw notFound('民主评议');
  }
  return present(row);
}

/** The graded members of a round, as the ballot lists them. */
async function ballotSubjects(db: Executor, tenantId: string, roundId: string) {
  return db
    .selectFrom('evaluation_subject as s')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 's.tenant_id').onRef('m.id', '=', 's.member_id'))
    .where('s.tenant_id', '=', tenantId)
    .where('s.round_id', '=', roundId)
    .select(['s.member_id', 'm.name', 's.graded'])
    .orderBy('m.name_sort_key')
    .orderBy('m.id')
    .execute();
}

export async function getMyEvaluation(db: Database, ctx: RequestContext, roundId: string): Promise<MyEvaluationDetail> {
  const mine = await myRound(db, ctx, roundId);
  const showBallot = mine.phase === 'ballot' && mine.canVote && !mine.voted;
  const ballot = showBallot
    ? (await ballotSubjects(db, ctx.actor.tenantId, roundId)).filter((s) => s.graded).map((s) => ({ memberId: s.member_id, name: s.name }))
    : [];
  return { ...mine, ballot };
}

/** Writes (or rewrites) one's self-evaluation while the round is in its self-evaluation phase. */
export async function submitSelfEvaluation(db: Database, ctx: RequestContext, roundId: string, input: z.output<typeof SelfEvaluationInput>): Promise<MyEvaluationDetail> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const mine = await myRound(db, ctx, roundId);
  if (!mine.isSubject) throw new AppError('forbidden', '你不在本次评议的党员名单中');
  if (mine.phase !== 'self') throw new AppError('conflict', mine.phase === 'study' ? '自评尚未开始' : '自评阶段已结束');
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('evaluation_subject')
      .set({ self_text: input.text, self_submitted_at: clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('round_id', '=', roundId)
      .where('member_id', '=', memberId)
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'evaluation.self', entity: 'evaluation_round', entityId: roundId, after: { memberId, length: input.text.length } });
  });
  return getMyEvaluation(db, ctx, roundId);
}

const receiptHash = (receipt: string): string => createHash('sha256').update(`evaluation-ballot:${receipt.toLowerCase()}`).digest('hex');

/** Checks a ballot grades every graded member of the round and nobody else. */
function checkBallot(subjects: Awaited<ReturnType<typeof ballotSubjects>>, grades: Record<string, EvaluationGrade>): void {
  const byId = new Map(subjects.map((s) => [s.member_id, s]));
  const issues: FieldIssue[] = [];
  for (const id of Object.keys(grades)) {
    const s = byId.get(id);
    if (!s) issues.push({ field: `grades.${id}`, message: `${id.slice(0, 40)} 不是本次评议的党员` });
    else if (!s.graded) issues.push({ field: `grades.${id}`, message: `${s.name}是预备党员，不参加评定` });
  }
  for (const s of subjects) {
    if (s.graded && !grades[s.member_id]) issues.push({ field: `grades.${s.member_id}`, message: `请为${s.name}选择评定等次` });
  }
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

export async function castBallot(db: Database, ctx: RequestContext, roundId: string, input: z.output<typeof BallotInput>): Promise<{ voted: true }> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const hash = receiptHash(input.receipt);
  const subjects = await ballotSubjects(db, tenantId, roundId);
  return db.transaction().execute(async (tx) => {
    // The round shared (a change of phase waits), the voter's row for update (a second phone waits).
    const round = await sql<{ phase: string }>`SELECT phase FROM evaluation_round WHERE tenant_id = ${tenantId} AND id = ${roundId} FOR SHARE`.execute(tx);
    const phase = round.rows[0]?.phase;
    if (!phase) throw notFound('民主评议');
    const voter = await sql<{ voted: boolean; receipt_hash: string | null }>`
      SELECT voted, receipt_hash FROM evaluation_voter WHERE tenant_id = ${tenantId} AND round_id = ${roundId} AND member_id = ${memberId} FOR UPDATE`.execute(tx);
    const v = voter.rows[0];
    if (!v) throw new AppError('forbidden', '你不在本次民主测评的投票人名单中');
    if (v.voted) {
      if (v.receipt_hash === hash) return { voted: true as const };
      throw new AppError('already_voted', '你已投过票');
    }
    if (phase !== 'ballot') {
      const before = ['study', 'self', 'peer'].includes(phase);
      throw new AppError('conflict', before ? '民主测评尚未开始' : '投票已结束');
    }
    checkBallot(subjects, input.grades);
    await tx
      .updateTable('evaluation_voter')
      .set({ voted: true, receipt_hash: hash })
      .where('tenant_id', '=', tenantId)
      .where('round_id', '=', roundId)
      .where('member_id', '=', memberId)
      .execute();
    // Only the graded members' grades, in a fixed key order: nothing of the voter's own request kept.
    const grades: Record<string, EvaluationGrade> = {};
    for (const s of subjects) if (s.graded) grades[s.member_id] = input.grades[s.member_id] as EvaluationGrade;
    // Every ballot of the round written again with this one (new ids, random order): all share this xmin.
    await rewriteBallots(tx, tenantId, roundId, grades);
    await recordAudit(tx, ctx, { tenantId, action: 'evaluation.vote', entity: 'evaluation_round', entityId: roundId, after: { memberId } });
    return { voted: true as const };
  });
}
