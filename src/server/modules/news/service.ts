import { sql, type SqlBool } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can, listScope, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock, sqlNow } from '../../clock.ts';
import { getOrg } from '../../directory/index.ts';
import { familyOfMime, filesToAttach } from '../files/index.ts';
import { createStudyItem, fileIdsIn, hasContent, sanitizeArticleHtml } from '../library/index.ts';
import type { NewsInput, NewsItem, NewsList, NewsPatch, NewsStatus, NewsSummary, NewsUnits } from '../../../shared/api-news.ts';

/**
 * News with review (公众号 "闪亮红星", 保密审查). Who does what:
 *
 *   draft, edit, submit   a secretary covering the unit (community.manage) or a 通讯员 the unit named
 *                         (news_editor); a 通讯员 edits only the items they wrote
 *   approve, send back    a secretary covering the unit (community.manage). An author who is such a
 *                         secretary may approve their own item — a village may have one secretary —
 *                         and the history and the audit entry say so (`self_review`)
 *   withdraw, to library  a secretary covering the unit
 *
 * Nothing is public before approval. An edit of an approved item opens a new pending version
 * (status draft, version + 1); the public page keeps the last approved copy (`published_*`) until
 * the new version is approved.
 */

const PAGE_MAX = 200;

function itemQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('news_item as n')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'n.tenant_id').onRef('o.id', '=', 'n.org_id'))
    .where('n.tenant_id', '=', tenantId)
    .select([
      'n.id',
      'n.org_id',
      'o.name as org_name',
      'o.path as org_path',
      'n.status',
      'n.version',
      'n.title',
      'n.summary',
      'n.body_html',
      'n.body_file_ids',
      'n.cover_file_id',
      'n.author_account_id',
      'n.author_name',
      'n.submitted_at',
      'n.reviewed_by',
      'n.reviewed_by_name',
      'n.reviewed_at',
      'n.review_note',
      'n.published_version',
      'n.published_title',
      'n.published_at',
      'n.first_published_at',
      'n.withdrawn_at',
      'n.study_item_id',
      'n.updated_at',
    ]);
}
export type NewsRow = Awaited<ReturnType<ReturnType<typeof itemQuery>['executeTakeFirstOrThrow']>>;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const isLive = (r: Pick<NewsRow, 'published_version' | 'withdrawn_at'>): boolean => r.published_version !== null && r.withdrawn_at === null;

export const publicPathOf = (orgId: string, itemId?: string): string => (itemId ? `/news/${orgId}/${itemId}` : `/news/${orgId}`);

const summaryView = (r: NewsRow): NewsSummary => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  title: r.title,
  status: r.status,
  version: r.version,
  authorName: r.author_name,
  updatedAt: new Date(r.updated_at).toISOString(),
  submittedAt: iso(r.submitted_at),
  publishedVersion: r.published_version,
  publishedAt: iso(r.published_at),
  withdrawn: r.withdrawn_at !== null,
  live: isLive(r),
  inLibrary: r.study_item_id !== null,
});

// ---------- who may do what ----------

async function isEditorOf(db: Executor, ctx: RequestContext, orgId: string): Promise<boolean> {
  const row = await db
    .selectFrom('news_editor')
    .select('account_id')
    .where('tenant_id', '=', ctx.actor.tenantId)
    .where('org_id', '=', orgId)
    .where('account_id', '=', ctx.actor.accountId)
    .executeTakeFirst();
  return row !== undefined;
}

const reviews = (ctx: RequestContext, orgPath: string): boolean =>
  can(ctx.actor, 'community.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: orgPath });

/** May draft for the unit: a secretary covering it, or its 通讯员. */
async function mayDraft(db: Executor, ctx: RequestContext, org: { id: string; path: string }): Promise<boolean> {
  return reviews(ctx, org.path) || (await isEditorOf(db, ctx, org.id));
}

/** May see and edit this item: a secretary covering the unit; a 通讯员 of the unit, the items they wrote. */
async function mayWrite(db: Executor, ctx: RequestContext, r: NewsRow): Promise<boolean> {
  if (reviews(ctx, r.org_path)) return true;
  return r.author_account_id === ctx.actor.accountId && (await isEditorOf(db, ctx, r.org_id));
}

async function loadRow(db: Executor, tenantId: string, id: string): Promise<NewsRow> {
  const row = await itemQuery(db, tenantId).where('n.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('新闻');
  return row;
}

async function loadWritable(db: Executor, ctx: RequestContext, id: string): Promise<NewsRow> {
  const row = await loadRow(db, ctx.actor.tenantId, id);
  if (!(await mayWrite(db, ctx, row))) throw new AppError('forbidden', '无权执行此操作');
  return row;
}

function loadReviewable(row: NewsRow, ctx: RequestContext): void {
  authorize(ctx.actor, 'community.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: row.org_path });
}

// ---------- views ----------

async function itemView(db: Executor, ctx: RequestContext, r: NewsRow, publicUrl: string): Promise<NewsItem> {
  const tenantId = ctx.actor.tenantId;
  const history = await db
    .selectFrom('news_review')
    .select(['version', 'decision', 'note', 'actor_name', 'self_review', 'at'])
    .where('tenant_id', '=', tenantId)
    .where('item_id', '=', r.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const secretary = reviews(ctx, r.org_path);
  const writable = secretary || (await mayWrite(db, ctx, r));
  return {
    ...summaryView(r),
    summary: r.summary,
    bodyHtml: sanitizeArticleHtml(r.body_html),
    cover: r.cover_file_id ? { fileId: r.cover_file_id, url: `/api/files/${r.cover_file_id}` } : null,
    reviewNote: r.review_note,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: iso(r.reviewed_at),
    publicUrl: `${publicUrl}${publicPathOf(r.org_id, r.id)}`,
    studyItemId: r.study_item_id,
    mine: r.author_account_id === ctx.actor.accountId,
    history: history.map((h) => ({
      version: h.version,
      decision: h.decision,
      note: h.note,
      actorName: h.actor_name,
      selfReview: h.self_review,
      at: new Date(h.at).toISOString(),
    })),
    can: {
      edit: writable && r.status !== 'in_review',
      submit: writable && (r.status === 'draft' || r.status === 'returned' || (r.status === 'approved' && r.withdrawn_at !== null)),
      review: secretary && r.status === 'in_review',
      withdraw: secretary && isLive(r),
      addToLibrary: secretary && isLive(r) && r.study_item_id === null,
    },
  };
}

/** What the audit log keeps of an item (the body by length only). */
const auditShape = (r: NewsRow) => ({
  orgId: r.org_id,
  status: r.status,
  version: r.version,
  title: r.title,
  coverFileId: r.cover_file_id,
  bodyLength: r.body_html.length,
  publishedVersion: r.published_version,
  withdrawn: r.withdrawn_at !== null,
});

// ---------- content ----------

interface Content {
  title: string;
  summary: string;
  body_html: string;
  body_file_ids: string[];
  cover_file_id: string | null;
}

/** Sanitizes the body; its images and the cover must be image files the caller may read. */
async function checkContent(db: Database, ctx: RequestContext, c: { title: string; summary: string; bodyHtml: string; coverFileId: string | null }): Promise<Content> {
  const body = sanitizeArticleHtml(c.bodyHtml);
  const bodyFileIds = fileIdsIn(body);
  const refs = [...bodyFileIds.map((id) => ({ fileId: id, field: 'bodyHtml' })), ...(c.coverFileId ? [{ fileId: c.coverFileId, field: 'coverFileId' }] : [])];
  const { found } = await filesToAttach(db, ctx, refs);
  const issues: { field: string; message: string }[] = [];
  const notImage = (id: string) => familyOfMime(found.get(id)?.mime_type ?? '') !== 'image';
  const badImages = bodyFileIds.filter(notImage).length;
  if (badImages) issues.push({ field: 'bodyHtml', message: `正文中有 ${badImages} 张图片不存在或不是图片文件，请重新上传` });
  if (c.coverFileId && notImage(c.coverFileId)) issues.push({ field: 'coverFileId', message: '封面不存在或不是图片文件，请重新上传' });
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  return { title: c.title, summary: c.summary, body_html: body, body_file_ids: bodyFileIds, cover_file_id: c.coverFileId };
}

// ---------- use cases ----------

export async function createNews(db: Database, ctx: RequestContext, input: NewsInput, publicUrl: string): Promise<NewsItem> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const org = await getOrg(db, tenantId, input.orgId);
  if (!(await mayDraft(db, ctx, org))) throw new AppError('forbidden', '无权执行此操作');
  if (org.retired_at) throw new AppError('validation_failed', '该组织已撤销，不能发布新闻', [{ field: 'orgId', message: '组织已撤销' }]);
  const content = await checkContent(db, ctx, { title: input.title, summary: input.summary ?? '', bodyHtml: input.bodyHtml ?? '', coverFileId: input.coverFileId ?? null });
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('news_item')
      .values({ tenant_id: tenantId, org_id: org.id, ...content, author_account_id: actor.accountId, author_name: actor.displayName, created_at: sqlNow, updated_at: sqlNow })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'news.create', entity: 'news_item', entityId: id, after: auditShape(row) });
    return itemView(tx, ctx, row, publicUrl);
  });
}

export async function updateNews(db: Database, ctx: RequestContext, id: string, patch: NewsPatch, publicUrl: string): Promise<NewsItem> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadWritable(db, ctx, id);
  if (before.status === 'in_review') throw new AppError('conflict', '该新闻正在审核中，审核后才能修改');
  const content = await checkContent(db, ctx, {
    title: patch.title ?? before.title,
    summary: patch.summary ?? before.summary,
    bodyHtml: patch.bodyHtml ?? before.body_html,
    coverFileId: patch.coverFileId !== undefined ? patch.coverFileId : before.cover_file_id,
  });
  return db.transaction().execute(async (tx) => {
    // An approved item edited: a new version waits for review; the public page keeps the approved one.
    // Never while in review: the reviewer decides on the text they read (submitted meanwhile: 409).
    const done = await tx
      .updateTable('news_item')
      .set({ ...content, status: 'draft', version: sql`CASE WHEN status = 'approved' THEN version + 1 ELSE version END`, updated_at: sqlNow })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '<>', 'in_review')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', '该新闻正在审核中，审核后才能修改');
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'news.update', entity: 'news_item', entityId: id, before: auditShape(before), after: auditShape(after) });
    return itemView(tx, ctx, after, publicUrl);
  });
}

async function addHistory(tx: Executor, ctx: RequestContext, r: NewsRow, decision: 'submit' | 'approve' | 'return' | 'withdraw', note: string | null, selfReview = false): Promise<void> {
  await tx
    .insertInto('news_review')
    .values({
      tenant_id: ctx.actor.tenantId,
      item_id: r.id,
      version: r.version,
      decision,
      note,
      self_review: selfReview,
      actor_account_id: ctx.actor.accountId,
      actor_name: ctx.actor.displayName,
      at: clock.now(),
    })
    .execute();
}

export async function submitNews(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<NewsItem> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadWritable(db, ctx, id);
  const resubmitWithdrawn = before.status === 'approved' && before.withdrawn_at !== null;
  if (before.status !== 'draft' && before.status !== 'returned' && !resubmitWithdrawn) {
    throw new AppError('conflict', before.status === 'in_review' ? '该新闻已在审核中' : '该新闻已审核通过；修改后才能再次送审');
  }
  if (!hasContent(sanitizeArticleHtml(before.body_html))) throw new AppError('validation_failed', '正文为空，不能送审', [{ field: 'bodyHtml', message: '请填写正文' }]);
  return db.transaction().execute(async (tx) => {
    // Only from the state read above: a decision or another submission in between leaves it alone.
    const done = await tx
      .updateTable('news_item')
      .set({ status: 'in_review', submitted_at: sqlNow, ...(resubmitWithdrawn ? { version: before.version + 1 } : {}), updated_at: sqlNow })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', before.status)
      .where('version', '=', before.version)
      .where((eb) => (before.withdrawn_at === null ? eb('withdrawn_at', 'is', null) : eb('withdrawn_at', 'is not', null)))
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', '该新闻已在审核中');
    const after = await loadRow(tx, tenantId, id);
    await addHistory(tx, ctx, after, 'submit', null);
    await recordAudit(tx, ctx, { tenantId, action: 'news.submit', entity: 'news_item', entityId: id, before: auditShape(before), after: auditShape(after) });
    return itemView(tx, ctx, after, publicUrl);
  });
}

/**
 * A decision applies to the text the reviewer read: the row must still be in review with the
 * `updatedAt` they saw (milliseconds, as the API shows it). Otherwise nothing changes (409).
 */
const unchangedSince = (seenUpdatedAt: string) => sql<SqlBool>`date_trunc('milliseconds', updated_at) = ${new Date(seenUpdatedAt)}`;
const CHANGED_SINCE_SEEN = '内容已被修改，请重新审阅';

export async function approveNews(db: Database, ctx: RequestContext, id: string, input: { note?: string | undefined; updatedAt: string }, publicUrl: string): Promise<NewsItem> {
  const note = input.note;
  const tenantId = ctx.actor.tenantId;
  const before = await loadRow(db, tenantId, id);
  loadReviewable(before, ctx);
  if (before.status !== 'in_review') throw new AppError('conflict', '只有审核中的新闻可以审核');
  const selfReview = before.author_account_id === ctx.actor.accountId;
  return db.transaction().execute(async (tx) => {
    // The approved copy is what the public page shows, until the next approval or a withdrawal.
    const done = await tx
      .updateTable('news_item')
      .set({
        status: 'approved',
        reviewed_by: ctx.actor.accountId,
        reviewed_by_name: ctx.actor.displayName,
        reviewed_at: sqlNow,
        review_note: note || null,
        published_version: sql`version`,
        published_title: sql`title`,
        published_summary: sql`summary`,
        published_body_html: sql`body_html`,
        published_body_file_ids: sql`body_file_ids`,
        published_cover_file_id: sql`cover_file_id`,
        published_at: sqlNow,
        first_published_at: sql`coalesce(first_published_at, lianxin_now())`,
        withdrawn_at: null,
        updated_at: sqlNow,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'in_review')
      .where(unchangedSince(input.updatedAt))
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', CHANGED_SINCE_SEEN);
    const after = await loadRow(tx, tenantId, id);
    await addHistory(tx, ctx, after, 'approve', note || null, selfReview);
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'news.approve',
      entity: 'news_item',
      entityId: id,
      before: auditShape(before),
      after: { ...auditShape(after), approvedVersion: after.version, selfReview, note: note || null },
    });
    return itemView(tx, ctx, after, publicUrl);
  });
}

export async function returnNews(db: Database, ctx: RequestContext, id: string, input: { note: string; updatedAt: string }, publicUrl: string): Promise<NewsItem> {
  const note = input.note;
  const tenantId = ctx.actor.tenantId;
  const before = await loadRow(db, tenantId, id);
  loadReviewable(before, ctx);
  if (before.status !== 'in_review') throw new AppError('conflict', '只有审核中的新闻可以退回');
  return db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('news_item')
      .set({ status: 'returned', reviewed_by: ctx.actor.accountId, reviewed_by_name: ctx.actor.displayName, reviewed_at: sqlNow, review_note: note, updated_at: sqlNow })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'in_review')
      .where(unchangedSince(input.updatedAt))
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', CHANGED_SINCE_SEEN);
    const after = await loadRow(tx, tenantId, id);
    await addHistory(tx, ctx, after, 'return', note, before.author_account_id === ctx.actor.accountId);
    await recordAudit(tx, ctx, { tenantId, action: 'news.return', entity: 'news_item', entityId: id, before: auditShape(before), after: { ...auditShape(after), note } });
    return itemView(tx, ctx, after, publicUrl);
  });
}

export async function withdrawNews(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<NewsItem> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadRow(db, tenantId, id);
  loadReviewable(before, ctx);
  if (!isLive(before)) throw new AppError('conflict', '该新闻未发布，无需撤回');
  return db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('news_item')
      .set({ withdrawn_at: sqlNow, updated_at: sqlNow })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', '该新闻未发布，无需撤回');
    const after = await loadRow(tx, tenantId, id);
    await addHistory(tx, ctx, after, 'withdraw', null);
    await recordAudit(tx, ctx, { tenantId, action: 'news.withdraw', entity: 'news_item', entityId: id, before: auditShape(before), after: auditShape(after) });
    return itemView(tx, ctx, after, publicUrl);
  });
}

export async function getNews(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<NewsItem> {
  const row = await loadWritable(db, ctx, id);
  return itemView(db, ctx, row, publicUrl);
}

/** Units whose news the caller sees: their secretary subtrees, and the units naming them 通讯员. */
export async function listNews(db: Database, ctx: RequestContext, q: { orgId?: string | undefined; status?: NewsStatus | undefined; published?: 'yes' | 'no' | undefined; page: number; pageSize: number }): Promise<NewsList> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const paths = scopePaths(listScope(actor, 'community.manage'));
  const editorOf = (await db.selectFrom('news_editor').select('org_id').where('tenant_id', '=', tenantId).where('account_id', '=', actor.accountId).execute()).map((r) => r.org_id);
  if (paths !== 'all' && paths.length === 0 && editorOf.length === 0) throw new AppError('forbidden', '无权执行此操作');
  let query = itemQuery(db, tenantId);
  if (paths !== 'all') {
    query = query.where((eb) => {
      const ors = paths.map((p) => eb('o.path', 'like', `${p}%`));
      // A 通讯员 sees the items they wrote for the units that name them.
      if (editorOf.length) ors.push(eb.and([eb('n.org_id', 'in', editorOf), eb('n.author_account_id', '=', actor.accountId)]));
      return eb.or(ors);
    });
  }
  if (q.orgId) {
    const org = await getOrg(db, tenantId, q.orgId);
    query = query.where('o.path', 'like', `${org.path}%`);
  }
  if (q.status) query = query.where('n.status', '=', q.status);
  if (q.published === 'yes') query = query.where('n.published_version', 'is not', null).where('n.withdrawn_at', 'is', null);
  if (q.published === 'no') query = query.where((eb) => eb.or([eb('n.published_version', 'is', null), eb('n.withdrawn_at', 'is not', null)]));
  const pageSize = Math.min(q.pageSize, PAGE_MAX);
  const rows = await query
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('n.updated_at', 'desc')
    .orderBy('n.id')
    .limit(pageSize)
    .offset((q.page - 1) * pageSize)
    .execute();
  return { items: rows.map(summaryView), total: rows[0] ? Number(rows[0].total) : 0 };
}

/** Units the caller may draft for: the units of their secretary subtrees, and those naming them 通讯员. */
export async function listNewsUnits(db: Database, ctx: RequestContext): Promise<NewsUnits> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const paths = scopePaths(listScope(actor, 'community.manage'));
  const editorOf = (await db.selectFrom('news_editor').select('org_id').where('tenant_id', '=', tenantId).where('account_id', '=', actor.accountId).execute()).map((r) => r.org_id);
  if (paths !== 'all' && paths.length === 0 && editorOf.length === 0) throw new AppError('forbidden', '无权执行此操作');
  const rows = await db
    .selectFrom('org')
    .select(['id', 'name', 'path'])
    .where('tenant_id', '=', tenantId)
    .where('retired_at', 'is', null)
    .where('kind', '!=', 'group')
    .where((eb) => {
      if (paths === 'all') return sql<SqlBool>`true`;
      const ors = paths.map((p) => eb('path', 'like', `${p}%`));
      if (editorOf.length) ors.push(eb('id', 'in', editorOf));
      return eb.or(ors);
    })
    .orderBy('path')
    .limit(PAGE_MAX)
    .execute();
  return { items: rows.map((o) => ({ orgId: o.id, orgName: o.name, review: reviews(ctx, o.path) })) };
}

/**
 * Adds a published item to the study library as an article of the same unit, once: the item then
 * names its study item. The article is the approved copy, not a pending edit.
 */
export async function addNewsToLibrary(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<NewsItem> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadRow(db, tenantId, id);
  loadReviewable(before, ctx);
  if (!isLive(before)) throw new AppError('conflict', '只有已发布的新闻可以加入学习资料库');
  if (before.study_item_id) throw new AppError('conflict', '该新闻已加入学习资料库');
  const published = await db
    .selectFrom('news_item')
    .select(['published_title', 'published_summary', 'published_body_html'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const item = await createStudyItem(db, ctx, {
    orgId: before.org_id,
    kind: 'article',
    title: (published.published_title ?? before.title).slice(0, 200),
    category: 'home_news',
    tags: ['闪亮红星'],
    author: before.author_name.slice(0, 50),
    summary: published.published_summary ? published.published_summary.slice(0, 500) : null,
    bodyHtml: published.published_body_html ?? '',
    minutes: 5,
  });
  return db.transaction().execute(async (tx) => {
    // Marked only when still unmarked: two clicks at once leave one link (the second study item stays, unlinked, in the library).
    const done = await tx
      .updateTable('news_item')
      .set({ study_item_id: item.id, updated_at: sqlNow })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('study_item_id', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', '该新闻已加入学习资料库');
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'news.to_library', entity: 'news_item', entityId: id, after: { ...auditShape(after), studyItemId: item.id } });
    return itemView(tx, ctx, after, publicUrl);
  });
}

// ---------- 通讯员 ----------

/**
 * The console admits only accounts with a role (secretary, group leader) or the admin: a 通讯员 is
 * therefore an account holding a role on a unit inside the one naming them (a group leader, or a
 * secretary of a branch below). A member without a role writes nothing in the console.
 */
async function candidates(db: Executor, tenantId: string, orgPath: string) {
  return db
    .selectFrom('role_assignment as ra')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'ra.tenant_id').onRef('o.id', '=', 'ra.org_id'))
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'ra.tenant_id').onRef('a.id', '=', 'ra.account_id'))
    .select(['a.id as account_id', 'a.display_name', 'a.phone'])
    .distinct()
    .where('ra.tenant_id', '=', tenantId)
    .where('o.path', 'like', `${orgPath}%`)
    .where('a.disabled_at', 'is', null)
    .orderBy('a.display_name')
    .execute();
}

export async function listNewsEditors(db: Database, ctx: RequestContext, orgId: string) {
  const tenantId = ctx.actor.tenantId;
  const org = await getOrg(db, tenantId, orgId);
  authorize(ctx.actor, 'community.manage', { kind: 'org', tenantId, path: org.path });
  const items = await db
    .selectFrom('news_editor as e')
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'e.tenant_id').onRef('a.id', '=', 'e.account_id'))
    .select(['e.org_id', 'e.account_id', 'a.display_name', 'a.phone', 'e.granted_at'])
    .where('e.tenant_id', '=', tenantId)
    .where('e.org_id', '=', org.id)
    .orderBy('a.display_name')
    .execute();
  const named = new Set(items.map((i) => i.account_id));
  return {
    items: items.map((i) => ({ orgId: i.org_id, accountId: i.account_id, name: i.display_name, phone: i.phone, grantedAt: new Date(i.granted_at).toISOString() })),
    candidates: (await candidates(db, tenantId, org.path)).filter((c) => !named.has(c.account_id)).map((c) => ({ accountId: c.account_id, name: c.display_name, phone: c.phone })),
  };
}

export async function addNewsEditor(db: Database, ctx: RequestContext, input: { orgId: string; accountId: string }) {
  const tenantId = ctx.actor.tenantId;
  const org = await getOrg(db, tenantId, input.orgId);
  authorize(ctx.actor, 'community.manage', { kind: 'org', tenantId, path: org.path });
  const allowed = await candidates(db, tenantId, org.path);
  const account = allowed.find((c) => c.account_id === input.accountId);
  if (!account) {
    throw new AppError('validation_failed', '只能指定在本组织内担任书记或党小组长的账号为通讯员（他们能登录管理端）', [{ field: 'accountId', message: '该账号不能担任本组织的通讯员' }]);
  }
  return db.transaction().execute(async (tx) => {
    const granted = clock.now();
    await tx
      .insertInto('news_editor')
      .values({ tenant_id: tenantId, org_id: org.id, account_id: account.account_id, granted_by: ctx.actor.accountId, granted_at: granted })
      .onConflict((oc) => oc.columns(['tenant_id', 'org_id', 'account_id']).doNothing())
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'news.editor_add', entity: 'org', entityId: org.id, after: { accountId: account.account_id, name: account.display_name } });
    return { orgId: org.id, accountId: account.account_id, name: account.display_name, phone: account.phone, grantedAt: granted.toISOString() };
  });
}

export async function removeNewsEditor(db: Database, ctx: RequestContext, orgId: string, accountId: string): Promise<{ ok: true }> {
  const tenantId = ctx.actor.tenantId;
  const org = await getOrg(db, tenantId, orgId);
  authorize(ctx.actor, 'community.manage', { kind: 'org', tenantId, path: org.path });
  return db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('news_editor').where('tenant_id', '=', tenantId).where('org_id', '=', org.id).where('account_id', '=', accountId).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw notFound('通讯员');
    await recordAudit(tx, ctx, { tenantId, action: 'news.editor_remove', entity: 'org', entityId: org.id, before: { accountId } });
    return { ok: true as const };
  });
}

// ---------- files ----------

/**
 * The files module's rule for news: a cover or body image of an item (working or approved copy)
 * is readable by who may write the item (its unit's secretaries, its author while a 通讯员).
 */
export async function mayReadNewsFile(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const rows = await itemQuery(db, ctx.actor.tenantId)
    .where(
      sql<SqlBool>`(n.cover_file_id = ${fileId} OR n.published_cover_file_id = ${fileId} OR n.body_file_ids @> ARRAY[${fileId}]::uuid[] OR n.published_body_file_ids @> ARRAY[${fileId}]::uuid[])`,
    )
    .execute();
  for (const r of rows) if (await mayWrite(db, ctx, r)) return true;
  return false;
}

