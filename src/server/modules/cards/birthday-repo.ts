import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';

/**
 * Current members with a joining day on one of these month-days ('MM-DD'), in the units `scope`
 * admits (over member `m`), with their unit and whether they are away now.
 */
export async function joinDayRows(db: Executor, tenantId: string, monthDays: string[], scope: RawBuilder<SqlBool>) {
  return db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .select(['m.id', 'm.name', 'm.phone', 'm.join_date', 'o.name as org_name'])
    .select(sql<boolean>`mb.id IS NOT NULL`.as('mobile'))
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .where('m.join_date', 'is not', null)
    .where(sql<SqlBool>`to_char(m.join_date, 'MM-DD') = ANY(${monthDays}::text[])`)
    .where(scope)
    .execute();
}
