import { z } from 'zod';
import { Page, Uuid } from './primitives.ts';
import { NEWS_STATUSES } from './enums.ts';

/**
 * The news contract (公众号 "闪亮红星", news with review before publishing — 保密审查): a unit's news
 * items as the console calls them under /api/news, the review (approve, or send back with a note),
 * withdrawal, adding a published item to the study library, and the unit's 通讯员 (news editors)
 * under /api/news-editors. The public pages are HTML outside /api (`/news/<orgId>`).
 * Timestamps are ISO strings.
 */

export { NEWS_STATUSES };
export const NewsStatus = z.enum(NEWS_STATUSES);
export type NewsStatus = z.infer<typeof NewsStatus>;
export const NEWS_DECISIONS = ['submit', 'approve', 'return', 'withdraw'] as const;
export type NewsDecision = (typeof NEWS_DECISIONS)[number];

export const NEWS_TITLE_MAX = 120;
export const NEWS_SUMMARY_MAX = 200;
export const NEWS_NOTE_MAX = 500;

const title = z.string().trim().min(1, '请填写标题').max(NEWS_TITLE_MAX, '标题不能超过 120 字');
const summary = z.string().trim().max(NEWS_SUMMARY_MAX, '分享摘要不能超过 200 字');
/** HTML from the console's editor: sanitized by the library's rules when saved and when served. */
const bodyHtml = z.string().max(200_000, '正文过长（上限 20 万字符）');

export const NewsInput = z.object({
  orgId: Uuid,
  title,
  /** the share text: what WeChat shows under the title when the link is shared */
  summary: summary.default(''),
  bodyHtml: bodyHtml.default(''),
  /** a cover image uploaded with purpose 'news' */
  coverFileId: Uuid.nullable().optional(),
});
export type NewsInput = z.input<typeof NewsInput>;

export const NewsPatch = z
  .object({ title, summary, bodyHtml, coverFileId: Uuid.nullable() })
  .partial()
  .refine((p) => Object.values(p).some((v) => v !== undefined), '没有要修改的内容');
export type NewsPatch = z.input<typeof NewsPatch>;

/** The item's `updatedAt` as the reviewer saw it: a decision on text changed since is refused (409). */
const seenUpdatedAt = z.iso.datetime({ offset: true, message: '请刷新后重新审阅' });
export const NewsReturnInput = z.object({ note: z.string().trim().min(1, '退回时请写明修改意见').max(NEWS_NOTE_MAX, '意见不能超过 500 字'), updatedAt: seenUpdatedAt });
export type NewsReturnInput = z.input<typeof NewsReturnInput>;
export const NewsApproveInput = z.object({ note: z.string().trim().max(NEWS_NOTE_MAX, '意见不能超过 500 字').optional(), updatedAt: seenUpdatedAt });
export type NewsApproveInput = z.input<typeof NewsApproveInput>;

export const NewsQuery = z.object({
  orgId: Uuid.optional(),
  status: NewsStatus.optional(),
  /** only items published now (approved at least once and not withdrawn) */
  published: z.enum(['yes', 'no']).optional(),
  ...Page,
});
export type NewsQuery = z.input<typeof NewsQuery>;

export const NewsSummary = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  title: z.string(),
  status: NewsStatus,
  version: z.number().int(),
  authorName: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  /** the version the public page shows, null when never approved */
  publishedVersion: z.number().int().nullable(),
  publishedAt: z.string().nullable(),
  withdrawn: z.boolean(),
  /** on the public page now */
  live: z.boolean(),
  inLibrary: z.boolean(),
});
export type NewsSummary = z.infer<typeof NewsSummary>;

export const NewsList = z.object({ items: z.array(NewsSummary), total: z.number().int() });
export type NewsList = z.infer<typeof NewsList>;

export const NewsHistoryEntry = z.object({
  version: z.number().int(),
  decision: z.enum(NEWS_DECISIONS),
  note: z.string().nullable(),
  actorName: z.string(),
  selfReview: z.boolean(),
  at: z.string(),
});
export type NewsHistoryEntry = z.infer<typeof NewsHistoryEntry>;

export const NewsCover = z.object({ fileId: Uuid, url: z.string() }).nullable();

export const NewsItem = NewsSummary.extend({
  summary: z.string(),
  bodyHtml: z.string(),
  cover: NewsCover,
  reviewNote: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  /** the address of the public page (absolute, LIANXIN_PUBLIC_URL) */
  publicUrl: z.string(),
  studyItemId: Uuid.nullable(),
  /** the caller wrote it */
  mine: z.boolean(),
  history: z.array(NewsHistoryEntry),
  /** what the caller may do with it now */
  can: z.object({ edit: z.boolean(), submit: z.boolean(), review: z.boolean(), withdraw: z.boolean(), addToLibrary: z.boolean() }),
});
export type NewsItem = z.infer<typeof NewsItem>;

// ---------- 通讯员 ----------
export const NewsEditorQuery = z.object({ orgId: Uuid });
export const NewsEditor = z.object({ orgId: Uuid, accountId: Uuid, name: z.string(), phone: z.string(), grantedAt: z.string() });
export type NewsEditor = z.infer<typeof NewsEditor>;
export const NewsEditorList = z.object({
  items: z.array(NewsEditor),
  /** accounts that may be named: they sign in to the console (a role on a unit inside this one) */
  candidates: z.array(z.object({ accountId: Uuid, name: z.string(), phone: z.string() })),
});
export type NewsEditorList = z.infer<typeof NewsEditorList>;
export const NewsEditorInput = z.object({ orgId: Uuid, accountId: Uuid });
export type NewsEditorInput = z.input<typeof NewsEditorInput>;

/** Units the caller may draft news for (secretary subtrees and units naming them 通讯员). */
export const NewsUnits = z.object({ items: z.array(z.object({ orgId: Uuid, orgName: z.string(), review: z.boolean() })) });
export type NewsUnits = z.infer<typeof NewsUnits>;
