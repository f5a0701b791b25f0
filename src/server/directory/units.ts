import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { OrgRow } from '../db/tables.ts';
import { AppError, notFound } from '../errors.ts';

/** A unit of the tenant, or 404 组织. */
export async function getOrg(db: Executor, tenantId: string, orgId: string): Promise<OrgRow> {
  const org = await db.selectFrom('org').selectAll().where('tenant_id', '=', tenantId).where('id', '=', orgId).executeTakeFirst();
  if (!org) throw notFound('组织');
  return org;
}

/** The tenant's top unit (the first made, should there be several), or 404 尚未建立组织. */
export async function topUnit(db: Executor, tenantId: string): Promise<OrgRow> {
  const top = await db.selectFrom('org').selectAll().where('tenant_id', '=', tenantId).where('parent_id', 'is', null).orderBy('created_at').executeTakeFirst();
  if (!top) throw new AppError('not_found', '尚未建立组织');
  return top;
}

/**
 * Rows whose unit lies in one of these subtrees: members by default (`m.org_id`), or any other
 * row with a unit column (`s.org_id` for meetings, `p.org_id` for pushes). Written as
 * `org_id = ANY(ARRAY(…))` on the row's own table (not a LIKE on the joined org) so PostgreSQL can
 * use that table's org index, and combine it with its other conditions (BitmapOr) instead of
 * joining every row.
 */
export function inSubtrees(tenantId: string, paths: string[], orgColumn = 'm.org_id'): RawBuilder<SqlBool> {
  if (paths.length === 0) return sql<SqlBool>`false`;
  const likes = sql.join(paths.map((p) => sql`path LIKE ${`${p}%`}`), sql` OR `);
  return sql<SqlBool>`${sql.ref(orgColumn)} = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${tenantId} AND (${likes})))`;
}
