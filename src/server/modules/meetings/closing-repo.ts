import { sql } from 'kysely';
import type { Database, Tx } from '../../db/database.ts';

/**
 * The meeting's row if it is still planned, locked until the transaction ends; undefined when it is
 * not planned or another worker holds it (SKIP LOCKED: two closers never wait on each other).
 */
export async function lockPlannedMeeting(tx: Tx, tenantId: string, meetingId: string) {
  return tx
    .selectFrom('study_session')
    .select(['id', 'makeup_days'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', meetingId)
    .where('status', '=', 'planned')
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** Invitees not marked become absent; returns how many. */
export async function markUnmarkedAbsent(tx: Tx, tenantId: string, meetingId: string, now: Date): Promise<number> {
  const rows = await tx
    .updateTable('attendance')
    .set({ status: 'absent', updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', meetingId)
    .where('status', '=', 'invited')
    .returning('member_id')
    .execute();
  return rows.length;
}

/**
 * A make-up for every absent or excused invitee who has none, due `makeupDays` after `now`'s day
 * in Asia/Shanghai; returns how many were created.
 */
export async function createMissedMakeups(tx: Tx, tenantId: string, meetingId: string, now: Date, makeupDays: number): Promise<number> {
  const dueOn = sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + ${makeupDays}::int`;
  const rows = await tx
    .insertInto('makeup')
    .columns(['tenant_id', 'session_id', 'member_id', 'missed_status', 'due_on'])
    .expression((eb) =>
      eb
        .selectFrom('attendance')
        .select(['tenant_id', 'session_id', 'member_id', sql<'absent' | 'excused'>`status`.as('missed_status'), dueOn.as('due_on')])
        .where('tenant_id', '=', tenantId)
        .where('session_id', '=', meetingId)
        .where('status', 'in', ['absent', 'excused']),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'session_id', 'member_id']).doNothing())
    .returning('member_id')
    .execute();
  return rows.length;
}

export async function setClosed(tx: Tx, tenantId: string, meetingId: string, now: Date): Promise<void> {
  await tx.updateTable('study_session').set({ status: 'closed', closed_at: now }).where('tenant_id', '=', tenantId).where('id', '=', meetingId).execute();
}

/** Up to `limit` planned meetings, of every tenant, whose check-in window has closed by `now`; the earliest first. */
export async function dueMeetings(db: Database, now: Date, limit: number) {
  return db
    .selectFrom('study_session')
    .select(['tenant_id', 'id'])
    .where('status', '=', 'planned')
    .where('checkin_closes_at', '<=', now)
    .orderBy('checkin_closes_at')
    .limit(limit)
    .execute();
}
