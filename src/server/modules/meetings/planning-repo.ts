import type { Insertable, Updateable } from 'kysely';
import type { Executor, Tx } from '../../db/database.ts';
import type { StudySessionTable } from '../../db/tables.ts';
import { inSubtrees } from '../../directory/index.ts';

/** The listed members with their unit path, to check each is in the meeting's subtree and still here. */
export async function listedMembers(db: Executor, tenantId: string, memberIds: string[]) {
  if (memberIds.length === 0) return [];
  return db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.name', 'm.status', 'm.left_at', 'o.path'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', 'in', memberIds)
    .execute();
}

/** Every member of the unit's subtree who has not left: the invitees of a meeting held for the whole unit. */
export async function subtreeMembers(db: Executor, tenantId: string, orgPath: string): Promise<Invitee[]> {
  return db
    .selectFrom('member as m')
    .select(['m.id', 'm.status'])
    .where('m.tenant_id', '=', tenantId)
    .where(inSubtrees(tenantId, [orgPath]))
    .where('m.left_at', 'is', null)
    .execute();
}

/** Of these study items, those of the listed units (the meeting's unit and those above it) not retired. */
export async function usableItemIds(db: Executor, tenantId: string, orgIds: string[], itemIds: string[]): Promise<Set<string>> {
  const found = await db
    .selectFrom('study_item')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', itemIds)
    .where('org_id', 'in', orgIds)
    .where('retired_at', 'is', null)
    .execute();
  return new Set(found.map((r) => r.id));
}

/** One invitee: voting when a full member. */
export interface Invitee {
  id: string;
  status: 'full' | 'probationary';
}

/**
 * Writes a planned meeting, its study items in their order and one 'invited' attendance row per
 * invitee (in batches of 2,000, well under PostgreSQL's parameter limit). Returns the meeting's id.
 */
export async function insertMeeting(tx: Tx, meeting: Insertable<StudySessionTable>, materialIds: string[], invitees: Invitee[]): Promise<string> {
  const tenantId = meeting.tenant_id;
  const row = await tx.insertInto('study_session').values(meeting).returning('id').executeTakeFirstOrThrow();
  await insertMaterials(tx, tenantId, row.id, materialIds);
  for (let i = 0; i < invitees.length; i += 2000) {
    await tx
      .insertInto('attendance')
      .values(invitees.slice(i, i + 2000).map((m) => ({ tenant_id: tenantId, session_id: row.id, member_id: m.id, voting: m.status === 'full' })))
      .execute();
  }
  return row.id;
}

async function insertMaterials(tx: Tx, tenantId: string, meetingId: string, itemIds: string[]): Promise<void> {
  if (itemIds.length === 0) return;
  await tx
    .insertInto('session_material')
    .values(itemIds.map((itemId, position) => ({ tenant_id: tenantId, session_id: meetingId, item_id: itemId, position })))
    .execute();
}

/** The meeting row, locked until the transaction ends. */
export async function lockMeeting(tx: Tx, tenantId: string, meetingId: string) {
  return tx.selectFrom('study_session').selectAll().where('tenant_id', '=', tenantId).where('id', '=', meetingId).forUpdate().executeTakeFirstOrThrow();
}

/** Writes the changes and returns the row as it now is. */
export async function updateMeetingRow(tx: Tx, tenantId: string, meetingId: string, changes: Updateable<StudySessionTable>) {
  return tx.updateTable('study_session').set(changes).where('tenant_id', '=', tenantId).where('id', '=', meetingId).returningAll().executeTakeFirstOrThrow();
}

/** The meeting's study items become these, in this order. */
export async function replaceMaterials(tx: Tx, tenantId: string, meetingId: string, itemIds: string[]): Promise<void> {
  await tx.deleteFrom('session_material').where('tenant_id', '=', tenantId).where('session_id', '=', meetingId).execute();
  await insertMaterials(tx, tenantId, meetingId, itemIds);
}

/** Cancels the meeting if it is still planned; false when it was not. */
export async function cancelPlannedMeeting(tx: Tx, tenantId: string, meetingId: string): Promise<boolean> {
  const done = await tx
    .updateTable('study_session')
    .set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', meetingId)
    .where('status', '=', 'planned')
    .returning('id')
    .executeTakeFirst();
  return done !== undefined;
}
