import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { AttendanceStatus, StudySessionTable } from '../../db/tables.ts';
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
export function sessionInSubtrees(tenantId: string, paths: string[]): Expression<SqlBool> {
  if (paths.length === 0) return sql<SqlBool>`false`;
  const likes = sql.join(paths.map((p) => sql`path LIKE ${`${p}%`}`), sql` OR `);
  return sql<SqlBool>`s.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${tenantId} AND (${likes})))`;
}

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
  const key: Record<AttendanceStatus, keyof Counts> = { invited: 'pending', present: 'present', late: 'late', excused: 'excused', absent: 'absent', made_up: 'madeUp' };
  for (const r of rows) {
    const c = out.get(r.session_id) ?? emptyCounts();
    c[key[r.status]] += Number(r.n);
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
  return q.orderBy('o.path').orderBy('m.name').execute();
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

/** A member's sessions: still to come (or check-in still open), and those of the last 90 days. */
export async function memberSessionRows(db: Executor, tenantId: string, memberId: string, now: Date, sessionId?: string) {
  let q = db
    .selectFrom('attendance as a')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .selectAll('s')
    .select(['o.name as org_name', 'a.status as my_status', 'a.checked_in_at', 'a.leave_status'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.member_id', '=', memberId);
  if (sessionId) q = q.where('s.id', '=', sessionId);
  else {
    const since = new Date(now.getTime() - 90 * 86_400_000);
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('s.status', '=', 'planned'), eb.or([eb('s.ends_at', '>', now), eb('s.checkin_closes_at', '>', now)])]),
        eb.and([eb('s.starts_at', '>=', since), eb('s.starts_at', '<=', now)]),
      ]),
    );
  }
  return q.orderBy('s.starts_at').execute();
}

/** A member's make-ups with their session, open and returned first (soonest due), then submitted. */
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
