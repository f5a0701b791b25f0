import { z } from 'zod';
import { SHARE_BODY_MAX, SHARE_COMMENT_MAX, SHARE_KINDS, SHARE_PHOTOS_MAX } from './enums.ts';
import { DateString, MonthString, Uuid } from './primitives.ts';

/**
 * The sharing contract (每月一互动): a member's posts (text, up to 9 photos, a short voice
 * recording), comments and likes (点赞) as the phone calls them under /api/me/shares; the month's
 * topic (每月话题) of a unit, hiding a post or a comment with a reason, and who has shared
 * (分享情况) as the console calls them under /api/shares and /api/share-topics.
 * Timestamps are ISO strings; dates 'YYYY-MM-DD'; a month 'YYYY-MM'.
 */

export const ShareKind = z.enum(SHARE_KINDS);
export type ShareKind = z.infer<typeof ShareKind>;
export const SHARE_AUDIENCES = ['branch', 'village'] as const;
export const ShareAudience = z.enum(SHARE_AUDIENCES);
export type ShareAudience = z.infer<typeof ShareAudience>;



export { SHARE_BODY_MAX, SHARE_COMMENT_MAX, SHARE_PHOTOS_MAX };

// ---------- the month's topic (每月话题) ----------
export const ShareTopic = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  month: z.string(),
  title: z.string(),
  description: z.string(),
  dueOn: z.string(),
  closed: z.boolean(),
  hidden: z.boolean(),
});
export type ShareTopic = z.infer<typeof ShareTopic>;

export const ShareTopicInput = z.object({
  orgId: Uuid,
  month: MonthString,
  title: z.string().trim().min(1, '请填写话题').max(100, '话题不能超过 100 字'),
  description: z.string().trim().max(2000, '说明不能超过 2000 字').default(''),
  /** the due day: a day of `month` */
  dueOn: DateString,
});
export type ShareTopicInput = z.input<typeof ShareTopicInput>;

/** An edit of a topic; `closed` ends new posts to it, `hidden` also removes it from members' view. */
export const ShareTopicPatch = z.object({
  title: z.string().trim().min(1, '请填写话题').max(100, '话题不能超过 100 字').optional(),
  description: z.string().trim().max(2000, '说明不能超过 2000 字').optional(),
  dueOn: DateString.optional(),
  closed: z.boolean().optional(),
  hidden: z.boolean().optional(),
});
export type ShareTopicPatch = z.input<typeof ShareTopicPatch>;

export const ShareTopicQuery = z.object({
  orgId: Uuid.optional(),
  month: MonthString.optional(),
});
export type ShareTopicQuery = z.input<typeof ShareTopicQuery>;
export const ShareTopicList = z.object({ items: z.array(ShareTopic) });
export type ShareTopicList = z.infer<typeof ShareTopicList>;

// ---------- posts, comments, likes ----------
const Author = z.object({ memberId: Uuid, name: z.string() });
const Hidden = z.object({ reason: z.string() }).nullable();
const FileLink = z.object({ fileId: Uuid, url: z.string() });

export const ShareComment = z.object({
  id: Uuid,
  author: Author,
  mine: z.boolean(),
  body: z.string(),
  createdAt: z.string(),
  /** hidden by a secretary: shown only to its author (with the reason) and the secretaries */
  hidden: Hidden,
});
export type ShareComment = z.infer<typeof ShareComment>;

export const SharePost = z.object({
  id: Uuid,
  author: Author,
  mine: z.boolean(),
  kind: ShareKind,
  topic: z.object({ id: Uuid, title: z.string() }).nullable(),
  /** plain text: never HTML */
  body: z.string(),
  photos: z.array(FileLink),
  voice: FileLink.nullable(),
  audience: ShareAudience,
  createdAt: z.string(),
  likeCount: z.number().int(),
  likedByMe: z.boolean(),
  commentCount: z.number().int(),
  /** hidden by a secretary: shown only to its author (with the reason) and the secretaries */
  hidden: Hidden,
});
export type SharePost = z.infer<typeof SharePost>;

export const SharePostDetail = SharePost.extend({ comments: z.array(ShareComment) });
export type SharePostDetail = z.infer<typeof SharePostDetail>;

/** The member's feed: their branch's or their whole village's posts, newest first, 20 a page. */
export const MyShareQuery = z.object({
  scope: ShareAudience.default('branch'),
  /** `nextCursor` of the page before */
  cursor: z.string().max(200).optional(),
});
export type MyShareQuery = z.input<typeof MyShareQuery>;
export const MyShareFeed = z.object({
  /** this month's topic of the member's unit (the nearest unit above that set one), if any */
  topic: ShareTopic.nullable(),
  items: z.array(SharePost),
  nextCursor: z.string().nullable(),
});
export type MyShareFeed = z.infer<typeof MyShareFeed>;

export const SharePostInput = z.object({
  kind: ShareKind,
  topicId: Uuid.nullish().transform((v) => v ?? null),
  body: z.string().trim().min(1, '请填写分享内容').max(SHARE_BODY_MAX, `分享内容不能超过 ${SHARE_BODY_MAX} 字`),
  photoFileIds: z.array(Uuid).max(SHARE_PHOTOS_MAX, `照片最多 ${SHARE_PHOTOS_MAX} 张`).default([]),
  voiceFileId: Uuid.nullish().transform((v) => v ?? null),
  audience: ShareAudience.default('branch'),
});
export type SharePostInput = z.input<typeof SharePostInput>;

export const ShareCommentInput = z.object({
  body: z.string().trim().min(1, '请填写评论').max(SHARE_COMMENT_MAX, `评论不能超过 ${SHARE_COMMENT_MAX} 字`),
});
export type ShareCommentInput = z.input<typeof ShareCommentInput>;

export const ShareLikeState = z.object({ liked: z.boolean(), likeCount: z.number().int() });
export type ShareLikeState = z.infer<typeof ShareLikeState>;

// ---------- the console: a unit's feed, hiding, who has shared ----------
/** A post as the console lists it: where the author is and which unit sees it. */
export const ConsoleSharePost = SharePost.extend({
  orgId: Uuid,
  orgName: z.string(),
  audienceOrgName: z.string(),
  hiddenAt: z.string().nullable(),
});
export type ConsoleSharePost = z.infer<typeof ConsoleSharePost>;
export const ConsoleSharePostDetail = ConsoleSharePost.extend({ comments: z.array(ShareComment) });
export type ConsoleSharePostDetail = z.infer<typeof ConsoleSharePostDetail>;

export const SHARE_HIDDEN_FILTERS = ['all', 'hidden', 'visible'] as const;
export const ShareListQuery = z.object({
  /** the unit whose posts (seen in it or below, or written by its members) are listed; all of the caller's scope when absent */
  orgId: Uuid.optional(),
  month: MonthString.optional(),
  topicId: Uuid.optional(),
  kind: ShareKind.optional(),
  hidden: z.enum(SHARE_HIDDEN_FILTERS).default('all'),
  cursor: z.string().max(200).optional(),
});
export type ShareListQuery = z.input<typeof ShareListQuery>;
export const ShareList = z.object({ items: z.array(ConsoleSharePost), nextCursor: z.string().nullable() });
export type ShareList = z.infer<typeof ShareList>;

export const HideInput = z.object({
  reason: z.string().trim().min(1, '请填写隐藏原因').max(500, '隐藏原因不能超过 500 字'),
});
export type HideInput = z.input<typeof HideInput>;

export const ParticipationQuery = z.object({
  orgId: Uuid,
  month: MonthString,
  topicId: Uuid.optional(),
});
export type ParticipationQuery = z.input<typeof ParticipationQuery>;
export const ParticipationRow = z.object({
  memberId: Uuid,
  name: z.string(),
  orgName: z.string(),
  /** a mobile member (流动党员): has a current mobility record */
  mobile: z.boolean(),
  /** posts in the month (or to the topic) */
  posts: z.number().int(),
  lastSharedAt: z.string().nullable(),
});
export type ParticipationRow = z.infer<typeof ParticipationRow>;
export const Participation = z.object({
  orgId: Uuid,
  month: z.string(),
  topicId: Uuid.nullable(),
  members: z.number().int(),
  sharedCount: z.number().int(),
  notSharedCount: z.number().int(),
  shared: z.array(ParticipationRow),
  notShared: z.array(ParticipationRow),
  /** the twelve months up to `month`: posts and members who shared, for the chart */
  byMonth: z.array(z.object({ month: z.string(), posts: z.number().int(), members: z.number().int() })),
});
export type Participation = z.infer<typeof Participation>;
