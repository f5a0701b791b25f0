import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, type Target } from '../../auth/policy.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, uniqueViolation } from '../../errors.ts';
import { listSubtrees, unitFor } from '../../directory/index.ts';
import { enqueueNotice, type NoticeSource } from '../notify/index.ts';
import {
  quarterDays,
  quarterOf,
  type CommentBody,
  type InflowBody,
  type OpenRoundBody,
  type ReviewEntry,
  type ReviewRound,
  type ReviewRoundList,
  type ScoreBody,
} from '../../../shared/api-reviews.ts';
import { gatherEvidence } from './evidence-repo.ts';
import { entriesQuery, findRound, fullyScored, listRounds, mobileMembersOf, presentEntry, type RoundRow } from './repo.ts';
import { rubricFor } from './rubric.ts';

const orgTarget = (tenantId: string, path: string): Target => ({ kind: 'org', tenantId, path });

/** A result notice is seen once the member opened their result (my-review.ts markResultSeen). */
export const reviewNoticeSource: NoticeSource = {
  async seen(db, tenantId, roundId, memberIds) {
    if (memberIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('review_entry')
      .select('member_id')
      .where('tenant_id', '=', tenantId)
      .where('round_id', '=', roundId)
      .where('member_id', 'in', memberIds)
      .where('seen_at', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.member_id));
  },
};

/** A round the caller may manage (review.manage on its unit), or 404. */
export async function loadRound(db: Executor, ctx: RequestContext, roundId: string): Promise<RoundRow> {
  const round = await findRound(db, ctx.actor.tenantId, roundId);
  if (!round) throw notFound('评议');
  authorize(ctx.actor, 'review.manage', orgTarget(ctx.actor.tenantId, round.org_path));
  return round;
}

/** The China days a quarter's evidence covers: the quarter's, up to today while it runs. */
export function evidencePeriod(quarter: string, today: string): { from: string; to: string } {
  const { from, to } = quarterDays(quarter);
  return { from, to: to < today ? to : today };
}

const STATUS_WORDS: Record<string, string> = { open: '自我小结中', scoring: '评分中', published: '已公布', closed: '已结束' };

function requireStatus(round: RoundRow, allowed: RoundRow['status'][], doing: string): void {
  if (!allowed.includes(round.status)) throw new AppError('conflict', `该评议${STATUS_WORDS[round.status]}，不能${doing}`);
}

export async function getRound(db: Executor, ctx: RequestContext, roundId: string): Promise<ReviewRound> {
  const round = await loadRound(db, ctx, roundId);
  const rows = await entriesQuery(db, ctx.actor.tenantId).where('e.round_id', '=', round.id).execute();
  const entries = rows.map(presentEntry);
  return {
    id: round.id,
    orgId: round.org_id,
    orgName: round.org_name,
    quarter: round.quarter,
    status: round.status,
    openedAt: round.opened_at.toISOString(),
    publishedAt: round.published_at?.toISOString() ?? null,
    members: entries.length,
    submitted: entries.filter((e) => e.submittedAt).length,
    scored: entries.filter((e) => fullyScored(round.rubric, e.scores)).length,
    rubric: round.rubric,
    entries,
  };
}

export async function listReviewRounds(db: Executor, ctx: RequestContext, query: { orgId?: string | undefined }): Promise<ReviewRoundList> {
  const paths = await listSubtrees(db, ctx, 'review.manage', query.orgId);
  return { items: await listRounds(db, ctx.actor.tenantId, paths) };
}

/**
 * Opens the review of a unit for a quarter (this one or an earlier one): an entry for each of its
 * mobile members today (an open mobility record), with the evidence gathered now and the unit's
 * rubric kept as a snapshot. The same unit and quarter twice is a conflict.
 */
export async function openRound(db: Database, ctx: RequestContext, body: OpenRoundBody): Promise<ReviewRound> {
  const { actor } = ctx;
  const org = await unitFor(db, ctx, 'review.manage', body.orgId);
  const today = shanghaiDate();
  if (body.quarter > quarterOf(today)) {
    throw new AppError('validation_failed', '不能为尚未开始的季度开启评议', [{ field: 'quarter', message: '不能为尚未开始的季度开启评议' }]);
  }
  const existing = await db.selectFrom('review_round').select('id').where('tenant_id', '=', actor.tenantId).where('org_id', '=', org.id).where('quarter', '=', body.quarter).executeTakeFirst();
  if (existing) throw new AppError('conflict', `${org.name}（${body.quarter}）的季度评议已开启`);
  const { items } = await rubricFor(db, actor.tenantId, org.path);
  const memberIds = await mobileMembersOf(db, actor.tenantId, org.path);
  const evidence = await gatherEvidence(db, actor.tenantId, memberIds, evidencePeriod(body.quarter, today));
  let roundId: string;
  try {
    roundId = await db.transaction().execute(async (tx) => {
      const now = clock.now();
      const { id } = await tx
        .insertInto('review_round')
        .values({ tenant_id: actor.tenantId, org_id: org.id, quarter: body.quarter, status: 'open', rubric: JSON.stringify(items), opened_by: actor.accountId, opened_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (memberIds.length) {
        await tx
          .insertInto('review_entry')
          .values(memberIds.map((memberId) => ({ tenant_id: actor.tenantId, round_id: id, member_id: memberId, evidence: JSON.stringify(evidence.get(memberId)), gathered_at: now })))
          .execute();
      }
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.round_open', entity: 'review_round', entityId: id, after: { orgId: org.id, quarter: body.quarter, members: memberIds.length } });
      return id;
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', `${org.name}（${body.quarter}）的季度评议已开启`);
    throw err;
  }
  return getRound(db, ctx, roundId);
}

/** Gathers every entry's evidence again (up to today), while the round is open or being scored. */
export async function refreshEvidence(db: Database, ctx: RequestContext, roundId: string): Promise<ReviewRound> {
  const { actor } = ctx;
  const round = await loadRound(db, ctx, roundId);
  requireStatus(round, ['open', 'scoring'], '更新记录');
  const members = await db.selectFrom('review_entry').select('member_id').where('tenant_id', '=', actor.tenantId).where('round_id', '=', round.id).execute();
  const ids = members.map((m) => m.member_id);
  const evidence = await gatherEvidence(db, actor.tenantId, ids, evidencePeriod(round.quarter, shanghaiDate()));
  await db.transaction().execute(async (tx) => {
    const now = clock.now();
    for (const id of ids) {
      await tx.updateTable('review_entry').set({ evidence: JSON.stringify(evidence.get(id)), gathered_at: now }).where('tenant_id', '=', actor.tenantId).where('round_id', '=', round.id).where('member_id', '=', id).execute();
    }
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.evidence_refresh', entity: 'review_round', entityId: round.id, after: { members: ids.length } });
  });
  return getRound(db, ctx, roundId);
}

/** Closes the self-summaries: the secretary scores from now on. */
export async function startScoring(db: Database, ctx: RequestContext, roundId: string): Promise<ReviewRound> {
  const { actor } = ctx;
  const round = await loadRound(db, ctx, roundId);
  if (round.status === 'scoring') return getRound(db, ctx, roundId);
  requireStatus(round, ['open'], '开始评分');
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('review_round').set({ status: 'scoring', scoring_at: clock.now() }).where('tenant_id', '=', actor.tenantId).where('id', '=', round.id).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.scoring_start', entity: 'review_round', entityId: round.id, before: { status: 'open' }, after: { status: 'scoring' } });
  });
  return getRound(db, ctx, roundId);
}

/** Publishes the results to the members: every entry must be scored on every item. */
export async function publishRound(db: Database, ctx: RequestContext, roundId: string): Promise<ReviewRound> {
  const { actor } = ctx;
  const round = await loadRound(db, ctx, roundId);
  if (round.status === 'published') return getRound(db, ctx, roundId);
  requireStatus(round, ['scoring'], '公布结果');
  await db.transaction().execute(async (tx) => {
    // The round locked, its status and "fully scored" are checked here: a score cleared or a second
    // publication meanwhile waits for this one (scoreEntry takes the same lock).
    const locked = await lockRound(tx, actor.tenantId, round.id);
    if (locked === 'published') return;
    requireStatus({ ...round, status: locked }, ['scoring'], '公布结果');
    const entries = await tx.selectFrom('review_entry').select(['member_id', 'scores']).where('tenant_id', '=', actor.tenantId).where('round_id', '=', round.id).execute();
    const unscored = entries.filter((e) => !fullyScored(round.rubric, e.scores as Record<string, number>)).length;
    if (unscored > 0) throw new AppError('conflict', `还有 ${unscored} 名党员未评完分，不能公布`);
    const now = clock.now();
    await tx.updateTable('review_round').set({ status: 'published', published_at: now }).where('tenant_id', '=', actor.tenantId).where('id', '=', round.id).execute();
    await tx.updateTable('review_entry').set({ published_at: now }).where('tenant_id', '=', actor.tenantId).where('round_id', '=', round.id).execute();
    // Each member hears of their own result (a personal notice: no line in the groups' digests).
    await enqueueNotice(
      tx,
      { tenantId: actor.tenantId, sourceKind: 'review.published', sourceId: round.id, title: '您的季度评议结果已公布', path: 'review' },
      entries.map((e) => e.member_id),
      { personal: true, now },
    );
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.publish', entity: 'review_round', entityId: round.id, before: { status: 'scoring' }, after: { status: 'published', members: entries.length } });
  });
  return getRound(db, ctx, roundId);
}

/** Locks the round's row for this transaction and reads its status as it is now. */
async function lockRound(tx: Executor, tenantId: string, roundId: string): Promise<RoundRow['status']> {
  const row = await tx.selectFrom('review_round').select('status').where('tenant_id', '=', tenantId).where('id', '=', roundId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('评议');
  return row.status as RoundRow['status'];
}

// ---------- one member's entry ----------

async function loadEntry(db: Executor, tenantId: string, roundId: string, memberId: string) {
  const row = await entriesQuery(db, tenantId).where('e.round_id', '=', roundId).where('e.member_id', '=', memberId).executeTakeFirst();
  if (!row) throw notFound('评议对象');
  return row;
}

/** Records (or clears, with null) the opinion of the party organization where the member works (流入地). */
export async function recordInflowOpinion(db: Database, ctx: RequestContext, roundId: string, memberId: string, body: InflowBody): Promise<ReviewEntry> {
  const { actor } = ctx;
  const round = await loadRound(db, ctx, roundId);
  requireStatus(round, ['open', 'scoring'], '修改流入地意见');
  const before = await loadEntry(db, actor.tenantId, round.id, memberId);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('review_entry')
      .set({ inflow_opinion: body.inflowOpinion ? JSON.stringify(body.inflowOpinion) : null, inflow_at: body.inflowOpinion ? clock.now() : null })
      .where('tenant_id', '=', actor.tenantId)
      .where('round_id', '=', round.id)
      .where('member_id', '=', memberId)
      .execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.inflow', entity: 'review_entry', entityId: round.id, before: { memberId, inflowOpinion: before.inflow_opinion }, after: { memberId, inflowOpinion: body.inflowOpinion } });
  });
  return presentEntry(await loadEntry(db, actor.tenantId, round.id, memberId));
}

/**
 * Scores some items of a member's entry (0..the item's points, whole numbers; null clears one) while
 * the round is being scored. The total is the sum of the scores, computed here.
 */
export async function scoreEntry(db: Database, ctx: RequestContext, roundId: string, memberId: string, body: ScoreBody): Promise<ReviewEntry> {
  const { actor } = ctx;
  const round = await loadRound(db, ctx, roundId);
  requireStatus(round, ['scoring'], '评分');
  const issues = Object.entries(body.scores).flatMap(([key, score]) => {
    const item = round.rubric.find((i) => i.key === key);
    if (!item) return [{ field: `scores.${key}`, message: `评分项“${key}”不在本次评议的评分表中` }];
    if (score !== null && score > item.points) return [{ field: `scores.${key}`, message: `“${item.title}”的分数应在 0 到 ${item.points} 之间` }];
    return [];
  });
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  await loadEntry(db, actor.tenantId, round.id, memberId);
  await db.transaction().execute(async (tx) => {
    // The round locked (still being scored, not published meanwhile) and the entry locked: the scores
    // are merged with what is stored now, so two people scoring other items of one member both count.
    requireStatus({ ...round, status: await lockRound(tx, actor.tenantId, round.id) }, ['scoring'], '评分');
    const before = await tx
      .selectFrom('review_entry')
      .select(['scores', 'total'])
      .where('tenant_id', '=', actor.tenantId)
      .where('round_id', '=', round.id)
      .where('member_id', '=', memberId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const scores: Record<string, number> = { ...(before.scores as Record<string, number> | null) };
    for (const [key, score] of Object.entries(body.scores)) {
      if (score === null) delete scores[key];
      else scores[key] = score;
    }
    const values = Object.values(scores);
    const total = values.length ? values.reduce((n, v) => n + v, 0) : null;
    await tx.updateTable('review_entry').set({ scores: JSON.stringify(scores), total }).where('tenant_id', '=', actor.tenantId).where('round_id', '=', round.id).where('member_id', '=', memberId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.score', entity: 'review_entry', entityId: round.id, before: { memberId, scores: before.scores, total: before.total }, after: { memberId, scores, total } });
  });
  return presentEntry(await loadEntry(db, actor.tenantId, round.id, memberId));
}

/** The secretary's comment on a member's entry (empty clears it), before the results are published. */
export async function commentEntry(db: Database, ctx: RequestContext, roundId: string, memberId: string, body: CommentBody): Promise<ReviewEntry> {
  const { actor } = ctx;
  const round = await loadRound(db, ctx, roundId);
  requireStatus(round, ['open', 'scoring'], '修改评语');
  const before = await loadEntry(db, actor.tenantId, round.id, memberId);
  const comment = body.comment || null;
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('review_entry').set({ comment }).where('tenant_id', '=', actor.tenantId).where('round_id', '=', round.id).where('member_id', '=', memberId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.comment', entity: 'review_entry', entityId: round.id, before: { memberId, comment: before.comment }, after: { memberId, comment } });
  });
  return presentEntry(await loadEntry(db, actor.tenantId, round.id, memberId));
}
