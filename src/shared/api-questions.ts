import { z } from 'zod';
import { Page, Uuid } from './primitives.ts';

/**
 * 有问必答: a member's question to their branch (its secretaries and the member's mentor answer it),
 * the answers, and the unit's FAQ made of answered questions the asker allowed to be published,
 * edited by the secretary to remove anything personal.
 */

/** 'open' until the first answer. Overdue is an open question past its due day (China time). */
export const QUESTION_STATUSES = ['open', 'answered'] as const;
export const QuestionStatus = z.enum(QUESTION_STATUSES);
export type QuestionStatus = z.infer<typeof QuestionStatus>;
/** A list's filter: overdue is open and past the due day. */
export const QuestionStateFilter = z.enum(['open', 'answered', 'overdue']);
export const ANSWERER_ROLES = ['secretary', 'mentor'] as const;
export const AnswererRole = z.enum(ANSWERER_ROLES);

const text = (min: string, max: number, tooLong: string) => z.string().trim().min(1, min).max(max, tooLong);

/** Asking (the phone may queue it: the route is idempotent). */
export const AskQuestionBody = z.object({
  title: z.string().trim().max(60, '标题不能超过 60 字').nullish(),
  body: text('请填写您的问题', 1000, '问题不能超过 1000 字'),
  /** the asker allows the question, edited, to become part of the unit's FAQ */
  publishable: z.boolean().default(false),
});
export type AskQuestionBody = z.input<typeof AskQuestionBody>;

export const AnswerBody = z.object({ body: text('请填写回复内容', 2000, '回复不能超过 2000 字') });
export type AnswerBody = z.input<typeof AnswerBody>;

export const QuestionAnswer = z.object({
  id: z.string(),
  answererName: z.string(),
  answererRole: AnswererRole,
  body: z.string(),
  answeredAt: z.string(),
});
export type QuestionAnswer = z.infer<typeof QuestionAnswer>;

/** One's own question as the member app shows it. */
export const MyQuestion = z.object({
  id: z.string(),
  title: z.string().nullable(),
  body: z.string(),
  publishable: z.boolean(),
  askedAt: z.string(),
  dueOn: z.string(),
  status: QuestionStatus,
  overdue: z.boolean(),
  answeredAt: z.string().nullable(),
  /** an answer the member has not opened yet */
  answerUnseen: z.boolean(),
  branchName: z.string(),
  mentorName: z.string().nullable(),
  answers: z.array(QuestionAnswer),
});
export type MyQuestion = z.infer<typeof MyQuestion>;
export const MyQuestionList = z.object({ items: z.array(MyQuestion), unseenAnswers: z.number() });
export type MyQuestionList = z.infer<typeof MyQuestionList>;

/** A question as those who answer it see it (console, a mentor on the phone). */
export const Question = z.object({
  id: z.string(),
  member: z.object({ id: z.string(), name: z.string(), orgName: z.string(), mobile: z.boolean() }),
  branchName: z.string(),
  mentorName: z.string().nullable(),
  title: z.string().nullable(),
  body: z.string(),
  publishable: z.boolean(),
  askedAt: z.string(),
  dueOn: z.string(),
  status: QuestionStatus,
  overdue: z.boolean(),
  answeredAt: z.string().nullable(),
  answers: z.array(QuestionAnswer),
  /** the FAQ entry made from it, if any */
  faqEntryId: z.string().nullable(),
});
export type Question = z.infer<typeof Question>;

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const QuestionQuery = z.object({
  orgId: Uuid.optional(),
  status: QuestionStateFilter.optional(),
  publishable: boolQuery.optional(),
  ...Page,
});
export type QuestionQuery = z.input<typeof QuestionQuery>;
export const QuestionList = z.object({ items: z.array(Question), total: z.number(), overdue: z.number() });
export type QuestionList = z.infer<typeof QuestionList>;
export const MenteeQuestionList = z.object({ items: z.array(Question) });
export type MenteeQuestionList = z.infer<typeof MenteeQuestionList>;

/** The overdue questions of a secretary's scope (the dashboard). */
export const OverdueQuestions = z.object({
  count: z.number(),
  oldest: z.array(z.object({ id: z.string(), memberName: z.string(), title: z.string(), askedAt: z.string(), dueOn: z.string() })),
});
export type OverdueQuestions = z.infer<typeof OverdueQuestions>;

// ---------- FAQ ----------
export const FaqEntry = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  question: z.string(),
  answer: z.string(),
  sourceQuestionId: z.string().nullable(),
  publishedAt: z.string().nullable(),
  sortOrder: z.number(),
  updatedAt: z.string(),
});
export type FaqEntry = z.infer<typeof FaqEntry>;
export const FaqQuery = z.object({ orgId: Uuid.optional() });
export const FaqList = z.object({ items: z.array(FaqEntry) });
export type FaqList = z.infer<typeof FaqList>;

/** An FAQ entry from an answered question the asker allowed to publish, its texts edited. */
export const FaqInput = z.object({
  questionId: Uuid,
  question: text('请填写问题', 1000, '问题不能超过 1000 字'),
  answer: text('请填写回答', 2000, '回答不能超过 2000 字'),
});
export type FaqInput = z.input<typeof FaqInput>;
export const FaqPatch = z
  .object({
    question: text('请填写问题', 1000, '问题不能超过 1000 字').optional(),
    answer: text('请填写回答', 2000, '回答不能超过 2000 字').optional(),
    sortOrder: z.number().int().min(0).max(10_000).optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), '没有要修改的内容');
export type FaqPatch = z.input<typeof FaqPatch>;

/** The FAQ a member reads: published entries of their unit and the units above it, nearest first. */
export const MemberFaq = z.object({ items: z.array(z.object({ id: z.string(), orgName: z.string(), question: z.string(), answer: z.string() })) });
export type MemberFaq = z.infer<typeof MemberFaq>;
