import { sql, type Expression, type SqlBool } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { StudyItemKind } from '../../db/tables.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can, listScope, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import type { ReadableItem, StudyItem, StudyItemInput, StudyItemSummary, StoredFile } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg } from '../../directory/index.ts';
import { getSettings } from '../settings/index.ts';
import { requireMember } from '../../directory/index.ts';
import { familyOfMime, filesToAttach, storedFileView } from '../files/index.ts';
import { fileIdsIn, hasContent, sanitizeArticleHtml } from './sanitize.ts';
import { clock, sqlNow } from '../../clock.ts';
import { SPEECH_ATTEMPTS, SPEECH_NAME_MARK, SPEECH_PARTIAL_MARK } from './tts.ts';

export type StudyItemPatchInput = Partial<Omit<StudyItemInput, 'orgId' | 'kind'>>;
export interface StudyItemListQuery {
  q?: string | undefined;
  orgId?: string | undefined;
  category?: StudyItemSummary['category'] | undefined;
  kind?: StudyItemKind | undefined;
  includeRetired?: boolean | undefined;
  page: number;
  pageSize: number;
}

/** Ids of the units on a materialised path, top first ('/a/b/c/' → [a, b, c]). */
const pathIds = (path: string): string[] => path.split('/').filter(Boolean);

/** Items of the units under `paths` (their own content) and of the units above them (reused below). */
function inOrAbove(tenantId: string, paths: string[]): Expression<SqlBool> {
  if (paths.length === 0) return sql<SqlBool>`false`;
  const likes = sql.join(paths.map((p) => sql`path LIKE ${`${p}%`}`), sql` OR `);
  const ancestors = [...new Set(paths.flatMap(pathIds))];
  return sql<SqlBool>`(i.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${tenantId} AND (${likes}))) OR i.org_id = ANY(${ancestors}::uuid[]))`;
}

function itemQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('study_item as i')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'i.tenant_id').onRef('o.id', '=', 'i.org_id'))
    .leftJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'i.tenant_id').onRef('f.id', '=', 'i.file_id'))
    .leftJoin('stored_file as af', (j) => j.onRef('af.tenant_id', '=', 'i.tenant_id').onRef('af.id', '=', 'i.audio_file_id'))
    .where('i.tenant_id', '=', tenantId)
    .select([
      'i.id',
      'i.org_id',
      'o.name as org_name',
      'o.path as org_path',
      'i.kind',
      'i.title',
      'i.category',
      'i.tags',
      'i.author',
      'i.summary',
      'i.minutes',
      'i.updated_at',
      'i.retired_at',
      'i.body_html',
      'i.media_url',
      'i.file_id',
      'f.file_name',
      'f.mime_type',
      'f.size_bytes',
      'i.audio_file_id',
      'af.file_name as audio_file_name',
      'af.mime_type as audio_mime_type',
      'af.size_bytes as audio_size_bytes',
      'af.created_by as audio_created_by',
      'i.speech_wanted',
      'i.speech_attempts',
    ]);
}
type ItemRow = Awaited<ReturnType<ReturnType<typeof itemQuery>['executeTakeFirstOrThrow']>>;

/** The columns of an item's summary, as any query over study_item `i` joined to its unit `o` selects them. */
type ItemSummaryRow = Pick<ItemRow, 'id' | 'org_id' | 'org_name' | 'kind' | 'title' | 'category' | 'tags' | 'author' | 'summary' | 'minutes' | 'updated_at' | 'retired_at'>;

/** An item as lists show it: the library, and a session's materials. */
export const itemSummaryView = (r: ItemSummaryRow): StudyItemSummary => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  kind: r.kind,
  title: r.title,
  category: r.category,
  tags: r.tags,
  author: r.author,
  summary: r.summary,
  minutes: r.minutes,
  updatedAt: new Date(r.updated_at).toISOString(),
  retired: r.retired_at !== null,
});

const fileOf = (r: ItemRow): StoredFile | null =>
  r.file_id && r.file_name && r.mime_type ? storedFileView({ id: r.file_id, file_name: r.file_name, mime_type: r.mime_type, size_bytes: Number(r.size_bytes ?? 0) }) : null;

const audioOf = (r: ItemRow): StoredFile | null =>
  r.audio_file_id && r.audio_file_name && r.audio_mime_type
    ? storedFileView({ id: r.audio_file_id, file_name: r.audio_file_name, mime_type: r.audio_mime_type, size_bytes: Number(r.audio_size_bytes ?? 0) })
    : null;

/** Made by the speech job (no one uploaded it, and it has the job's name), rather than a secretary's recording or upload. */
const audioIsMade = (r: ItemRow): boolean => r.audio_file_id !== null && r.audio_created_by === null && (r.audio_file_name ?? '').includes(SPEECH_NAME_MARK);

const speechOf = (r: ItemRow): StudyItem['speech'] => {
  if (r.kind !== 'article') return null;
  if (!r.audio_file_id) return r.speech_wanted ? (r.speech_attempts >= SPEECH_ATTEMPTS ? 'failed' : 'making') : null;
  return audioIsMade(r) && (r.audio_file_name ?? '').includes(SPEECH_PARTIAL_MARK) ? 'partial' : null;
};

const itemView = (r: ItemRow): StudyItem => ({
  ...itemSummaryView(r),
  // Sanitized again when served: stored HTML follows today's rules, not those of the day it was saved.
  bodyHtml: r.body_html === null ? null : sanitizeArticleHtml(r.body_html),
  mediaUrl: r.media_url,
  file: fileOf(r),
  audio: audioOf(r),
  speech: speechOf(r),
});

/**
 * Units whose library a secretary sees: their subtree (their own content) and the units above
 * them (content from the town or village can be reused below).
 */
function visibleTo(ctx: RequestContext, tenantId: string): Expression<SqlBool> | null {
  const paths = scopePaths(listScope(ctx.actor, 'learning.manage'));
  return paths === 'all' ? null : inOrAbove(tenantId, paths);
}

/** Whether the caller manages this unit's content, or it sits above a unit they manage (reuse). */
function mayViewItemOf(ctx: RequestContext, orgPath: string): boolean {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  if (can(actor, 'learning.manage', { kind: 'org', tenantId, path: orgPath })) return true;
  return actor.scopes.some((s) => s.path.startsWith(orgPath) && can(actor, 'learning.manage', { kind: 'org', tenantId, path: s.path }));
}

async function loadItem(db: Executor, tenantId: string, itemId: string): Promise<ItemRow> {
  const row = await itemQuery(db, tenantId).where('i.id', '=', itemId).executeTakeFirst();
  if (!row) throw notFound('学习内容');
  return row;
}

// ---------- library (console) ----------

export async function listStudyItems(db: Database, ctx: RequestContext, q: StudyItemListQuery): Promise<{ items: StudyItemSummary[]; total: number }> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  authorize(actor, 'learning.manage', { kind: 'tenant', tenantId });
  let query = itemQuery(db, tenantId);
  const scope = visibleTo(ctx, tenantId);
  if (scope) query = query.where(scope);
  if (q.orgId) {
    // The library as seen from a unit: its own and its subtree's items, and those of the units above it.
    const org = await getOrg(db, tenantId, q.orgId);
    query = query.where(inOrAbove(tenantId, [org.path]));
  }
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('i.title', 'like', like), eb('i.author', 'like', like), sql<SqlBool>`${q.q} = ANY(i.tags)`]));
  }
  if (q.category) query = query.where('i.category', '=', q.category);
  if (q.kind) query = query.where('i.kind', '=', q.kind);
  if (!q.includeRetired) query = query.where('i.retired_at', 'is', null);
  const offset = (q.page - 1) * q.pageSize;
  const rows = await query
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('i.updated_at', 'desc')
    .orderBy('i.id')
    .limit(q.pageSize)
    .offset(offset)
    .execute();
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (!rows[0] && offset > 0) {
    const counted = await query.clearSelect().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    total = Number(counted.n);
  }
  return { items: rows.map(itemSummaryView), total };
}

export async function getStudyItem(db: Database, ctx: RequestContext, itemId: string): Promise<StudyItem> {
  const row = await loadItem(db, ctx.actor.tenantId, itemId);
  if (!mayViewItemOf(ctx, row.org_path)) throw new AppError('forbidden', '无权查看此学习内容');
  return itemView(row);
}

/** Whether articles published without a recorded audio get one made (a speech synthesis provider is configured). */
export function getSpeechStatus(ctx: RequestContext, configured: boolean): { configured: boolean } {
  authorize(ctx.actor, 'learning.manage', { kind: 'tenant', tenantId: ctx.actor.tenantId });
  return { configured };
}

interface ItemContent {
  kind: StudyItemKind;
  bodyHtml?: string | null | undefined;
  mediaUrl?: string | null | undefined;
  fileId?: string | null | undefined;
  audioFileId?: string | null | undefined;
}

/** The rules of each kind; returns the values to store (HTML sanitized). */
async function checkContent(
  db: Database,
  ctx: RequestContext,
  c: ItemContent,
): Promise<{ body_html: string | null; media_url: string | null; file_id: string | null; audio_file_id: string | null; body_file_ids: string[] }> {
  const issues: FieldIssue[] = [];
  const body = c.bodyHtml ? sanitizeArticleHtml(c.bodyHtml) : '';
  const bodyHtml = body && hasContent(body) ? body : null;
  // Images uploaded for the body: they must be this tenant's image files; kept for reading permission.
  const bodyFileIds = bodyHtml ? fileIdsIn(bodyHtml) : [];
  const mediaUrl = c.mediaUrl ?? null;
  const fileId = c.fileId ?? null;
  const audioFileId = c.audioFileId ?? null;
  // The body's images, the item's file and an article's recorded audio, in one look-up: file id → its family (image, pdf, …).
  const wanted = fileId && c.kind !== 'article' ? [...bodyFileIds, fileId] : [...bodyFileIds];
  if (audioFileId && c.kind === 'article') wanted.push(audioFileId);
  const fieldOf = (id: string) => (id === audioFileId ? 'audioFileId' : id === fileId ? 'fileId' : 'bodyHtml');
  // Only files the caller may read: attaching one to an item opens it to every reader of the item.
  const { found } = await filesToAttach(db, ctx, wanted.map((id) => ({ fileId: id, field: fieldOf(id) })));
  const familyOf = new Map<string, string | null>([...found.values()].map((f) => [f.id, familyOfMime(f.mime_type)]));
  const missingImages = bodyFileIds.filter((id) => familyOf.get(id) !== 'image').length;
  if (missingImages) issues.push({ field: 'bodyHtml', message: `正文中有 ${missingImages} 张图片不存在或不是图片文件，请重新上传` });
  if (c.kind === 'article') {
    if (!bodyHtml) issues.push({ field: 'bodyHtml', message: '文章需要填写正文（去除不安全的内容后正文为空）' });
    if (mediaUrl) issues.push({ field: 'mediaUrl', message: '文章不使用音视频链接，请改选音频或视频类型' });
    if (fileId) issues.push({ field: 'fileId', message: '文章不使用附件文件；图片请插入正文' });
    if (audioFileId && !familyOf.has(audioFileId)) issues.push({ field: 'audioFileId', message: '录音文件不存在，请重新上传' });
    else if (audioFileId && familyOf.get(audioFileId) !== 'audio') issues.push({ field: 'audioFileId', message: '所选录音不是音频文件（可用 mp3、m4a、aac、ogg、wav）' });
  } else if (audioFileId) {
    issues.push({ field: 'audioFileId', message: '只有文章可以附加录音' });
  }
  if ((c.kind === 'audio' || c.kind === 'video') && !mediaUrl && !fileId) {
    issues.push({ field: 'fileId', message: `${c.kind === 'audio' ? '音频' : '视频'}需要上传文件或填写链接` });
  }
  if (c.kind === 'pdf') {
    if (!fileId) issues.push({ field: 'fileId', message: 'PDF 需要上传文件' });
    if (mediaUrl) issues.push({ field: 'mediaUrl', message: 'PDF 请上传文件，不使用链接' });
  }
  if (fileId && c.kind !== 'article') {
    const expected = { audio: 'audio', video: 'video', pdf: 'pdf' } as const;
    const label = { audio: '音频', video: '视频', pdf: 'PDF' } as const;
    if (!familyOf.has(fileId)) issues.push({ field: 'fileId', message: '文件不存在，请重新上传' });
    else if (familyOf.get(fileId) !== expected[c.kind]) {
      issues.push({ field: 'fileId', message: `所选文件不是${label[c.kind]}文件` });
    }
  }
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  return { body_html: bodyHtml, media_url: mediaUrl, file_id: fileId, audio_file_id: c.kind === 'article' ? audioFileId : null, body_file_ids: bodyFileIds };
}

/** What the audit log keeps of an item (the body by length only). */
const auditShape = (r: ItemRow) => ({
  orgId: r.org_id,
  kind: r.kind,
  title: r.title,
  category: r.category,
  tags: r.tags,
  author: r.author,
  mediaUrl: r.media_url,
  fileId: r.file_id,
  audioFileId: r.audio_file_id,
  bodyLength: r.body_html?.length ?? 0,
  retired: r.retired_at !== null,
});

/** `speech`: a speech synthesis provider is configured; an article created without a recorded audio then gets one made (library.speech job). */
export async function createStudyItem(db: Database, ctx: RequestContext, input: StudyItemInput, options: { speech?: boolean } = {}): Promise<StudyItem> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const org = await getOrg(db, tenantId, input.orgId);
  authorize(actor, 'learning.manage', { kind: 'org', tenantId, path: org.path });
  if (org.retired_at) throw new AppError('validation_failed', '该组织已撤销，不能添加学习内容', [{ field: 'orgId', message: '组织已撤销' }]);
  const content = await checkContent(db, ctx, input);
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('study_item')
      .values({
        tenant_id: tenantId,
        org_id: org.id,
        kind: input.kind,
        title: input.title,
        category: input.category,
        tags: [...new Set(input.tags)],
        author: input.author ?? null,
        summary: input.summary ?? null,
        minutes: input.minutes,
        ...content,
        speech_wanted: options.speech === true && input.kind === 'article' && content.audio_file_id === null,
        created_by: actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await loadItem(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'study_item.create', entity: 'study_item', entityId: id, after: auditShape(row) });
    return itemView(row);
  });
}

/** `speech`: a provider is configured, so an audio the job made for the old text is dropped and made again. */
export async function updateStudyItem(db: Database, ctx: RequestContext, itemId: string, patch: StudyItemPatchInput, options: { speech?: boolean } = {}): Promise<StudyItem> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const before = await loadItem(db, tenantId, itemId);
  authorize(actor, 'learning.manage', { kind: 'org', tenantId, path: before.org_path });
  if (before.retired_at) throw new AppError('conflict', '该学习内容已下架，不能修改');
  const content = await checkContent(db, ctx, {
    kind: before.kind,
    bodyHtml: patch.bodyHtml !== undefined ? patch.bodyHtml : before.body_html,
    mediaUrl: patch.mediaUrl !== undefined ? patch.mediaUrl : before.media_url,
    fileId: patch.fileId !== undefined ? patch.fileId : before.file_id,
    audioFileId: patch.audioFileId !== undefined ? patch.audioFileId : before.audio_file_id,
  });
  // The text changed under an audio the speech job made: that audio is dropped and made again.
  const textChanged = (patch.title !== undefined && patch.title !== before.title) || (patch.bodyHtml !== undefined && content.body_html !== before.body_html);
  const remake = options.speech === true && patch.audioFileId === undefined && textChanged && audioIsMade(before);
  return db.transaction().execute(async (tx) => {
    await tx
      .updateTable('study_item')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.category !== undefined ? { category: patch.category } : {}),
        ...(patch.tags !== undefined ? { tags: [...new Set(patch.tags)] } : {}),
        ...(patch.author !== undefined ? { author: patch.author } : {}),
        ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
        ...(patch.minutes !== undefined ? { minutes: patch.minutes } : {}),
        ...content,
        // A secretary's own choice of audio (or of none) is never replaced by a made one.
        ...(patch.audioFileId !== undefined ? { speech_wanted: false } : {}),
        ...(remake ? { audio_file_id: null, speech_wanted: true, speech_attempts: 0 } : {}),
        updated_at: sqlNow,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', itemId)
      .execute();
    const after = await loadItem(tx, tenantId, itemId);
    await recordAudit(tx, ctx, { tenantId, action: 'study_item.update', entity: 'study_item', entityId: itemId, before: auditShape(before), after: auditShape(after) });
    return itemView(after);
  });
}

/** Takes an item out of the library (kept for history: pushes and sessions that used it). */
export async function retireStudyItem(db: Database, ctx: RequestContext, itemId: string): Promise<StudyItem> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const before = await loadItem(db, tenantId, itemId);
  authorize(actor, 'learning.manage', { kind: 'org', tenantId, path: before.org_path });
  if (before.retired_at) return itemView(before);
  return db.transaction().execute(async (tx) => {
    await tx.updateTable('study_item').set({ retired_at: clock.now(), updated_at: sqlNow }).where('tenant_id', '=', tenantId).where('id', '=', itemId).execute();
    const after = await loadItem(tx, tenantId, itemId);
    await recordAudit(tx, ctx, { tenantId, action: 'study_item.retire', entity: 'study_item', entityId: itemId, before: auditShape(before), after: auditShape(after) });
    return itemView(after);
  });
}

// ---------- for other modules ----------

export interface ItemForPlanning extends StudyItemSummary {
  orgPath: string;
}

/** Items by id (any order, missing ones left out) with their unit's path: pushes and sessions check them. */
export async function getStudyItemSummaries(db: Executor, tenantId: string, itemIds: string[]): Promise<ItemForPlanning[]> {
  if (itemIds.length === 0) return [];
  const rows = await itemQuery(db, tenantId).where('i.id', 'in', itemIds).execute();
  return rows.map((r) => ({ ...itemSummaryView(r), orgPath: r.org_path }));
}

// ---------- member reading ----------

/**
 * An item in the member app's reader. A member reads an item that was pushed to them, that is
 * material of a session they are invited to, or that belongs to their own unit or a unit above it.
 * Anything else (or a retired item) is "not found" for them.
 */
export async function getReadableItem(db: Database, ctx: RequestContext, itemId: string): Promise<ReadableItem> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const row = await itemQuery(db, tenantId)
    .where('i.id', '=', itemId)
    .where('i.retired_at', 'is', null)
    .where(
      sql<SqlBool>`(
        (SELECT mo.path FROM member m JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
          WHERE m.tenant_id = ${tenantId} AND m.id = ${memberId}) LIKE o.path || '%'
        OR EXISTS (SELECT 1 FROM push_delivery d
          JOIN push_item pi ON pi.tenant_id = d.tenant_id AND pi.push_id = d.push_id AND pi.item_id = i.id
          WHERE d.tenant_id = ${tenantId} AND d.member_id = ${memberId})
        OR EXISTS (SELECT 1 FROM session_material sm
          JOIN attendance a ON a.tenant_id = sm.tenant_id AND a.session_id = sm.session_id AND a.member_id = ${memberId}
          WHERE sm.tenant_id = ${tenantId} AND sm.item_id = i.id)
      )`,
    )
    .executeTakeFirst();
  if (!row) throw notFound('学习内容');
  const settings = await getSettings(db, tenantId);
  const { retired: _r, orgId: _o, audio, speech: _s, ...view } = itemView(row);
  return { ...view, minSeconds: settings.readMinSeconds, audioUrl: audio?.url ?? null };
}
