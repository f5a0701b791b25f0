import type { z } from 'zod';
import type { Database, Executor, Tx } from '../../db/database.ts';
import type { OrgRow } from '../../db/tables.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can, listScope, scopePaths } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { chinaMonth } from '../../../shared/china-time.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import type {
  ConsoleSharePost,
  ConsoleSharePostDetail,
  HideInput,
  MyShareFeed,
  MyShareQuery,
  ShareComment,
  ShareCommentInput,
  ShareLikeState,
  ShareList,
  ShareListQuery,
  SharePost,
  SharePostDetail,
  SharePostInput,
} from '../../../shared/api-shares.ts';
import { recordAudit } from '../../audit-log.ts';
import { filesToAttach } from '../files/index.ts';
import { listSubtrees, memberWithOrg, requireMember } from '../../directory/index.ts';
import { commentRows, decodeCursor, encodeCursor, FEED_PAGE, feedRows, findComment, findPost, pathIds, postFiles, type CommentRow, type PostFileRow, type PostRow, type Viewer } from './repo.ts';
import { monthRange } from './months.ts';
import { currentTopicFor, topicView } from './topics.ts';

/**
 * 每月一互动: members' posts, comments and likes, and the secretaries' hiding of them.
 *
 * Who sees a post: its audience unit is the author's branch (the nearest unit of kind branch at or
 * above the author's unit; a member directly in a general branch: that unit) or the top unit of the
 * author's village (the nearest general branch above; the branch when there is none). The post keeps
 * that unit's path; a member sees a post when the path is a prefix of their own unit's path — their
 * branch's and their village's posts, never another branch's. Hidden posts and comments reach only
 * their author (with the reason) and the secretaries whose subtree covers the audience unit.
 */

type PostInput = z.output<typeof SharePostInput>;
type FeedQuery = z.output<typeof MyShareQuery>;
type ListQuery = z.output<typeof ShareListQuery>;

const fileUrl = (fileId: string): string => `/api/files/${fileId}`;

function fail(issues: FieldIssue[], code: 'validation_failed' | 'conflict' = 'validation_failed'): never {
  throw new AppError(code, issues.map((i) => i.message).join('；'), issues);
}

/** The unit subtrees the caller moderates (community.manage). */
export function moderatedBy(ctx: RequestContext): string[] | 'all' {
  return scopePaths(listScope(ctx.actor, 'community.manage'));
}

const covers = (moderates: string[] | 'all', path: string): boolean => moderates === 'all' || moderates.some((p) => path.startsWith(p));

// ---------- the member and their audiences ----------

/** The caller as a current member, with their unit's path. */
async function currentMember(db: Executor, ctx: RequestContext) {
  const memberId = requireMember(ctx);
  const member = await memberWithOrg(db, ctx.actor.tenantId, memberId);
  if (!member || member.left_at) throw new AppError('forbidden', '你已不在党员名册中，不能参与分享');
  return member;
}

/** The units of a path, from the top down. */
async function chainOf(db: Executor, tenantId: string, path: string): Promise<OrgRow[]> {
  const ids = pathIds(path);
  const rows = await db.selectFrom('org').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  return ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is OrgRow => r !== undefined);
}

/**
 * The two audiences of a member in `path`: their branch (the nearest branch at or above; else the
 * nearest general branch; else their unit) and their village (the nearest general branch at or
 * above; else the branch).
 */
export async function audiencesOf(db: Executor, tenantId: string, path: string): Promise<{ branch: OrgRow; village: OrgRow }> {
  const chain = await chainOf(db, tenantId, path);
  const own = chain.at(-1);
  if (!own) throw notFound('组织');
  const nearest = (kind: OrgRow['kind']) => [...chain].reverse().find((o) => o.kind === kind);
  const branch = nearest('branch') ?? nearest('general_branch') ?? own;
  const village = nearest('general_branch') ?? branch;
  return { branch, village };
}

// ---------- views ----------

function filesOf(files: PostFileRow[], postId: string) {
  const mine = files.filter((f) => f.post_id === postId);
  const photos = mine.filter((f) => f.role === 'photo').sort((a, b) => a.position - b.position).map((f) => ({ fileId: f.file_id, url: fileUrl(f.file_id) }));
  const voice = mine.find((f) => f.role === 'voice');
  return { photos, voice: voice ? { fileId: voice.file_id, url: fileUrl(voice.file_id) } : null };
}

export function postView(row: PostRow, files: PostFileRow[], viewer: Viewer): SharePost {
  return {
    id: row.id,
    author: { memberId: row.member_id, name: row.author_name },
    mine: row.member_id === viewer.memberId,
    kind: row.kind,
    topic: row.topic_id && row.topic_title !== null ? { id: row.topic_id, title: row.topic_title } : null,
    body: row.body,
    ...filesOf(files, row.id),
    audience: row.audience,
    createdAt: row.created_at.toISOString(),
    likeCount: Number(row.like_count),
    likedByMe: Boolean(row.liked_by_me),
    commentCount: Number(row.comment_count),
    hidden: row.hidden_at ? { reason: row.hidden_reason ?? '' } : null,
  };
}

const consoleView = (row: PostRow, files: PostFileRow[], viewer: Viewer): ConsoleSharePost => ({
  ...postView(row, files, viewer),
  orgId: row.org_id,
  orgName: row.org_name,
  audienceOrgName: row.audience_org_name,
  hiddenAt: row.hidden_at ? row.hidden_at.toISOString() : null,
});

const commentView = (row: CommentRow, viewer: Viewer): ShareComment => ({
  id: row.id,
  author: { memberId: row.member_id, name: row.author_name },
  mine: row.member_id === viewer.memberId,
  body: row.body,
  createdAt: row.created_at.toISOString(),
  hidden: row.hidden_at ? { reason: row.hidden_reason ?? '' } : null,
});

async function viewsOf(db: Executor, tenantId: string, rows: PostRow[], viewer: Viewer): Promise<SharePost[]> {
  const files = await postFiles(db, tenantId, rows.map((r) => r.id));
  return rows.map((r) => postView(r, files, viewer));
}

// ---------- the member's feed and a post ----------

/** The member's feed: their branch's posts, or all their village's (scope 'village'), newest first, 20 a page. */
export async function myFeed(db: Database, ctx: RequestContext, q: FeedQuery): Promise<MyShareFeed> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  const { branch } = await audiencesOf(db, tenantId, member.org_path);
  const viewer: Viewer = { memberId: member.id, moderates: moderatedBy(ctx) };
  // branch: the posts for the member's branch; village: every post the member may see (their
  // branch's and each unit's above theirs: the village's).
  const audienceOrgIds = q.scope === 'branch' ? [branch.id] : pathIds(member.org_path);
  const rows = await feedRows(db, { tenantId, viewer, audienceOrgIds, cursor: decodeCursor(q.cursor) });
  const page = rows.slice(0, FEED_PAGE);
  const last = page.at(-1);
  return {
    topic: await currentTopicFor(db, tenantId, member.org_path, chinaMonth(clock.now())),
    items: await viewsOf(db, tenantId, page, viewer),
    nextCursor: rows.length > FEED_PAGE && last ? encodeCursor(last) : null,
  };
}

/** A post the member may see: 403 for a post of another branch or village, 404 for a hidden or deleted one. */
async function visiblePost(db: Executor, ctx: RequestContext, postId: string, memberPath: string, memberId: string): Promise<PostRow> {
  const viewer: Viewer = { memberId, moderates: moderatedBy(ctx) };
  const [row] = await feedRows(db, { tenantId: ctx.actor.tenantId, viewer, postId, limit: 1 });
  if (!row) throw notFound('分享');
  // A post of another branch: refused as any target outside the caller's reach is.
  if (!(memberPath.startsWith(row.audience_path) || covers(viewer.moderates, row.audience_path))) throw new AppError('forbidden', '无权执行此操作');
  return row;
}

export async function myPost(db: Database, ctx: RequestContext, postId: string): Promise<SharePostDetail> {
  const member = await currentMember(db, ctx);
  const row = await visiblePost(db, ctx, postId, member.org_path, member.id);
  const viewer: Viewer = { memberId: member.id, moderates: moderatedBy(ctx) };
  const [post] = await viewsOf(db, ctx.actor.tenantId, [row], viewer);
  const comments = await commentRows(db, ctx.actor.tenantId, viewer, postId);
  return { ...(post as SharePost), comments: comments.map((c) => commentView(c, viewer)) };
}

// ---------- posting ----------

const isVoice = (mime: string): boolean => mime.startsWith('audio/') || mime === 'video/webm';

/**
 * Checks the topic and the files; the issues name the fields. Runs inside the post's transaction:
 * the topic's row is read FOR SHARE, so a secretary closing or hiding it waits for the post, and a
 * topic closed or hidden before is refused here. The topic must be the member's unit's or one above,
 * shown, open and of the current China month (a past month's topic no longer takes posts, even
 * when nobody closed it; a post after the due day but within the month is still taken: the due day
 * is the secretaries' reminder date, closing is what stops posts). Photos and the voice recording
 * must be files the member uploaded themselves: a file of someone else, even one they may read (a
 * photo of a comrade's post), would be republished under their name.
 */
async function checkPost(tx: Tx, ctx: RequestContext, input: PostInput, memberPath: string): Promise<void> {
  const issues: FieldIssue[] = [];
  let conflict = false;
  if (input.topicId) {
    const topic = await tx.selectFrom('share_topic').selectAll().where('tenant_id', '=', ctx.actor.tenantId).where('id', '=', input.topicId).forShare().executeTakeFirst();
    const month = chinaMonth(clock.now());
    if (!topic || !pathIds(memberPath).includes(topic.org_id)) issues.push({ field: 'topicId', message: '所选话题不存在或不属于你所在的组织' });
    else if (topic.hidden_at) issues.push({ field: 'topicId', message: '所选话题已被隐藏，不能再分享到这个话题' });
    else if (topic.month !== month) issues.push({ field: 'topicId', message: `所选话题是 ${topic.month} 月的话题，只能分享到本月（${month}）的话题` });
    else if (topic.closed_at) {
      conflict = true;
      issues.push({ field: 'topicId', message: '所选话题已结束，不能再分享到这个话题' });
    }
  }
  const refs = input.photoFileIds.map((fileId, i) => ({ fileId, field: `photoFileIds.${i}` }));
  if (input.voiceFileId) refs.push({ fileId: input.voiceFileId, field: 'voiceFileId' });
  const { found } = await filesToAttach(tx, ctx, refs);
  const notMine = (file: { created_by: string | null }) => file.created_by !== ctx.actor.accountId;
  const seen = new Set<string>();
  for (const [i, fileId] of input.photoFileIds.entries()) {
    const field = `photoFileIds.${i}`;
    const file = found.get(fileId);
    if (!file) issues.push({ field, message: `第 ${i + 1} 张照片的文件不存在，请重新上传` });
    else if (seen.has(fileId)) issues.push({ field, message: `第 ${i + 1} 张照片重复了` });
    else if (notMine(file)) issues.push({ field, message: `第 ${i + 1} 张照片不是你上传的：只能分享自己上传的照片` });
    else if (!file.mime_type.startsWith('image/')) issues.push({ field, message: `第 ${i + 1} 张照片「${file.file_name}」不是图片：照片只能是 jpg、png、webp 或 gif 格式` });
    seen.add(fileId);
  }
  if (input.voiceFileId) {
    const file = found.get(input.voiceFileId);
    if (!file) issues.push({ field: 'voiceFileId', message: '语音文件不存在，请重新录制' });
    else if (seen.has(input.voiceFileId)) issues.push({ field: 'voiceFileId', message: '语音文件不能同时作为照片' });
    else if (notMine(file)) issues.push({ field: 'voiceFileId', message: '语音不是你录制上传的：只能分享自己的录音' });
    else if (!isVoice(file.mime_type)) issues.push({ field: 'voiceFileId', message: `「${file.file_name}」不是录音：语音只能是录音文件（webm、mp3、m4a 等）` });
  }
  if (issues.length) fail(issues, conflict && issues.length === 1 ? 'conflict' : 'validation_failed');
}

/** A member shares: text, up to 9 photos, a voice recording, a kind, maybe the month's topic, for their branch or village. */
export async function createPost(db: Database, ctx: RequestContext, input: PostInput): Promise<SharePost> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  const audiences = await audiencesOf(db, tenantId, member.org_path);
  const unit = input.audience === 'village' ? audiences.village : audiences.branch;
  const postId = await db.transaction().execute(async (tx) => {
    await checkPost(tx, ctx, input, member.org_path);
    const row = await tx
      .insertInto('share_post')
      .values({
        tenant_id: tenantId,
        member_id: member.id,
        org_id: member.org_id,
        topic_id: input.topicId,
        kind: input.kind,
        body: input.body,
        audience: input.audience,
        audience_org_id: unit.id,
        audience_path: unit.path,
        created_at: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const files = [
      ...input.photoFileIds.map((fileId, i) => ({ tenant_id: tenantId, post_id: row.id, file_id: fileId, role: 'photo' as const, position: i })),
      ...(input.voiceFileId ? [{ tenant_id: tenantId, post_id: row.id, file_id: input.voiceFileId, role: 'voice' as const, position: 0 }] : []),
    ];
    if (files.length) await tx.insertInto('share_post_file').values(files).execute();
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'share.post.create',
      entity: 'share_post',
      entityId: row.id,
      after: { kind: input.kind, topicId: input.topicId, audience: input.audience, audienceOrgId: unit.id, body: input.body, photoFileIds: input.photoFileIds, voiceFileId: input.voiceFileId },
    });
    return row.id;
  });
  const viewer: Viewer = { memberId: member.id, moderates: moderatedBy(ctx) };
  const [row] = await feedRows(db, { tenantId, viewer, postId, limit: 1 });
  const [post] = await viewsOf(db, tenantId, row ? [row] : [], viewer);
  if (!post) throw notFound('分享');
  return post;
}

/** The author deletes their own post (kept for the audit, never shown again). */
export async function deletePost(db: Database, ctx: RequestContext, postId: string): Promise<void> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const post = await findPost(tx, tenantId, postId);
    if (!post) throw notFound('分享');
    if (post.member_id !== memberId) throw new AppError('forbidden', '只能删除自己的分享');
    await tx.updateTable('share_post').set({ deleted_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', postId).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'share.post.delete', entity: 'share_post', entityId: postId, before: { body: post.body, kind: post.kind, audience: post.audience } });
  });
}

// ---------- comments and likes ----------

/**
 * A post the member may comment on or like: seen by them and not hidden. Runs inside the write's
 * transaction after reading the post's row FOR SHARE: a secretary hiding it or its author deleting
 * it waits for the comment or like, and a post hidden or deleted before is refused here.
 */
async function openPost(tx: Tx, ctx: RequestContext, postId: string) {
  const member = await currentMember(tx, ctx);
  await tx.selectFrom('share_post').select('id').where('tenant_id', '=', ctx.actor.tenantId).where('id', '=', postId).forShare().executeTakeFirst();
  const row = await visiblePost(tx, ctx, postId, member.org_path, member.id);
  if (row.hidden_at) throw new AppError('conflict', '这条分享已被隐藏，不能评论或点赞');
  return { member, row };
}

export async function addComment(db: Database, ctx: RequestContext, postId: string, input: z.output<typeof ShareCommentInput>): Promise<ShareComment> {
  const tenantId = ctx.actor.tenantId;
  const { member, row } = await db.transaction().execute(async (tx) => {
    const open = await openPost(tx, ctx, postId);
    const inserted = await tx
      .insertInto('share_comment')
      .values({ tenant_id: tenantId, post_id: postId, member_id: open.member.id, body: input.body, created_at: clock.now() })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId, action: 'share.comment.create', entity: 'share_comment', entityId: inserted.id, after: { postId, body: input.body } });
    return { member: open.member, row: inserted };
  });
  return { id: row.id, author: { memberId: member.id, name: member.name }, mine: true, body: input.body, createdAt: row.created_at.toISOString(), hidden: null };
}

export async function deleteComment(db: Database, ctx: RequestContext, commentId: string): Promise<void> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const comment = await findComment(tx, tenantId, commentId);
    if (!comment) throw notFound('评论');
    if (comment.member_id !== memberId) throw new AppError('forbidden', '只能删除自己的评论');
    await tx.updateTable('share_comment').set({ deleted_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', commentId).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'share.comment.delete', entity: 'share_comment', entityId: commentId, before: { postId: comment.post_id, body: comment.body } });
  });
}

async function likeState(db: Executor, tenantId: string, postId: string, memberId: string): Promise<ShareLikeState> {
  const row = await db
    .selectFrom('share_like')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('member_id', '=', memberId).then(1).else(0).end()).as('mine')])
    .where('tenant_id', '=', tenantId)
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  return { liked: Number(row.mine ?? 0) > 0, likeCount: Number(row.n) };
}

/** 点赞 (`liked` true) or taking it back; repeating either changes nothing. */
export async function setLike(db: Database, ctx: RequestContext, postId: string, liked: boolean): Promise<ShareLikeState> {
  const tenantId = ctx.actor.tenantId;
  return db.transaction().execute(async (tx) => {
    const { member } = await openPost(tx, ctx, postId);
    const changed = liked
      ? await tx.insertInto('share_like').values({ tenant_id: tenantId, post_id: postId, member_id: member.id, created_at: clock.now() }).onConflict((oc) => oc.doNothing()).executeTakeFirst()
      : await tx.deleteFrom('share_like').where('tenant_id', '=', tenantId).where('post_id', '=', postId).where('member_id', '=', member.id).executeTakeFirst();
    const n = 'numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numDeletedRows;
    if (Number(n ?? 0) > 0) await recordAudit(tx, ctx, { tenantId, action: liked ? 'share.like' : 'share.unlike', entity: 'share_post', entityId: postId });
    return likeState(tx, tenantId, postId, member.id);
  });
}

// ---------- the console: a unit's feed, a post, hiding ----------

/** Posts seen in, or written in, the unit's subtree (the caller's whole scope without orgId), newest first. */
export async function listPosts(db: Database, ctx: RequestContext, q: ListQuery): Promise<ShareList> {
  const tenantId = ctx.actor.tenantId;
  const subtrees = await listSubtrees(db, ctx, 'community.manage', q.orgId);
  const viewer: Viewer = { memberId: ctx.actor.memberId, moderates: moderatedBy(ctx) };
  const range = q.month ? monthRange(q.month) : null;
  const rows = await feedRows(db, {
    tenantId,
    viewer,
    subtrees,
    ...(range ? { from: range.from, to: range.to } : {}),
    ...(q.topicId ? { topicId: q.topicId } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    hidden: q.hidden,
    cursor: decodeCursor(q.cursor),
  });
  const page = rows.slice(0, FEED_PAGE);
  const files = await postFiles(db, tenantId, page.map((r) => r.id));
  const last = page.at(-1);
  return { items: page.map((r) => consoleView(r, files, viewer)), nextCursor: rows.length > FEED_PAGE && last ? encodeCursor(last) : null };
}

/** A post for the console: the caller moderates its audience unit or the author's unit. */
async function consolePost(db: Executor, ctx: RequestContext, postId: string, toHide = false): Promise<PostRow> {
  const tenantId = ctx.actor.tenantId;
  const viewer: Viewer = { memberId: ctx.actor.memberId, moderates: 'all' };
  const [row] = await feedRows(db, { tenantId, viewer, postId, limit: 1 });
  if (!row) throw notFound('分享');
  const target = (path: string) => ({ kind: 'org', tenantId, path }) as const;
  if (toHide) authorize(ctx.actor, 'community.manage', target(row.audience_path));
  else {
    const org = await db.selectFrom('org').select('path').where('tenant_id', '=', tenantId).where('id', '=', row.org_id).executeTakeFirstOrThrow();
    if (!can(ctx.actor, 'community.manage', target(row.audience_path)) && !can(ctx.actor, 'community.manage', target(org.path))) {
      throw new AppError('forbidden', '无权执行此操作');
    }
    // A hidden post reaches only the secretaries of its audience unit.
    if (row.hidden_at && !can(ctx.actor, 'community.manage', target(row.audience_path))) throw notFound('分享');
  }
  return row;
}

export async function getPostForConsole(db: Database, ctx: RequestContext, postId: string): Promise<ConsoleSharePostDetail> {
  const row = await consolePost(db, ctx, postId);
  const tenantId = ctx.actor.tenantId;
  const viewer: Viewer = { memberId: ctx.actor.memberId, moderates: moderatedBy(ctx) };
  const files = await postFiles(db, tenantId, [postId]);
  const comments = await commentRows(db, tenantId, viewer, postId);
  return { ...consoleView(row, files, viewer), comments: comments.map((c) => commentView(c, viewer)) };
}

/** A secretary hides a post (with a reason, audited) or shows it again. */
export async function setPostHidden(db: Database, ctx: RequestContext, postId: string, hide: z.output<typeof HideInput> | null): Promise<ConsoleSharePost> {
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const row = await consolePost(tx, ctx, postId, true);
    if (!hide && !row.hidden_at) return;
    await tx
      .updateTable('share_post')
      .set(hide ? { hidden_at: clock.now(), hidden_reason: hide.reason, hidden_by: ctx.actor.accountId } : { hidden_at: null, hidden_reason: null, hidden_by: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', postId)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId,
      action: hide ? 'share.post.hide' : 'share.post.unhide',
      entity: 'share_post',
      entityId: postId,
      before: { hiddenReason: row.hidden_reason },
      after: { hiddenReason: hide?.reason ?? null },
    });
  });
  const row = await consolePost(db, ctx, postId, true);
  const viewer: Viewer = { memberId: ctx.actor.memberId, moderates: moderatedBy(ctx) };
  return consoleView(row, await postFiles(db, tenantId, [postId]), viewer);
}

/** A secretary of the post's audience unit hides a comment (with a reason, audited) or shows it again. */
export async function setCommentHidden(db: Database, ctx: RequestContext, commentId: string, hide: z.output<typeof HideInput> | null): Promise<ShareComment> {
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const comment = await findComment(tx, tenantId, commentId);
    if (!comment || comment.post_deleted_at) throw notFound('评论');
    authorize(ctx.actor, 'community.manage', { kind: 'org', tenantId, path: comment.audience_path });
    if (!hide && !comment.hidden_at) return;
    await tx
      .updateTable('share_comment')
      .set(hide ? { hidden_at: clock.now(), hidden_reason: hide.reason, hidden_by: ctx.actor.accountId } : { hidden_at: null, hidden_reason: null, hidden_by: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', commentId)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId,
      action: hide ? 'share.comment.hide' : 'share.comment.unhide',
      entity: 'share_comment',
      entityId: commentId,
      before: { postId: comment.post_id, body: comment.body, hiddenReason: comment.hidden_reason },
      after: { hiddenReason: hide?.reason ?? null },
    });
  });
  const comment = await findComment(db, tenantId, commentId);
  if (!comment) throw notFound('评论');
  const viewer: Viewer = { memberId: ctx.actor.memberId, moderates: moderatedBy(ctx) };
  const rows = await commentRows(db, tenantId, viewer, comment.post_id);
  const row = rows.find((r) => r.id === commentId);
  if (!row) throw notFound('评论');
  return commentView(row, viewer);
}

export { topicView };
