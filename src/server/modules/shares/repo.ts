import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';

/**
 * The sharing module's SQL: the feed (newest first, keyset pagination on (created_at, id), 20 a page),
 * a post's files and comments, and the rows the use cases check before writing.
 *
 * The feed's cursor is the last row's exact timestamp (microseconds, UTC text) and id: a post made in
 * the same millisecond as another is never skipped nor shown twice.
 */

export const FEED_PAGE = 20;

/** Who reads: the member (their likes, their own hidden posts) and the unit subtrees they moderate. */
export interface Viewer {
  memberId: string | null;
  /** secretary subtrees (community.manage): hidden content in them is shown; 'all' for the tenant admin */
  moderates: string[] | 'all';
}

export interface PostRow {
  id: string;
  member_id: string;
  author_name: string;
  org_id: string;
  org_name: string;
  topic_id: string | null;
  topic_title: string | null;
  kind: 'study' | 'work' | 'home_advice' | 'city' | 'other';
  body: string;
  audience: 'branch' | 'village';
  audience_org_id: string;
  audience_org_name: string;
  audience_path: string;
  created_at: Date;
  created_key: string;
  hidden_at: Date | null;
  hidden_reason: string | null;
  like_count: number;
  liked_by_me: boolean;
  comment_count: number;
}

/** SQL: rows (alias `alias`, with `path_col`) whose path lies in the viewer's moderated subtrees. */
function moderatedSql(v: Viewer, pathCol: RawBuilder<string>): RawBuilder<SqlBool> {
  if (v.moderates === 'all') return sql<SqlBool>`true`;
  if (v.moderates.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    v.moderates.map((p) => sql`${pathCol} LIKE ${`${p}%`}`),
    sql` OR `,
  )})`;
}

/** SQL: the post p is shown to the viewer (not deleted; hidden only to its author and moderators). */
export function postShownSql(v: Viewer): RawBuilder<SqlBool> {
  return sql<SqlBool>`p.deleted_at IS NULL AND (p.hidden_at IS NULL OR p.member_id = ${v.memberId} OR ${moderatedSql(v, sql`p.audience_path`)})`;
}

/** SQL: the comment c (of post p) is shown to the viewer. */
function commentShownSql(v: Viewer): RawBuilder<SqlBool> {
  return sql<SqlBool>`c.deleted_at IS NULL AND (c.hidden_at IS NULL OR c.member_id = ${v.memberId} OR ${moderatedSql(v, sql`p.audience_path`)})`;
}

export const encodeCursor = (row: { created_key: string; id: string }): string => Buffer.from(`${row.created_key}|${row.id}`).toString('base64url');

/** The cursor's time and id, or null when it is not one this module wrote (then the first page is read). */
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { at, id };
}

export interface FeedFilter {
  tenantId: string;
  viewer: Viewer;
  /** posts whose audience is one of these units (the member's feed) */
  audienceOrgIds?: string[];
  /** posts seen in, or written in, these unit subtrees (the console); 'all' for the tenant */
  subtrees?: string[] | 'all';
  postId?: string;
  from?: Date;
  to?: Date;
  topicId?: string;
  kind?: string;
  hidden?: 'all' | 'hidden' | 'visible';
  cursor?: { at: string; id: string } | null;
  limit?: number;
}

/** The posts of a feed page (one more than asked: the caller knows a next page exists). */
export async function feedRows(db: Executor, f: FeedFilter): Promise<PostRow[]> {
  const v = f.viewer;
  const where: RawBuilder<unknown>[] = [sql`p.tenant_id = ${f.tenantId}`, postShownSql(v)];
  if (f.audienceOrgIds) where.push(sql`p.audience_org_id = ANY(${f.audienceOrgIds}::uuid[])`);
  if (f.subtrees && f.subtrees !== 'all') {
    if (f.subtrees.length === 0) where.push(sql`false`);
    else
      where.push(
        sql`(${sql.join(
          f.subtrees.map((s) => sql`p.audience_path LIKE ${`${s}%`} OR ao.path LIKE ${`${s}%`}`),
          sql` OR `,
        )})`,
      );
  }
  if (f.postId) where.push(sql`p.id = ${f.postId}`);
  if (f.from) where.push(sql`p.created_at >= ${f.from}`);
  if (f.to) where.push(sql`p.created_at < ${f.to}`);
  if (f.topicId) where.push(sql`p.topic_id = ${f.topicId}`);
  if (f.kind) where.push(sql`p.kind = ${f.kind}`);
  if (f.hidden === 'hidden') where.push(sql`p.hidden_at IS NOT NULL`);
  if (f.hidden === 'visible') where.push(sql`p.hidden_at IS NULL`);
  if (f.cursor) where.push(sql`(p.created_at, p.id) < (${f.cursor.at}::timestamptz, ${f.cursor.id}::uuid)`);
  const limit = f.limit ?? FEED_PAGE + 1;
  const { rows } = await sql<PostRow>`
    SELECT p.id, p.member_id, m.name AS author_name, p.org_id, ao.name AS org_name, p.topic_id, t.title AS topic_title,
           p.kind, p.body, p.audience, p.audience_org_id, au.name AS audience_org_name, p.audience_path,
           p.created_at, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
           p.hidden_at, p.hidden_reason,
           (SELECT count(*)::int FROM share_like l WHERE l.tenant_id = p.tenant_id AND l.post_id = p.id) AS like_count,
           EXISTS (SELECT 1 FROM share_like l WHERE l.tenant_id = p.tenant_id AND l.post_id = p.id AND l.member_id = ${v.memberId}) AS liked_by_me,
           (SELECT count(*)::int FROM share_comment c WHERE c.tenant_id = p.tenant_id AND c.post_id = p.id AND ${commentShownSql(v)}) AS comment_count
      FROM share_post p
      JOIN member m ON m.tenant_id = p.tenant_id AND m.id = p.member_id
      JOIN org ao ON ao.tenant_id = p.tenant_id AND ao.id = p.org_id
      JOIN org au ON au.tenant_id = p.tenant_id AND au.id = p.audience_org_id
      LEFT JOIN share_topic t ON t.tenant_id = p.tenant_id AND t.id = p.topic_id
     WHERE ${sql.join(where, sql` AND `)}
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT ${limit}`.execute(db);
  return rows;
}

export interface PostFileRow {
  post_id: string;
  file_id: string;
  role: 'photo' | 'voice';
  position: number;
}

export async function postFiles(db: Executor, tenantId: string, postIds: string[]): Promise<PostFileRow[]> {
  if (postIds.length === 0) return [];
  return db
    .selectFrom('share_post_file')
    .select(['post_id', 'file_id', 'role', 'position'])
    .where('tenant_id', '=', tenantId)
    .where('post_id', 'in', postIds)
    .orderBy('post_id')
    .orderBy('role')
    .orderBy('position')
    .execute();
}

export interface CommentRow {
  id: string;
  post_id: string;
  member_id: string;
  author_name: string;
  body: string;
  created_at: Date;
  hidden_at: Date | null;
  hidden_reason: string | null;
}

/** The comments of a post the viewer may see, oldest first. */
export async function commentRows(db: Executor, tenantId: string, v: Viewer, postId: string): Promise<CommentRow[]> {
  const { rows } = await sql<CommentRow>`
    SELECT c.id, c.post_id, c.member_id, m.name AS author_name, c.body, c.created_at, c.hidden_at, c.hidden_reason
      FROM share_comment c
      JOIN share_post p ON p.tenant_id = c.tenant_id AND p.id = c.post_id
      JOIN member m ON m.tenant_id = c.tenant_id AND m.id = c.member_id
     WHERE c.tenant_id = ${tenantId} AND c.post_id = ${postId} AND ${commentShownSql(v)}
     ORDER BY c.created_at, c.id`.execute(db);
  return rows;
}

/** A post's row for checks before a write (deleted ones are not found). */
export async function findPost(db: Executor, tenantId: string, postId: string) {
  return db
    .selectFrom('share_post')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** A comment with its post's audience, for checks before a write (deleted ones are not found). */
export async function findComment(db: Executor, tenantId: string, commentId: string) {
  return db
    .selectFrom('share_comment as c')
    .innerJoin('share_post as p', (j) => j.onRef('p.tenant_id', '=', 'c.tenant_id').onRef('p.id', '=', 'c.post_id'))
    .selectAll('c')
    .select(['p.audience_path', 'p.deleted_at as post_deleted_at', 'p.hidden_at as post_hidden_at', 'p.member_id as post_member_id'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.id', '=', commentId)
    .where('c.deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The units above a unit and the unit itself, from the top down (ids of its path). */
export const pathIds = (path: string): string[] => path.split('/').filter(Boolean);
