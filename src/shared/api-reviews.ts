import { z } from 'zod';
import { REVIEW_EVIDENCE_KINDS, REVIEW_ROUND_STATUSES } from './enums.ts';

/**
 * 季度一评议: the quarterly review of a unit's mobile members. A round per unit and quarter; each
 * mobile member's entry carries the evidence gathered from the data (classes, pushes read, shares,
 * questions, talks, service logs and 四个一 pledges), their self-summary from the phone, the
 * opinion of the party organization where they work (流入地), the secretary's scores per rubric item
 * (the total is computed by the server), and a comment. Members see their result once published.
 */

/** A quarter, 'YYYY-Qn'. */
export const Quarter = z.string().regex(/^\d{4}-Q[1-4]$/, '季度格式应为 YYYY-Qn，例如 2026-Q3');
export const ReviewEvidenceKind = z.enum(REVIEW_EVIDENCE_KINDS);
export type ReviewEvidenceKind = z.infer<typeof ReviewEvidenceKind>;
export const ReviewRoundStatus = z.enum(REVIEW_ROUND_STATUSES);
export type ReviewRoundStatus = z.infer<typeof ReviewRoundStatus>;

/** One item of a rubric: its key (scores are kept per key), title, points and the evidence shown beside it. */
export const RubricItem = z.object({
  key: z.string().regex(/^[a-z0-9_]{1,32}$/, '评分项代码只能是小写字母、数字和下划线（最多 32 个）'),
  title: z.string().trim().min(1, '请填写评分项名称').max(30, '评分项名称不能超过 30 字'),
  points: z.number().int('分值应为整数').min(1, '分值至少为 1').max(100, '分值不能超过 100'),
  evidence: z.array(ReviewEvidenceKind).max(REVIEW_EVIDENCE_KINDS.length).default([]),
});
export type RubricItem = z.infer<typeof RubricItem>;

/** An organization's rubric; `isDefault` when the organization has set none of its own. */
export const Rubric = z.object({
  orgId: z.uuid(),
  orgName: z.string(),
  isDefault: z.boolean(),
  items: z.array(RubricItem),
  total: z.number(),
});
export type Rubric = z.infer<typeof Rubric>;
/** The items must add up to 100 (checked by the server with a clear message). */
export const RubricBody = z.object({ items: z.array(RubricItem).min(1, '至少需要一个评分项').max(12, '评分项不能超过 12 个') });
export type RubricBody = z.infer<typeof RubricBody>;

/** A count of evidence, or null when the data does not exist yet (shown as 暂无此项记录). */
const Count = z.number().int().nullable();
export const ReviewEvidence = z.object({
  /** the quarter's China days the evidence covers (to: today while the quarter runs) */
  from: z.string(),
  to: z.string(),
  classes: z.object({ attended: z.number(), madeUp: z.number(), missed: z.number() }),
  pushes: z.object({ delivered: z.number(), read: z.number() }),
  shares: Count,
  questions: Count,
  talks: Count,
  service: Count,
  pledges: Count,
});
export type ReviewEvidence = z.infer<typeof ReviewEvidence>;

export const InflowOpinion = z.object({
  orgName: z.string().trim().min(1, '请填写流入地党组织名称').max(60, '流入地党组织名称不能超过 60 字'),
  text: z.string().trim().min(1, '请填写流入地党组织意见').max(1000, '流入地党组织意见不能超过 1000 字'),
});
export type InflowOpinion = z.infer<typeof InflowOpinion>;

export const ReviewEntry = z.object({
  memberId: z.uuid(),
  memberName: z.string(),
  placeName: z.string().nullable(),
  evidence: ReviewEvidence,
  gatheredAt: z.string(),
  selfSummary: z.string().nullable(),
  submittedAt: z.string().nullable(),
  inflowOpinion: InflowOpinion.nullable(),
  /** score per rubric item key; an item not yet scored is absent */
  scores: z.record(z.string(), z.number()),
  total: z.number().nullable(),
  comment: z.string().nullable(),
  publishedAt: z.string().nullable(),
  seenAt: z.string().nullable(),
});
export type ReviewEntry = z.infer<typeof ReviewEntry>;

export const ReviewRoundSummary = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  orgName: z.string(),
  quarter: z.string(),
  status: ReviewRoundStatus,
  openedAt: z.string(),
  publishedAt: z.string().nullable(),
  members: z.number(),
  submitted: z.number(),
  scored: z.number(),
});
export type ReviewRoundSummary = z.infer<typeof ReviewRoundSummary>;
export const ReviewRoundList = z.object({ items: z.array(ReviewRoundSummary) });
export type ReviewRoundList = z.infer<typeof ReviewRoundList>;
export const ReviewRoundQuery = z.object({ orgId: z.uuid().optional() });

export const ReviewRound = ReviewRoundSummary.extend({
  rubric: z.array(RubricItem),
  entries: z.array(ReviewEntry),
});
export type ReviewRound = z.infer<typeof ReviewRound>;

export const OpenRoundBody = z.object({ orgId: z.uuid(), quarter: Quarter });
export type OpenRoundBody = z.infer<typeof OpenRoundBody>;
/** Scores of some items (0..the item's points, whole numbers); null clears an item's score. */
export const ScoreBody = z.object({ scores: z.record(z.string(), z.number().int('分数应为整数').min(0, '分数不能小于 0').nullable()) });
export type ScoreBody = z.infer<typeof ScoreBody>;
export const CommentBody = z.object({ comment: z.string().trim().max(1000, '评语不能超过 1000 字') });
export type CommentBody = z.infer<typeof CommentBody>;
export const InflowBody = z.object({ inflowOpinion: InflowOpinion.nullable() });
export type InflowBody = z.infer<typeof InflowBody>;

// ---------- the member's own ----------

export const SelfSummaryBody = z.object({
  text: z.string().trim().min(1, '请填写自我小结').max(1000, '自我小结不能超过 1000 字'),
});
export type SelfSummaryBody = z.infer<typeof SelfSummaryBody>;

export const MyReviewResult = z.object({
  roundId: z.uuid(),
  quarter: z.string(),
  orgName: z.string(),
  items: z.array(z.object({ key: z.string(), title: z.string(), points: z.number(), score: z.number().nullable() })),
  total: z.number().nullable(),
  comment: z.string().nullable(),
  publishedAt: z.string(),
  /** first seen by the member (null: new) */
  seenAt: z.string().nullable(),
});
export type MyReviewResult = z.infer<typeof MyReviewResult>;

export const MyReview = z.object({
  /** the round the member may write a self-summary for (status open), else null */
  open: z
    .object({
      roundId: z.uuid(),
      quarter: z.string(),
      orgName: z.string(),
      selfSummary: z.string().nullable(),
      submittedAt: z.string().nullable(),
    })
    .nullable(),
  /** published results, newest quarter first */
  results: z.array(MyReviewResult),
});
export type MyReview = z.infer<typeof MyReview>;

// ---------- quarters ----------

/** The quarter a China day falls in: '2026-08-15' → '2026-Q3'. */
export function quarterOf(day: string): string {
  const month = Number(day.slice(5, 7));
  return `${day.slice(0, 4)}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The first and last China day of a quarter: '2026-Q3' → 2026-07-01 .. 2026-09-30. */
export function quarterDays(quarter: string): { from: string; to: string } {
  const year = quarter.slice(0, 4);
  const q = Number(quarter.slice(6, 7));
  const first = (q - 1) * 3 + 1;
  const last = first + 2;
  const lastDay = [31, 30, 30, 31][q - 1];
  return { from: `${year}-${String(first).padStart(2, '0')}-01`, to: `${year}-${String(last).padStart(2, '0')}-${lastDay}` };
}

/** The quarter before: '2026-Q1' → '2025-Q4'. */
export function previousQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6, 7));
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}
