import { z } from 'zod';
import { EVALUATION_GRADES, EVALUATION_PHASES } from './enums.ts';
import { DateString, Uuid } from './primitives.ts';

/**
 * 民主评议党员, the annual evaluation of a branch's members: rounds with their phases (学习 → 自评 →
 * 互评 → 民主测评 → 支委会提出评定意见 → 公示 → 评定), the secret ballot, paper ballot counts, the
 * committee's proposal with the 优秀 cap, the notice period and the final grades. Console calls under
 * /api/evaluations, the member's own under /api/me/evaluations. Timestamps ISO, dates 'YYYY-MM-DD'.
 */

export const EvaluationPhase = z.enum(EVALUATION_PHASES);
export type EvaluationPhase = z.infer<typeof EvaluationPhase>;
export const EvaluationGrade = z.enum(EVALUATION_GRADES);
export type EvaluationGrade = z.infer<typeof EvaluationGrade>;

/** Votes per grade for one subject: online ballots and paper ballots together. */
export const GradeCounts = z.object({ excellent: z.number(), qualified: z.number(), basic: z.number(), unqualified: z.number() });
export type GradeCounts = z.infer<typeof GradeCounts>;

/** The cap on 优秀 as a fraction of the graded members (default 1/3). */
export const ExcellentCap = z.object({
  num: z.number().int().min(0).max(100),
  den: z.number().int().min(1).max(100),
});
export type ExcellentCap = z.infer<typeof ExcellentCap>;

export const EvaluationRoundSummary = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  year: z.number(),
  phase: EvaluationPhase,
  /** members graded (full members) / taking part (with probationary members) */
  graded: z.number(),
  subjects: z.number(),
  /** eligible voters and how many of them voted online */
  voters: z.number(),
  voted: z.number(),
  noticeUntil: DateString.nullable(),
  createdAt: z.string(),
});
export type EvaluationRoundSummary = z.infer<typeof EvaluationRoundSummary>;

export const EvaluationRoundList = z.object({ items: z.array(EvaluationRoundSummary) });
export type EvaluationRoundList = z.infer<typeof EvaluationRoundList>;

export const EvaluationRoundQuery = z.object({
  orgId: Uuid.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

export const CreateEvaluationRound = z.object({
  orgId: Uuid,
  year: z.number().int().min(2000, '年度不正确').max(2100, '年度不正确'),
});

export const EvaluationSubject = z.object({
  memberId: Uuid,
  name: z.string(),
  /** false for a probationary member (预备党员): takes part, not graded */
  graded: z.boolean(),
  mobile: z.boolean(),
  selfText: z.string().nullable(),
  selfSubmittedAt: z.string().nullable(),
  tally: GradeCounts,
  proposedGrade: EvaluationGrade.nullable(),
  proposedReason: z.string().nullable(),
  finalGrade: EvaluationGrade.nullable(),
  finalReason: z.string().nullable(),
});
export type EvaluationSubject = z.infer<typeof EvaluationSubject>;

export const EvaluationRoundDetail = EvaluationRoundSummary.extend({
  cap: ExcellentCap,
  /** the most 优秀 this round allows: floor(graded × cap) */
  maxExcellent: z.number(),
  peerMeetingOn: DateString.nullable(),
  peerNote: z.string().nullable(),
  onlineBallots: z.number(),
  paperBallots: z.number(),
  /**
   * The count is open (评定意见 or later). While the ballot runs, every subject's tally is zeros and
   * only the numbers of ballots show: a secretary looking between two votes would see one person's grades.
   */
  tallyOpen: z.boolean(),
  /** In 公示 and its last day not yet past, by the server's clock in China (finalizing then needs confirmEarly). */
  noticeRunning: z.boolean(),
  finalizedAt: z.string().nullable(),
  subjects: z.array(EvaluationSubject),
});
export type EvaluationRoundDetail = z.infer<typeof EvaluationRoundDetail>;

/** Move a round to its next phase (only the next one). */
export const EvaluationPhaseChange = z.object({
  phase: EvaluationPhase,
  /** entering 公示: its last day */
  noticeUntil: DateString.optional(),
  /** leaving 互评: the day of the 党员大会 it was held at, and a note */
  peerMeetingOn: DateString.optional(),
  peerNote: z.string().trim().max(2000, '互评记录不能超过 2000 字').optional(),
});

const GradeLine = z.object({
  memberId: Uuid,
  grade: EvaluationGrade,
  reason: z.string().trim().max(1000, '理由不能超过 1000 字').nullish().transform((v) => (v ? v : null)),
});
export type EvaluationGradeLine = z.input<typeof GradeLine>;

/** The committee's proposed grade per graded member (saved while the round is in 'proposal'). */
export const EvaluationProposal = z.object({ grades: z.array(GradeLine).max(2000) });
/** The final grades after the notice period (moves the round to 'final'); confirmEarly ends 公示 before its last day. */
export const EvaluationFinal = z.object({ grades: z.array(GradeLine).max(2000), confirmEarly: z.boolean().default(false) });

/** Paper ballots counted by hand: how many, and the count per member and grade. */
export const EvaluationPaperTally = z.object({
  paperBallots: z.number().int().min(0).max(10000),
  counts: z
    .array(z.object({ memberId: Uuid, grade: EvaluationGrade, count: z.number().int().min(0, '票数不能为负').max(10000) }))
    .max(8000),
});

export const EvaluationCapSetting = z.object({
  orgId: Uuid,
  cap: ExcellentCap,
  /** the unit the cap was set on (this one or one above it); null = the default 1/3 */
  fromOrgId: Uuid.nullable(),
});
export type EvaluationCapSetting = z.infer<typeof EvaluationCapSetting>;
export const EvaluationCapQuery = z.object({ orgId: Uuid });
export const EvaluationCapInput = z.object({ orgId: Uuid, cap: ExcellentCap });

// ---------- the member's own (/api/me/evaluations) ----------

export const MyEvaluation = z.object({
  id: Uuid,
  orgName: z.string(),
  year: z.number(),
  phase: EvaluationPhase,
  /** I am graded in this round (false: probationary member, or not a subject) */
  graded: z.boolean(),
  isSubject: z.boolean(),
  selfText: z.string().nullable(),
  selfSubmittedAt: z.string().nullable(),
  /** I may vote in this round, and whether I did */
  canVote: z.boolean(),
  voted: z.boolean(),
  noticeUntil: DateString.nullable(),
  /** after the round is final: my grade (null when not graded) */
  myGrade: EvaluationGrade.nullable(),
  /** something waits for me: a self-evaluation or a vote */
  waiting: z.boolean(),
});
export type MyEvaluation = z.infer<typeof MyEvaluation>;
export const MyEvaluationList = z.object({ items: z.array(MyEvaluation) });
export type MyEvaluationList = z.infer<typeof MyEvaluationList>;

export const MyEvaluationDetail = MyEvaluation.extend({
  /** the members to grade on the ballot (during the ballot phase, for a voter who has not voted) */
  ballot: z.array(z.object({ memberId: Uuid, name: z.string() })),
});
export type MyEvaluationDetail = z.infer<typeof MyEvaluationDetail>;

export const SelfEvaluationInput = z.object({
  text: z.string().trim().min(1, '请填写自我评价').max(5000, '自我评价不能超过 5000 字'),
});

export const BallotInput = z.object({
  /** chosen by the phone once per ballot: a resend with the same key is answered as done */
  receipt: Uuid,
  grades: z.record(z.string(), EvaluationGrade),
});
export const BallotCast = z.object({ voted: z.literal(true) });
