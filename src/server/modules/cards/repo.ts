import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { CardChannel, CardOccasion, CardPostStatus } from '../../db/tables.ts';

/** Cards that went into the post: posted, then delivered or returned. */
export const POSTED_STATUSES: CardPostStatus[] = ['posted', 'delivered', 'returned'];

/** A campaign with its unit and the counts of its cards. */
export interface CampaignRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  occasion: CardOccasion;
  title: string;
  greeting: string;
  signature: string;
  send_on: string;
  sent_at: Date | null;
  recipients: number;
  opened: number;
  posted: number;
  delivered: number;
  returned: number;
}

/**
 * Campaigns with their counts, newest day first. `where` narrows them (alias c for the campaign);
 * `page` limits the rows.
 */
export async function campaignRows(
  db: Executor,
  tenantId: string,
  where: RawBuilder<SqlBool>,
  page?: { limit: number; offset: number },
): Promise<CampaignRow[]> {
  const res = await sql<CampaignRow>`
    SELECT c.id, c.org_id, o.name AS org_name, o.path AS org_path, c.occasion, c.title, c.greeting, c.signature,
           c.send_on, c.sent_at,
           count(k.id)::int AS recipients,
           count(k.opened_at)::int AS opened,
           count(*) FILTER (WHERE k.post_status IN ('posted','delivered','returned'))::int AS posted,
           count(*) FILTER (WHERE k.post_status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE k.post_status = 'returned')::int AS returned
    FROM card_campaign c
    JOIN org o ON o.tenant_id = c.tenant_id AND o.id = c.org_id
    LEFT JOIN card k ON k.tenant_id = c.tenant_id AND k.campaign_id = c.id
    WHERE c.tenant_id = ${tenantId} AND ${where}
    GROUP BY c.tenant_id, c.id, o.name, o.path
    ORDER BY c.send_on DESC, c.created_at DESC, c.id
    ${page ? sql`LIMIT ${page.limit} OFFSET ${page.offset}` : sql``}
  `.execute(db);
  return res.rows;
}

export async function countCampaigns(db: Executor, tenantId: string, where: RawBuilder<SqlBool>): Promise<number> {
  const res = await sql<{ n: number }>`SELECT count(*)::int AS n FROM card_campaign c WHERE c.tenant_id = ${tenantId} AND ${where}`.execute(db);
  return res.rows[0]?.n ?? 0;
}

/** One card with its recipient, for the console. */
export interface CardRowData {
  id: string;
  campaign_id: string;
  member_id: string;
  member_name: string;
  phone: string;
  org_name: string;
  channel: CardChannel;
  address: string | null;
  post_status: CardPostStatus;
  post_note: string | null;
  sent_at: Date | null;
  opened_at: Date | null;
  posted_at: Date | null;
  delivered_at: Date | null;
  returned_at: Date | null;
}

export function cardQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('card as k')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'k.tenant_id').onRef('m.id', '=', 'k.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .where('k.tenant_id', '=', tenantId)
    .select([
      'k.id',
      'k.campaign_id',
      'k.member_id',
      'm.name as member_name',
      'm.phone',
      'o.name as org_name',
      'k.channel',
      'k.address',
      'k.post_status',
      'k.post_note',
      'k.sent_at',
      'k.opened_at',
      'k.posted_at',
      'k.delivered_at',
      'k.returned_at',
    ]);
}

/**
 * The postal address of a member's current destination (place and workplace), in SQL over the
 * open mobility row `mb`; NULL when the member is not away.
 */
export const destinationAddressSql = sql<string | null>`CASE WHEN mb.id IS NULL THEN NULL ELSE concat_ws(' ', mb.place_name, NULLIF(btrim(mb.workplace), '')) END`;

/** A member a grid contact card is printed for, with their grid, its leader and their mentor. */
export interface ContactMemberRow {
  id: string;
  name: string;
  org_name: string;
  org_path: string;
  grid_name: string | null;
  leader_name: string | null;
  leader_phone: string | null;
  mentor_name: string | null;
  mentor_phone: string | null;
}

export async function contactMemberRows(db: Executor, tenantId: string, where: RawBuilder<SqlBool>): Promise<ContactMemberRow[]> {
  const res = await sql<ContactMemberRow>`
    SELECT m.id, m.name, o.name AS org_name, o.path AS org_path,
           g.name AS grid_name, gl.name AS leader_name, gl.phone AS leader_phone,
           mt.name AS mentor_name, mt.phone AS mentor_phone
    FROM member m
    JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    LEFT JOIN grid g ON g.tenant_id = m.tenant_id AND g.id = m.grid_id
    LEFT JOIN member gl ON gl.tenant_id = g.tenant_id AND gl.id = g.leader_member_id AND gl.left_at IS NULL
    LEFT JOIN mentorship s ON s.tenant_id = m.tenant_id AND s.member_id = m.id AND s.ended_on IS NULL
    LEFT JOIN member mt ON mt.tenant_id = s.tenant_id AND mt.id = s.mentor_member_id
    WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL AND ${where}
  `.execute(db);
  return res.rows;
}

/**
 * Units on these paths with their first secretary (the earliest appointed whose account is not
 * disabled), so each member's nearest secretary is found by walking up their path.
 */
export async function unitsWithSecretaries(
  db: Executor,
  tenantId: string,
  orgIds: string[],
): Promise<Map<string, { name: string; kind: string; secretary: { name: string; phone: string } | null }>> {
  const map = new Map<string, { name: string; kind: string; secretary: { name: string; phone: string } | null }>();
  if (orgIds.length === 0) return map;
  const res = await sql<{ id: string; name: string; kind: string; secretary_name: string | null; secretary_phone: string | null }>`
    SELECT o.id, o.name, o.kind, s.display_name AS secretary_name, s.phone AS secretary_phone
    FROM org o
    LEFT JOIN LATERAL (
      SELECT a.display_name, a.phone FROM role_assignment r
      JOIN account a ON a.tenant_id = r.tenant_id AND a.id = r.account_id AND a.disabled_at IS NULL
      WHERE r.tenant_id = o.tenant_id AND r.org_id = o.id AND r.role = 'secretary'
      ORDER BY r.created_at, r.id LIMIT 1
    ) s ON true
    WHERE o.tenant_id = ${tenantId} AND o.id = ANY(${orgIds}::uuid[])
  `.execute(db);
  for (const r of res.rows) {
    map.set(r.id, { name: r.name, kind: r.kind, secretary: r.secretary_name && r.secretary_phone ? { name: r.secretary_name, phone: r.secretary_phone } : null });
  }
  return map;
}
