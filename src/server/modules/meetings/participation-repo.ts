import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import { materialsOf } from './repo.ts';

// A member's own meetings: what the member app reads, and the member's check-in and leave request.

/** What the member app shows of a meeting (never the QR secret or the minutes). */
const MEMBER_MEETING_COLUMNS = [
  's.id',
  's.kind',
  's.title',
  's.starts_at',
  's.ends_at',
  's.mode',
  's.meeting_url',
  's.location',
  's.agenda',
  's.replay_url',
  's.checkin_opens_at',
  's.checkin_closes_at',
  's.status',
  'o.name as org_name',
  'a.status as my_status',
  'a.checked_in_at',
  'a.leave_status',
] as const;

/**
 * A member's meetings with their materials: still to come (or check-in still open), and those of
 * the last 90 days. Reads the member's attendance rows through attendance_member_idx.
 */
export async function memberMeetingRows(db: Executor, tenantId: string, memberId: string, now: Date) {
  const since = new Date(now.getTime() - 90 * 86_400_000);
  return db
    .selectFrom('attendance as a')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .select([...MEMBER_MEETING_COLUMNS, materialsOf('s').as('materials')])
    .where('a.tenant_id', '=', tenantId)
    .where('a.member_id', '=', memberId)
    .where((eb) =>
      eb.or([
        eb.and([eb('s.status', '=', 'planned'), eb.or([eb('s.ends_at', '>', now), eb('s.checkin_closes_at', '>', now)])]),
        eb.and([eb('s.starts_at', '>=', since), eb('s.starts_at', '<=', now)]),
      ]),
    )
    .orderBy('s.starts_at')
    .execute();
}

/**
 * One meeting as the member sees it, with what the member's own actions need besides (the QR
 * secret to verify a scanned code, the make-up questions), in one round trip through the
 * attendance primary key; undefined when the member is not invited.
 */
export async function myMeetingRow(db: Executor, tenantId: string, memberId: string, meetingId: string) {
  return db
    .selectFrom('attendance as a')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .select([...MEMBER_MEETING_COLUMNS, 's.qr_secret', materialsOf('s').as('materials')])
    .where('a.tenant_id', '=', tenantId)
    .where('a.session_id', '=', meetingId)
    .where('a.member_id', '=', memberId)
    .executeTakeFirst();
}

/**
 * Checks the member in, in one transaction: one statement moves the attendance row only from
 * 'invited' and only then touches the member's last activity; the audit entry follows when it
 * moved. The meeting row is not written here (the rollup triggers of 0004 count on meetings and
 * attendance changing in separate statements). Undefined when nothing moved: another request of
 * the same member got there first, or the row is no longer 'invited'; nothing is written then.
 */
export async function checkInAttendance(
  db: Database,
  ctx: RequestContext,
  p: { tenantId: string; meetingId: string; memberId: string; status: 'present' | 'late'; method: 'qr' | 'self'; now: Date },
): Promise<{ status: 'present' | 'late'; checked_in_at: Date } | undefined> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ status: 'present' | 'late'; checked_in_at: Date }>`
      WITH moved AS (
        UPDATE attendance SET status = ${p.status}, checked_in_at = ${p.now}, method = ${p.method}, updated_at = ${p.now}
        WHERE tenant_id = ${p.tenantId} AND session_id = ${p.meetingId} AND member_id = ${p.memberId} AND status = 'invited'
        RETURNING tenant_id, member_id, status, checked_in_at
      ), touched AS (
        UPDATE member m SET last_active_at = ${p.now}
        FROM moved WHERE m.tenant_id = moved.tenant_id AND m.id = moved.member_id
      )
      SELECT status, checked_in_at FROM moved`.execute(tx);
    const moved = rows[0];
    if (moved) {
      await recordAudit(tx, ctx, { tenantId: p.tenantId, action: 'attendance.checkin', entity: 'attendance', entityId: p.meetingId, after: { memberId: p.memberId, status: p.status, method: p.method } });
    }
    return moved;
  });
}

/** A meeting as the member sees it, as `myMeetingRow` reads it without the QR secret. */
export type MyMeetingRow = Omit<NonNullable<Awaited<ReturnType<typeof myMeetingRow>>>, 'qr_secret'>;

/**
 * The usual check-in from the app (no QR code), in one transaction: one statement moves the
 * member's 'invited' row to present (or late, `lateAfterMs` after the start) only when the meeting
 * is planned and its check-in window holds `now`, touches the member's last activity and returns
 * the member's view of the meeting; the audit entry follows when it moved. Undefined when nothing
 * moved (outside the window, not invited, already checked in …; nothing is written): the caller
 * then reads the row and answers as the rules say. The meeting row itself is only read.
 */
export async function checkInFromApp(
  db: Database,
  ctx: RequestContext,
  p: { tenantId: string; meetingId: string; memberId: string; now: Date; lateAfterMs: number },
): Promise<MyMeetingRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<MyMeetingRow>`
      WITH open_session AS (
        SELECT tenant_id, id, starts_at FROM study_session
        WHERE tenant_id = ${p.tenantId} AND id = ${p.meetingId} AND status = 'planned'
          AND checkin_opens_at <= ${p.now} AND checkin_closes_at >= ${p.now}
      ), moved AS (
        UPDATE attendance a
        SET status = CASE WHEN ${p.now}::timestamptz > os.starts_at + ${p.lateAfterMs}::int * interval '1 millisecond' THEN 'late' ELSE 'present' END,
            checked_in_at = ${p.now}, method = 'self', updated_at = ${p.now}
        FROM open_session os
        WHERE a.tenant_id = os.tenant_id AND a.session_id = os.id AND a.member_id = ${p.memberId} AND a.status = 'invited'
        RETURNING a.tenant_id, a.session_id, a.member_id, a.status, a.checked_in_at, a.leave_status
      ), touched AS (
        UPDATE member m SET last_active_at = ${p.now}
        FROM moved WHERE m.tenant_id = moved.tenant_id AND m.id = moved.member_id
      )
      SELECT s.id, s.kind, s.title, s.starts_at, s.ends_at, s.mode, s.meeting_url, s.location, s.agenda, s.replay_url,
        s.checkin_opens_at, s.checkin_closes_at, s.status, o.name AS org_name, a.status AS my_status, a.checked_in_at, a.leave_status,
        ${materialsOf('s')} AS materials
      FROM moved a
      JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id
      JOIN org o ON o.tenant_id = s.tenant_id AND o.id = s.org_id`.execute(tx);
    const moved = rows[0];
    if (moved) {
      await recordAudit(tx, ctx, { tenantId: p.tenantId, action: 'attendance.checkin', entity: 'attendance', entityId: p.meetingId, after: { memberId: p.memberId, status: moved.my_status, method: 'self' } });
    }
    return moved;
  });
}

/**
 * Records the member's leave request on an 'invited' row, with its audit entry, in one
 * transaction. False when the row is no longer 'invited' (nothing written).
 */
export async function requestLeaveRow(db: Database, ctx: RequestContext, p: { tenantId: string; meetingId: string; memberId: string; reason: string; now: Date }): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const asked = await tx
      .updateTable('attendance')
      .set({ leave_reason: p.reason, leave_status: 'requested', leave_requested_at: p.now, leave_decided_by: null, updated_at: p.now })
      .where('tenant_id', '=', p.tenantId)
      .where('session_id', '=', p.meetingId)
      .where('member_id', '=', p.memberId)
      .where('status', '=', 'invited')
      .returning('member_id')
      .executeTakeFirst();
    if (!asked) return false;
    await recordAudit(tx, ctx, { tenantId: p.tenantId, action: 'attendance.leave_request', entity: 'attendance', entityId: p.meetingId, after: { memberId: p.memberId, reason: p.reason } });
    return true;
  });
}
