import { sql, type Expression, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { AttendanceStatus, StudyItemKind, StudySessionTable } from '../../db/tables.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { inSubtrees } from '../members/repo.ts';

/** A session with its unit's name and path (the path is what authorization reads). */
export type SessionRow = Selectable<StudySessionTable> & { org_name: string; org_path: string };

export async function findSession(db: Executor, tenantId: string, sessionId: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('study_session as s')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .selectAll('s')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

/** Sessions whose unit lies in one of these subtrees (same shape as the member filter). */
export const sessionInSubtrees = (tenantId: string, paths: string[]): Expression<SqlBool> => inSubtrees(tenantId, paths, 's.org_id');

/**
 * The ids of the members whose unit lies in one of these subtrees, as one uncorrelated array
 * (computed once per query, then probed through the attendance primary key).
 */
function memberIdsIn(tenantId: string, paths: string[]) {
  return sql`ARRAY(SELECT m.id FROM member m WHERE m.tenant_id = ${tenantId} AND ${inSubtrees(tenantId, paths)})`;
}

/** Sessions that invite at least one member of these subtrees (whoever holds them). */
export function sessionInvitesIn(tenantId: string, paths: string[]): Expression<SqlBool> {
  if (paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM attendance ai WHERE ai.tenant_id = s.tenant_id AND ai.session_id = s.id AND ai.member_id = ANY(${memberIdsIn(tenantId, paths)}))`;
}

/** Whether the session invites at least one member of these subtrees. */
export async function invitesAnyIn(db: Executor, tenantId: string, sessionId: string, paths: string[]): Promise<boolean> {
  if (paths.length === 0) return false;
  const row = await db
    .selectFrom('study_session as s')
    .select('s.id')
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', sessionId)
    .where(sessionInvitesIn(tenantId, paths))
    .executeTakeFirst();
  return row !== undefined;
}

/** A member's unit path, for authorizing a mark on them; undefined when there is no such member. */
export async function memberUnitPath(db: Executor, tenantId: string, memberId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select('o.path')
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  return row?.path;
}

export interface SessionListFilter {
  /** Sessions held in these subtrees; null: the whole tenant. */
  scopePaths: string[] | null;
  /** Also sessions held elsewhere that invite members of these subtrees (a group leader's groups). */
  inviteePaths?: string[] | undefined;
  orgPath?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  kind?: string | undefined;
  status?: string | undefined;
  limit: number;
  offset: number;
}

export async function listSessionRows(db: Executor, tenantId: string, f: SessionListFilter) {
  let q = db
    .selectFrom('study_session as s')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .where('s.tenant_id', '=', tenantId);
  if (f.scopePaths) {
    const held = sessionInSubtrees(tenantId, f.scopePaths);
    const invitePaths = f.inviteePaths ?? [];
    q = q.where(invitePaths.length ? sql<SqlBool>`(${held} OR ${sessionInvitesIn(tenantId, invitePaths)})` : held);
  }
  if (f.orgPath) q = q.where(sessionInSubtrees(tenantId, [f.orgPath]));
  // Dates are the members' calendar days (Asia/Shanghai).
  if (f.from) q = q.where('s.starts_at', '>=', sql<Date>`(${f.from}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.to) q = q.where('s.starts_at', '<', sql<Date>`(${f.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.kind) q = q.where('s.kind', '=', f.kind as SessionRow['kind']);
  if (f.status) q = q.where('s.status', '=', f.status as SessionRow['status']);
  return q
    .selectAll('s')
    .select(['o.name as org_name', 'o.path as org_path', sql<number>`count(*) OVER ()`.as('total')])
    .orderBy('s.starts_at', 'desc')
    .orderBy('s.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

export interface Counts {
  invited: number;
  present: number;
  late: number;
  excused: number;
  absent: number;
  madeUp: number;
  pending: number;
}

export const emptyCounts = (): Counts => ({ invited: 0, present: 0, late: 0, excused: 0, absent: 0, madeUp: 0, pending: 0 });

/** Which count an attendance status adds to (every invitee also counts as invited). */
export const COUNT_KEY: Record<AttendanceStatus, Exclude<keyof Counts, 'invited'>> = {
  invited: 'pending',
  present: 'present',
  late: 'late',
  excused: 'excused',
  absent: 'absent',
  made_up: 'madeUp',
};

/** Attendance counts per session; with `memberPaths`, only of the invitees in those subtrees. */
export async function countsBySession(db: Executor, tenantId: string, sessionIds: string[], memberPaths?: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (sessionIds.length === 0) return out;
  let q = db
    .selectFrom('attendance')
    .select(['session_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('session_id', 'in', sessionIds);
  if (memberPaths) q = q.where(sql<SqlBool>`member_id = ANY(${memberIdsIn(tenantId, memberPaths)})`);
  const rows = await q.groupBy(['session_id', 'status']).execute();
  for (const r of rows) {
    const c = out.get(r.session_id) ?? emptyCounts();
    c[COUNT_KEY[r.status]] += Number(r.n);
    c.invited += Number(r.n);
    out.set(r.session_id, c);
  }
  return out;
}

/** Invitees with their make-up, by unit then name; with `memberPaths`, only those in these subtrees. */
export async function attendanceRows(db: Executor, tenantId: string, sessionId: string, memberPaths?: string[]) {
  let q = db
    .selectFrom('attendance as a')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('makeup as mk', (j) =>
      j.onRef('mk.tenant_id', '=', 'a.tenant_id').onRef('mk.session_id', '=', 'a.session_id').onRef('mk.member_id', '=', 'a.member_id'),
    )
    .select([
      'a.member_id',
      'm.name',
      'o.name as org_name',
      'a.voting',
      'a.status',
      'a.checked_in_at',
      'a.method',
      'a.leave_reason',
      'a.leave_status',
      'mk.status as makeup_status',
      'mk.due_on',
      'mk.reflection',
      'mk.answers',
      'mk.submitted_at',
      'mk.review_note',
      sql<boolean>`EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)`.as('mobile'),
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.session_id', '=', sessionId);
  if (memberPaths) q = q.where(inSubtrees(tenantId, memberPaths));
  // Members of a unit together, each unit's in pinyin order.
  return q.orderBy('o.path').orderBy('m.name_sort_key').orderBy('m.name').orderBy('m.id').execute();
}

/**
 * The study items attached to sessions, in their order. Read-only look-up of the library's items
 * (titles and kinds to show next to a session).
 */
export async function materialRows(db: Executor, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db
    .selectFrom('session_material as sm')
    .innerJoin('study_item as i', (j) => j.onRef('i.tenant_id', '=', 'sm.tenant_id').onRef('i.id', '=', 'sm.item_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'i.tenant_id').onRef('o.id', '=', 'i.org_id'))
    .select([
      'sm.session_id',
      'i.id',
      'i.org_id',
      'o.name as org_name',
      'i.kind',
      'i.title',
      'i.category',
      'i.tags',
      'i.author',
      'i.summary',
      'i.minutes',
      'i.updated_at',
      'i.retired_at',
    ])
    .where('sm.tenant_id', '=', tenantId)
    .where('sm.session_id', 'in', sessionIds)
    .orderBy('sm.session_id')
    .orderBy('sm.position')
    .execute();
}

export async function attachmentRows(db: Executor, tenantId: string, sessionId: string) {
  return db
    .selectFrom('session_attachment as sa')
    .innerJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'sa.tenant_id').onRef('f.id', '=', 'sa.file_id'))
    .select(['sa.id', 'sa.kind', 'sa.caption', 'sa.created_at', 'f.id as file_id', 'f.file_name', 'f.mime_type', 'f.size_bytes'])
    .where('sa.tenant_id', '=', tenantId)
    .where('sa.session_id', '=', sessionId)
    .orderBy('sa.created_at')
    .execute();
}

/** A study item attached to a session, as the member app lists it. */
export interface MemberMaterial {
  id: string;
  title: string;
  kind: StudyItemKind;
}

/**
 * The session's study items in their order, as a JSON array in the row that shows the session
 * (one correlated look-up through session_material's key instead of a second round trip).
 */
const materialsOf = (sessionRef: string) =>
  sql<MemberMaterial[]>`COALESCE((
    SELECT json_agg(json_build_object('id', i.id, 'title', i.title, 'kind', i.kind) ORDER BY sm.position)
    FROM session_material sm JOIN study_item i ON i.tenant_id = sm.tenant_id AND i.id = sm.item_id
    WHERE sm.tenant_id = ${sql.ref(`${sessionRef}.tenant_id`)} AND sm.session_id = ${sql.ref(`${sessionRef}.id`)}), '[]'::json)`;

/** What the member app shows of a session (never the QR secret or the minutes). */
const MEMBER_SESSION_COLUMNS = [
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
 * A member's sessions with their materials: still to come (or check-in still open), and those of
 * the last 90 days. Reads the member's attendance rows through attendance_member_idx.
 */
export async function memberSessionRows(db: Executor, tenantId: string, memberId: string, now: Date) {
  const since = new Date(now.getTime() - 90 * 86_400_000);
  return db
    .selectFrom('attendance as a')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .select([...MEMBER_SESSION_COLUMNS, materialsOf('s').as('materials')])
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
 * One session as the member sees it, with what the member's own actions need besides (the QR
 * secret to verify a scanned code, the make-up questions), in one round trip through the
 * attendance primary key; undefined when the member is not invited.
 */
export async function mySessionRow(db: Executor, tenantId: string, memberId: string, sessionId: string) {
  return db
    .selectFrom('attendance as a')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .select([...MEMBER_SESSION_COLUMNS, 's.qr_secret', materialsOf('s').as('materials')])
    .where('a.tenant_id', '=', tenantId)
    .where('a.session_id', '=', sessionId)
    .where('a.member_id', '=', memberId)
    .executeTakeFirst();
}

/**
 * The audit entry of a one-statement write, as recordAudit would write it for this request: one
 * row per row of the CTE `from` (which must return tenant_id). `after` is a JSON text or an SQL
 * expression over that CTE's columns.
 */
function auditInsertFrom(ctx: RequestContext, from: string, e: { action: string; entity: string; entityId: string; after: string | RawBuilder<unknown> }) {
  const after = typeof e.after === 'string' ? sql`${e.after}::jsonb` : e.after;
  return sql`INSERT INTO audit_log (tenant_id, account_id, actor_name, action, entity, entity_id, after, ip)
      SELECT tenant_id, ${ctx.actor.accountId}::uuid, ${ctx.actor.displayName}::text, ${e.action}::text, ${e.entity}::text, ${e.entityId}::text, ${after}, ${ctx.ip}::text
      FROM ${sql.table(from)}`;
}

/**
 * Checks the member in, in one statement (so one round trip, its own transaction): moves the
 * attendance row only from 'invited', and only then touches the member's last activity and appends
 * the audit entry. The session row is not written here (the rollup triggers of 0004 count on
 * sessions and attendance changing in separate statements). Undefined when nothing moved: another
 * request of the same member got there first, or the row is no longer 'invited'.
 */
export async function checkInAttendance(
  db: Executor,
  ctx: RequestContext,
  p: { tenantId: string; sessionId: string; memberId: string; status: 'present' | 'late'; method: 'qr' | 'self'; now: Date },
): Promise<{ status: 'present' | 'late'; checked_in_at: Date } | undefined> {
  const after = JSON.stringify({ memberId: p.memberId, status: p.status, method: p.method });
  const { rows } = await sql<{ status: 'present' | 'late'; checked_in_at: Date }>`
    WITH moved AS (
      UPDATE attendance SET status = ${p.status}, checked_in_at = ${p.now}, method = ${p.method}, updated_at = ${p.now}
      WHERE tenant_id = ${p.tenantId} AND session_id = ${p.sessionId} AND member_id = ${p.memberId} AND status = 'invited'
      RETURNING tenant_id, member_id, status, checked_in_at
    ), touched AS (
      UPDATE member m SET last_active_at = ${p.now}
      FROM moved WHERE m.tenant_id = moved.tenant_id AND m.id = moved.member_id
    ), logged AS (
      ${auditInsertFrom(ctx, 'moved', { action: 'attendance.checkin', entity: 'attendance', entityId: p.sessionId, after })}
    )
    SELECT status, checked_in_at FROM moved`.execute(db);
  return rows[0];
}

/** A session as the member sees it, as `mySessionRow` reads it without the QR secret. */
export type MySessionRow = Omit<NonNullable<Awaited<ReturnType<typeof mySessionRow>>>, 'qr_secret'>;

/**
 * The usual check-in from the app (no QR code) in one statement, so one round trip: only when the
 * session is planned and its check-in window holds `now`, the member's 'invited' row moves to
 * present (or late, `lateAfterMs` after the start), the member's last activity is touched and the
 * audit entry appended, and the member's view of the session comes back. Undefined when nothing
 * moved (outside the window, not invited, already checked in …): the caller then reads the row and
 * answers as the rules say. The session row itself is only read.
 */
export async function checkInFromApp(
  db: Executor,
  ctx: RequestContext,
  p: { tenantId: string; sessionId: string; memberId: string; now: Date; lateAfterMs: number },
): Promise<MySessionRow | undefined> {
  const { rows } = await sql<MySessionRow>`
    WITH open_session AS (
      SELECT tenant_id, id, starts_at FROM study_session
      WHERE tenant_id = ${p.tenantId} AND id = ${p.sessionId} AND status = 'planned'
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
    ), logged AS (
      ${auditInsertFrom(ctx, 'moved', {
        action: 'attendance.checkin',
        entity: 'attendance',
        entityId: p.sessionId,
        after: sql`jsonb_build_object('memberId', member_id, 'status', status, 'method', 'self')`,
      })}
    )
    SELECT s.id, s.kind, s.title, s.starts_at, s.ends_at, s.mode, s.meeting_url, s.location, s.agenda, s.replay_url,
      s.checkin_opens_at, s.checkin_closes_at, s.status, o.name AS org_name, a.status AS my_status, a.checked_in_at, a.leave_status,
      ${materialsOf('s')} AS materials
    FROM moved a
    JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id
    JOIN org o ON o.tenant_id = s.tenant_id AND o.id = s.org_id`.execute(db);
  return rows[0];
}

/**
 * Records the member's leave request on an 'invited' row, with its audit entry, in one statement.
 * False when the row is no longer 'invited' (nothing written).
 */
export async function requestLeaveRow(db: Executor, ctx: RequestContext, p: { tenantId: string; sessionId: string; memberId: string; reason: string; now: Date }): Promise<boolean> {
  const after = JSON.stringify({ memberId: p.memberId, reason: p.reason });
  const { rows } = await sql<{ member_id: string }>`
    WITH asked AS (
      UPDATE attendance SET leave_reason = ${p.reason}, leave_status = 'requested', leave_requested_at = ${p.now}, leave_decided_by = NULL, updated_at = ${p.now}
      WHERE tenant_id = ${p.tenantId} AND session_id = ${p.sessionId} AND member_id = ${p.memberId} AND status = 'invited'
      RETURNING tenant_id, member_id
    ), logged AS (
      ${auditInsertFrom(ctx, 'asked', { action: 'attendance.leave_request', entity: 'attendance', entityId: p.sessionId, after })}
    )
    SELECT member_id FROM asked`.execute(db);
  return rows.length > 0;
}

/**
 * Hands in a make-up in one statement: the make-up moves to 'submitted' only while it is open or
 * returned and its last day (`today`, Asia/Shanghai) has not passed; only then the attendance
 * becomes 'made_up' and the audit entry is appended. False when nothing moved (nothing written).
 */
export async function submitMakeupRow(
  db: Executor,
  ctx: RequestContext,
  p: { tenantId: string; sessionId: string; memberId: string; reflection: string; answers: string[]; today: string; now: Date },
): Promise<boolean> {
  const after = JSON.stringify({ memberId: p.memberId, answers: p.answers.length });
  const { rows } = await sql<{ member_id: string }>`
    WITH done AS (
      UPDATE makeup SET status = 'submitted', reflection = ${p.reflection}, answers = ${JSON.stringify(p.answers)}::jsonb, submitted_at = ${p.now}
      WHERE tenant_id = ${p.tenantId} AND session_id = ${p.sessionId} AND member_id = ${p.memberId}
        AND status IN ('open', 'returned') AND due_on >= ${p.today}::date
      RETURNING tenant_id, session_id, member_id
    ), made_up AS (
      UPDATE attendance a SET status = 'made_up', updated_at = ${p.now}
      FROM done WHERE a.tenant_id = done.tenant_id AND a.session_id = done.session_id AND a.member_id = done.member_id
    ), logged AS (
      ${auditInsertFrom(ctx, 'done', { action: 'makeup.submit', entity: 'makeup', entityId: p.sessionId, after })}
    )
    SELECT member_id FROM done`.execute(db);
  return rows.length > 0;
}

/**
 * A member's make-ups with their session and materials, open and returned first (soonest due),
 * then submitted; with `sessionId`, that one in any status. Reads through makeup_member_idx.
 */
export async function memberMakeupRows(db: Executor, tenantId: string, memberId: string, sessionId?: string) {
  let q = db
    .selectFrom('makeup as mk')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'mk.tenant_id').onRef('s.id', '=', 'mk.session_id'))
    .select([
      'mk.session_id',
      's.title',
      's.kind',
      's.starts_at',
      's.replay_url',
      's.makeup_questions',
      'mk.missed_status',
      'mk.due_on',
      'mk.status',
      'mk.reflection',
      'mk.answers',
      'mk.review_note',
      materialsOf('s').as('materials'),
    ])
    .where('mk.tenant_id', '=', tenantId)
    .where('mk.member_id', '=', memberId);
  if (sessionId) q = q.where('mk.session_id', '=', sessionId);
  else q = q.where('mk.status', 'in', ['open', 'returned', 'submitted']);
  return q
    .orderBy(sql`CASE WHEN mk.status IN ('open', 'returned') THEN 0 ELSE 1 END`)
    .orderBy('mk.due_on')
    .orderBy('s.starts_at')
    .execute();
}
