import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';

/** A grid with its unit's path (what authorization reads); undefined when there is none. */
export async function gridWithPath(db: Executor, tenantId: string, gridId: string) {
  return db
    .selectFrom('grid as g')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
    .select(['g.id', 'o.path'])
    .where('g.tenant_id', '=', tenantId)
    .where('g.id', '=', gridId)
    .executeTakeFirst();
}

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

/** Whose cards to print: one member, a grid's members, or the members of a unit's subtree who are away now. */
export type ContactCardsFor = { memberId: string } | { gridId: string } | { mobileIn: string };

function contactWhere(tenantId: string, f: ContactCardsFor): RawBuilder<SqlBool> {
  if ('memberId' in f) return sql<SqlBool>`m.id = ${f.memberId}`;
  if ('gridId' in f) return sql<SqlBool>`m.grid_id = ${f.gridId}`;
  return sql<SqlBool>`${inSubtrees(tenantId, [f.mobileIn])} AND EXISTS (
      SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)`;
}

/** The current members to print cards for. */
export async function contactMemberRows(db: Executor, tenantId: string, cardsFor: ContactCardsFor): Promise<ContactMemberRow[]> {
  const where = contactWhere(tenantId, cardsFor);
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
