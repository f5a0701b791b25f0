import { sql, type Updateable } from 'kysely';
import type { Tx } from '../../db/database.ts';
import type { DB } from '../../db/tables.ts';

/** One member's row of a meeting, in attendance and in makeup alike. */
export interface MemberKey {
  tenant_id: string;
  session_id: string;
  member_id: string;
}

export const memberKey = (tenantId: string, meetingId: string, memberId: string): MemberKey => ({ tenant_id: tenantId, session_id: meetingId, member_id: memberId });

/** The member's attendance row, locked until the transaction ends; undefined when not invited. */
export async function lockAttendance(tx: Tx, key: MemberKey) {
  return tx
    .selectFrom('attendance')
    .selectAll()
    .where((eb) => eb.and({ ...key }))
    .forUpdate()
    .executeTakeFirst();
}

/** Writes the changes and returns the row as it now is. */
export async function updateAttendance(tx: Tx, key: MemberKey, changes: Updateable<DB['attendance']>) {
  return tx
    .updateTable('attendance')
    .set(changes)
    .where((eb) => eb.and({ ...key }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The member attended after all: no make-up. */
export async function deleteMakeup(tx: Tx, key: MemberKey): Promise<void> {
  await tx.deleteFrom('makeup').where((eb) => eb.and({ ...key })).execute();
}

/**
 * The member missed the meeting after all: a make-up due `makeupDays` after `now`'s day in
 * Asia/Shanghai, or the one already there now records this kind of absence.
 */
export async function upsertMissedMakeup(tx: Tx, key: MemberKey, missed: 'absent' | 'excused', now: Date, makeupDays: number): Promise<void> {
  await tx
    .insertInto('makeup')
    .values({
      ...key,
      missed_status: missed,
      due_on: sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + ${makeupDays}::int`,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'session_id', 'member_id']).doUpdateSet({ missed_status: missed }))
    .execute();
}

/** The make-up (if any) now records an excused absence. */
export async function excuseMakeup(tx: Tx, key: MemberKey): Promise<void> {
  await tx
    .updateTable('makeup')
    .set({ missed_status: 'excused' })
    .where((eb) => eb.and({ ...key }))
    .execute();
}
