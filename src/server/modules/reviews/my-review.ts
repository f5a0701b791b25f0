import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { requireMember } from '../../directory/index.ts';
import type { MyReview, RubricItem, SelfSummaryBody } from '../../../shared/api-reviews.ts';

/**
 * The member's own review: the open round they may write their self-summary for, and their
 * published results with the comment (newest quarter first). Nothing of a round not yet published
 * — scores, total, comment — reaches the member.
 */
export async function myReview(db: Executor, ctx: RequestContext): Promise<MyReview> {
  const memberId = requireMember(ctx);
  const rows = await db
    .selectFrom('review_entry as e')
    .innerJoin('review_round as r', (j) => j.onRef('r.tenant_id', '=', 'e.tenant_id').onRef('r.id', '=', 'e.round_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .select(['r.id', 'r.quarter', 'r.status', 'r.rubric', 'o.name as org_name', 'e.self_summary', 'e.submitted_at', 'e.scores', 'e.total', 'e.comment', 'e.published_at', 'e.seen_at'])
    .where('e.tenant_id', '=', ctx.actor.tenantId)
    .where('e.member_id', '=', memberId)
    .orderBy('r.quarter', 'desc')
    .execute();
  const open = rows.find((r) => r.status === 'open');
  return {
    open: open
      ? { roundId: open.id, quarter: open.quarter, orgName: open.org_name, selfSummary: open.self_summary, submittedAt: open.submitted_at?.toISOString() ?? null }
      : null,
    results: rows
      .filter((r) => r.published_at && (r.status === 'published' || r.status === 'closed'))
      .map((r) => {
        const scores = (r.scores as Record<string, number>) ?? {};
        return {
          roundId: r.id,
          quarter: r.quarter,
          orgName: r.org_name,
          items: (r.rubric as RubricItem[]).map((i) => ({ key: i.key, title: i.title, points: i.points, score: scores[i.key] ?? null })),
          total: r.total,
          comment: r.comment,
          publishedAt: (r.published_at as Date).toISOString(),
          seenAt: r.seen_at?.toISOString() ?? null,
        };
      }),
  };
}

async function ownEntry(db: Executor, tenantId: string, roundId: string, memberId: string) {
  const row = await db
    .selectFrom('review_entry as e')
    .innerJoin('review_round as r', (j) => j.onRef('r.tenant_id', '=', 'e.tenant_id').onRef('r.id', '=', 'e.round_id'))
    .select(['r.status', 'e.self_summary', 'e.published_at', 'e.seen_at'])
    .where('e.tenant_id', '=', tenantId)
    .where('e.round_id', '=', roundId)
    .where('e.member_id', '=', memberId)
    .executeTakeFirst();
  // A round the member is not part of is as if it did not exist.
  if (!row) throw notFound('评议');
  return row;
}

/** Writes or rewrites the member's self-summary while the round is open (the same text twice writes once). */
export async function saveSelfSummary(db: Database, ctx: RequestContext, roundId: string, body: SelfSummaryBody): Promise<MyReview> {
  const { actor } = ctx;
  const memberId = requireMember(ctx);
  const entry = await ownEntry(db, actor.tenantId, roundId, memberId);
  if (entry.status !== 'open') throw new AppError('conflict', '自我小结已截止，不能再修改');
  if (entry.self_summary !== body.text) {
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('review_entry')
        .set({ self_summary: body.text, submitted_at: clock.now() })
        .where('tenant_id', '=', actor.tenantId)
        .where('round_id', '=', roundId)
        .where('member_id', '=', memberId)
        .execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.self_summary', entity: 'review_entry', entityId: roundId, before: { memberId, length: entry.self_summary?.length ?? 0 }, after: { memberId, length: body.text.length } });
    });
  }
  return myReview(db, ctx);
}

/** The member has seen their published result (首页 stops pointing at it). */
export async function markResultSeen(db: Database, ctx: RequestContext, roundId: string): Promise<MyReview> {
  const { actor } = ctx;
  const memberId = requireMember(ctx);
  const entry = await ownEntry(db, actor.tenantId, roundId, memberId);
  if (!entry.published_at) throw notFound('评议结果');
  if (!entry.seen_at) {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('review_entry').set({ seen_at: clock.now() }).where('tenant_id', '=', actor.tenantId).where('round_id', '=', roundId).where('member_id', '=', memberId).where('seen_at', 'is', null).execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.result_seen', entity: 'review_entry', entityId: roundId, after: { memberId } });
    });
  }
  return myReview(db, ctx);
}
