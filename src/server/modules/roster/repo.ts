import { sql, type Insertable } from 'kysely';
import type { Executor, Tx } from '../../db/database.ts';
import type { MemberTable, MobilityTable } from '../../db/tables.ts';

/** The tenant's units in use, in path order. */
export async function activeUnits(db: Executor, tenantId: string) {
  return db.selectFrom('org').select(['id', 'name', 'path']).where('tenant_id', '=', tenantId).where('retired_at', 'is', null).orderBy('path').execute();
}

/** The tenant's grids in use, with their unit's path. */
export async function activeGrids(db: Executor, tenantId: string) {
  return db
    .selectFrom('grid as g')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
    .select(['g.id', 'g.name', 'o.path as orgPath'])
    .where('g.tenant_id', '=', tenantId)
    .where('g.retired_at', 'is', null)
    .execute();
}

/** The names of the tenant's grids in use, in order (for the template's 说明 sheet). */
export async function activeGridNames(db: Executor, tenantId: string) {
  return db.selectFrom('grid').select('name').where('tenant_id', '=', tenantId).where('retired_at', 'is', null).orderBy('name').execute();
}

/** Of these phone numbers, those already registered to a member. */
export async function registeredPhones(db: Executor, tenantId: string, phones: string[]): Promise<string[]> {
  if (phones.length === 0) return [];
  const rows = await db.selectFrom('member').select('phone').where('tenant_id', '=', tenantId).where(sql<boolean>`phone = any(${phones}::text[])`).execute();
  return rows.map((r) => r.phone);
}

/** Of these ID-number hashes, those already registered to a member. */
export async function registeredIdHashes(db: Executor, tenantId: string, hashes: string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await db.selectFrom('member').select('id_number_hash').where('tenant_id', '=', tenantId).where(sql<boolean>`id_number_hash = any(${hashes}::text[])`).execute();
  return rows.flatMap((r) => (r.id_number_hash ? [r.id_number_hash] : []));
}

const INSERT_BATCH = 500;

/** Inserts the members, then their mobility rows, in batches; `onMembers` hears how many members are in. */
export async function insertMembers(
  tx: Tx,
  members: Insertable<MemberTable>[],
  mobilities: Insertable<MobilityTable>[],
  onMembers: (inserted: number) => void,
): Promise<void> {
  for (let i = 0; i < members.length; i += INSERT_BATCH) {
    await tx.insertInto('member').values(members.slice(i, i + INSERT_BATCH)).execute();
    onMembers(Math.min(i + INSERT_BATCH, members.length));
  }
  for (let i = 0; i < mobilities.length; i += INSERT_BATCH) {
    await tx.insertInto('mobility').values(mobilities.slice(i, i + INSERT_BATCH)).execute();
  }
}

