import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { PushAudience } from '../../db/tables.ts';
import type { InboxEntry } from '../../../shared/api-learning.ts';
import { inSubtrees } from '../../directory/index.ts';

/**
 * The members a push reaches, as a WHERE condition on `member m`: members of the unit's subtree
 * who have not left; 'mobile' adds an open destination (流动党员); 'list' the chosen members (still
 * inside the subtree at delivery time). The subtree goes through the member's org index
 * (directory/units.ts `inSubtrees`).
 */
export function audienceCondition(tenantId: string, orgPath: string, audience: PushAudience, memberIds: string[]): RawBuilder<SqlBool> {
  const parts = [sql`m.tenant_id = ${tenantId}`, sql`m.left_at IS NULL`, inSubtrees(tenantId, [orgPath])];
  if (audience === 'mobile') {
    parts.push(sql`EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)`);
  }
  if (audience === 'list') parts.push(sql`m.id = ANY(${memberIds}::uuid[])`);
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

interface InboxRow {
  push_id: string;
  title: string;
  delivered_at: Date;
  opened_at: Date | null;
  read_at: Date | null;
  reminded_at: Date | null;
  items: { id: string; title: string; kind: InboxEntry['items'][number]['kind']; minutes: number; read: boolean }[] | null;
  total: number;
  unread: number;
}

export const inboxEntryView = (r: InboxRow): InboxEntry => ({
  pushId: r.push_id,
  title: r.title,
  deliveredAt: new Date(r.delivered_at).toISOString(),
  openedAt: r.opened_at ? new Date(r.opened_at).toISOString() : null,
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  reminded: r.reminded_at !== null && r.read_at === null,
  items: r.items ?? [],
});

/**
 * A member's inbox entries, newest first, each with its items (retired ones left out) and whether
 * the member has read each; `total` and `unread` count every entry matching `where`.
 */
export async function inboxRows(
  db: Executor,
  tenantId: string,
  memberId: string,
  opts: { where?: RawBuilder<SqlBool>; limit: number; offset?: number; withTotals?: boolean },
): Promise<InboxRow[]> {
  const totals = opts.withTotals
    ? sql`count(*) OVER () AS total, count(*) FILTER (WHERE d.read_at IS NULL) OVER () AS unread`
    : sql`0 AS total, 0 AS unread`;
  const res = await sql<InboxRow>`
    SELECT d.push_id, p.title, d.delivered_at, d.opened_at, d.read_at, d.reminded_at,
      (SELECT json_agg(json_build_object('id', si.id, 'title', si.title, 'kind', si.kind, 'minutes', si.minutes,
                                         'read', si.id = ANY(d.read_item_ids)) ORDER BY pi.position)
         FROM push_item pi JOIN study_item si ON si.tenant_id = pi.tenant_id AND si.id = pi.item_id
        WHERE pi.tenant_id = d.tenant_id AND pi.push_id = d.push_id AND si.retired_at IS NULL) AS items,
      ${totals}
    FROM push_delivery d
    JOIN push p ON p.tenant_id = d.tenant_id AND p.id = d.push_id
    WHERE d.tenant_id = ${tenantId} AND d.member_id = ${memberId} AND ${opts.where ?? sql`true`}
    ORDER BY d.delivered_at DESC, d.push_id DESC
    LIMIT ${opts.limit} OFFSET ${opts.offset ?? 0}
  `.execute(db);
  return res.rows.map((r) => ({ ...r, total: Number(r.total), unread: Number(r.unread) }));
}

export async function inboxCounts(db: Executor, tenantId: string, memberId: string): Promise<{ total: number; unread: number }> {
  const res = await sql<{ total: number; unread: number }>`
    SELECT count(*) AS total, count(*) FILTER (WHERE read_at IS NULL) AS unread
    FROM push_delivery WHERE tenant_id = ${tenantId} AND member_id = ${memberId}
  `.execute(db);
  const r = res.rows[0];
  return { total: Number(r?.total ?? 0), unread: Number(r?.unread ?? 0) };
}

export interface PushRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  title: string;
  planned_at: Date;
  audience: PushAudience;
  audience_member_ids: string[];
  status: 'planned' | 'delivered' | 'cancelled';
  item_titles: string[];
  delivered: number;
  opened: number;
  read: number;
  total: number;
}

/**
 * Pushes matching `where` (on `p`), newest plan first. Statistics are counted for the page's
 * pushes only, after the limit: a county push has tens of thousands of deliveries.
 */
export async function pushRows(db: Executor, tenantId: string, where: RawBuilder<SqlBool>, limit: number, offset: number): Promise<PushRow[]> {
  const res = await sql<PushRow>`
    SELECT pg.*, o.name AS org_name, o.path AS org_path,
      ARRAY(SELECT si.title FROM push_item pi JOIN study_item si ON si.tenant_id = pi.tenant_id AND si.id = pi.item_id
             WHERE pi.tenant_id = pg.tenant_id AND pi.push_id = pg.id ORDER BY pi.position) AS item_titles,
      st.delivered, st.opened, st.read
    FROM (
      SELECT p.tenant_id, p.id, p.org_id, p.title, p.planned_at, p.audience, p.audience_member_ids, p.status,
             count(*) OVER () AS total
      FROM push p
      WHERE p.tenant_id = ${tenantId} AND ${where}
      ORDER BY p.planned_at DESC, p.id DESC
      LIMIT ${limit} OFFSET ${offset}
    ) pg
    JOIN org o ON o.tenant_id = pg.tenant_id AND o.id = pg.org_id
    CROSS JOIN LATERAL (
      SELECT count(*) AS delivered, count(d.opened_at) AS opened, count(d.read_at) AS read
      FROM push_delivery d WHERE d.tenant_id = pg.tenant_id AND d.push_id = pg.id
    ) st
    ORDER BY pg.planned_at DESC, pg.id DESC
  `.execute(db);
  return res.rows.map((r) => ({ ...r, delivered: Number(r.delivered), opened: Number(r.opened), read: Number(r.read), total: Number(r.total) }));
}

export interface RecipientRow {
  member_id: string;
  name: string;
  org_name: string;
  mobile: boolean;
  opened_at: Date | null;
  read_at: Date | null;
  reminded_at: Date | null;
}

export async function recipientRows(db: Executor, tenantId: string, pushId: string, limit: number): Promise<RecipientRow[]> {
  const res = await sql<RecipientRow>`
    SELECT m.id AS member_id, m.name, o.name AS org_name,
      EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL) AS mobile,
      d.opened_at, d.read_at, d.reminded_at
    FROM push_delivery d
    JOIN member m ON m.tenant_id = d.tenant_id AND m.id = d.member_id
    JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    WHERE d.tenant_id = ${tenantId} AND d.push_id = ${pushId}
    ORDER BY (d.read_at IS NOT NULL), m.name_sort_key, m.name, m.id
    LIMIT ${limit}
  `.execute(db);
  return res.rows;
}
