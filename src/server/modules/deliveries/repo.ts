import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';

/** A trip with its unit (the unit's path decides who may see and change it). */
export async function findDelivery(db: Executor, tenantId: string, deliveryId: string) {
  return db
    .selectFrom('delivery as d')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'd.tenant_id').onRef('o.id', '=', 'd.org_id'))
    .selectAll('d')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}
export type DeliveryRow = NonNullable<Awaited<ReturnType<typeof findDelivery>>>;

/** The members met on a trip, in pinyin order of their names (`member.name_sort_key`). */
export function deliveryMemberRows(db: Executor, tenantId: string, deliveryId: string) {
  return db
    .selectFrom('delivery_member as dm')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'dm.tenant_id').onRef('m.id', '=', 'dm.member_id'))
    .select(['dm.member_id', 'm.name', 'dm.items', 'dm.handed_to', 'dm.words'])
    .where('dm.tenant_id', '=', tenantId)
    .where('dm.delivery_id', '=', deliveryId)
    .orderBy('m.name_sort_key')
    .orderBy('m.name')
    .orderBy('m.id')
    .execute();
}

export function deliveryPhotoRows(db: Executor, tenantId: string, deliveryId: string) {
  return db
    .selectFrom('delivery_photo')
    .select(['file_id', 'caption'])
    .where('tenant_id', '=', tenantId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('sort_order')
    .orderBy('file_id')
    .execute();
}

export interface TripFilter {
  /** unit subtrees whose trips are listed; 'all' for the whole tenant */
  paths: string[] | 'all';
  from?: string | undefined;
  to?: string | undefined;
}

function filtered(db: Executor, tenantId: string, f: TripFilter) {
  let q = db.selectFrom('delivery as d').where('d.tenant_id', '=', tenantId);
  if (f.paths !== 'all') q = q.where(inSubtrees(tenantId, f.paths, 'd.org_id'));
  if (f.from) q = q.where('d.trip_on', '>=', f.from);
  if (f.to) q = q.where('d.trip_on', '<=', f.to);
  return q;
}

/** A page of trips, newest first, each with the members met (names) and everything handed over. */
export function listDeliveryRows(db: Executor, tenantId: string, f: TripFilter, page: { limit: number; offset: number }) {
  return filtered(db, tenantId, f)
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'd.tenant_id').onRef('o.id', '=', 'd.org_id'))
    .selectAll('d')
    .select('o.name as org_name')
    .select(
      sql<string[]>`ARRAY(SELECT m.name FROM delivery_member dm JOIN member m ON m.tenant_id = dm.tenant_id AND m.id = dm.member_id
        WHERE dm.tenant_id = d.tenant_id AND dm.delivery_id = d.id ORDER BY m.name_sort_key, m.name, m.id)`.as('member_names'),
    )
    .select(
      sql<string[]>`ARRAY(SELECT DISTINCT i FROM delivery_member dm, unnest(dm.items) AS i
        WHERE dm.tenant_id = d.tenant_id AND dm.delivery_id = d.id ORDER BY i)`.as('handed_over'),
    )
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('d.trip_on', 'desc')
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countDeliveries(db: Executor, tenantId: string, f: TripFilter): Promise<number> {
  const row = await filtered(db, tenantId, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Where the trips of the filter went: trips and distinct members met per destination, most trips first. */
export function deliveriesByCity(db: Executor, tenantId: string, f: TripFilter) {
  return filtered(db, tenantId, f)
    .leftJoin('delivery_member as dm', (j) => j.onRef('dm.tenant_id', '=', 'd.tenant_id').onRef('dm.delivery_id', '=', 'd.id'))
    .select(['d.province_code', 'd.city_code', 'd.place_name'])
    .select(sql<number>`count(DISTINCT d.id)::int`.as('trips'))
    .select(sql<number>`count(DISTINCT dm.member_id)::int`.as('members'))
    .groupBy(['d.province_code', 'd.city_code', 'd.place_name'])
    .orderBy(sql`count(DISTINCT d.id)`, 'desc')
    .orderBy('d.place_name')
    .execute();
}
