import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { AttendanceStatus, StudyItemKind, StudySessionTable } from '../../db/tables.ts';
import { inSubtrees } from '../../directory/index.ts';

/** A meeting with its unit's name and path (the path is what authorization reads). */
export type MeetingRow = Selectable<StudySessionTable> & { org_name: string; org_path: string };

export async function findMeeting(db: Executor, tenantId: string, meetingId: string): Promise<MeetingRow | undefined> {
  return db
    .selectFrom('study_session as s')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .selectAll('s')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', meetingId)
    .executeTakeFirst();
}

/** Meetings whose unit lies in one of these subtrees (same shape as the member filter). */
export const meetingInSubtrees = (tenantId: string, paths: string[]): Expression<SqlBool> => inSubtrees(tenantId, paths, 's.org_id');

/**
 * The ids of the members whose unit lies in one of these subtrees, as one uncorrelated array
 * (computed once per query, then probed through the attendance primary key).
 */
function memberIdsIn(tenantId: string, paths: string[]) {
  return sql`ARRAY(SELECT m.id FROM member m WHERE m.tenant_id = ${tenantId} AND ${inSubtrees(tenantId, paths)})`;
}

/** Meetings that invite at least one member of these subtrees (whoever holds them). */
export function meetingInvitesIn(tenantId: string, paths: string[]): Expression<SqlBool> {
  if (paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM attendance ai WHERE ai.tenant_id = s.tenant_id AND ai.session_id = s.id AND ai.member_id = ANY(${memberIdsIn(tenantId, paths)}))`;
}

/** Whether the meeting invites at least one member of these subtrees. */
export async function invitesAnyIn(db: Executor, tenantId: string, meetingId: string, paths: string[]): Promise<boolean> {
  if (paths.length === 0) return false;
  const row = await db
    .selectFrom('study_session as s')
    .select('s.id')
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', meetingId)
    .where(meetingInvitesIn(tenantId, paths))
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the member is invited to the meeting (has an attendance row). */
export async function isInvited(db: Executor, tenantId: string, meetingId: string, memberId: string): Promise<boolean> {
  const row = await db
    .selectFrom('attendance')
    .select('member_id')
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', meetingId)
    .where('member_id', '=', memberId)
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

export interface MeetingListFilter {
  /** Meetings held in these subtrees; null: the whole tenant. */
  scopePaths: string[] | null;
  /** Also meetings held elsewhere that invite members of these subtrees (a group leader's groups). */
  inviteePaths?: string[] | undefined;
  orgPath?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  kind?: string | undefined;
  status?: string | undefined;
  limit: number;
  offset: number;
}

export async function listMeetingRows(db: Executor, tenantId: string, f: MeetingListFilter) {
  let q = db
    .selectFrom('study_session as s')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .where('s.tenant_id', '=', tenantId);
  if (f.scopePaths) {
    const held = meetingInSubtrees(tenantId, f.scopePaths);
    const invitePaths = f.inviteePaths ?? [];
    q = q.where(invitePaths.length ? sql<SqlBool>`(${held} OR ${meetingInvitesIn(tenantId, invitePaths)})` : held);
  }
  if (f.orgPath) q = q.where(meetingInSubtrees(tenantId, [f.orgPath]));
  // Dates are the members' calendar days (Asia/Shanghai).
  if (f.from) q = q.where('s.starts_at', '>=', sql<Date>`(${f.from}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.to) q = q.where('s.starts_at', '<', sql<Date>`(${f.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.kind) q = q.where('s.kind', '=', f.kind as MeetingRow['kind']);
  if (f.status) q = q.where('s.status', '=', f.status as MeetingRow['status']);
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

/** Attendance counts per meeting; with `memberPaths`, only of the invitees in those subtrees. */
export async function countsByMeeting(db: Executor, tenantId: string, meetingIds: string[], memberPaths?: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (meetingIds.length === 0) return out;
  let q = db
    .selectFrom('attendance')
    .select(['session_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('session_id', 'in', meetingIds);
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
export async function attendanceRows(db: Executor, tenantId: string, meetingId: string, memberPaths?: string[]) {
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
    .where('a.session_id', '=', meetingId);
  if (memberPaths) q = q.where(inSubtrees(tenantId, memberPaths));
  // Members of a unit together, each unit's in pinyin order.
  return q.orderBy('o.path').orderBy('m.name_sort_key').orderBy('m.name').orderBy('m.id').execute();
}

/**
 * The study items attached to meetings, in their order. Read-only look-up of the library's items
 * (titles and kinds to show next to a meeting).
 */
export async function materialRows(db: Executor, tenantId: string, meetingIds: string[]) {
  if (meetingIds.length === 0) return [];
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
    .where('sm.session_id', 'in', meetingIds)
    .orderBy('sm.session_id')
    .orderBy('sm.position')
    .execute();
}

export async function attachmentRows(db: Executor, tenantId: string, meetingId: string) {
  return db
    .selectFrom('session_attachment as sa')
    .innerJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'sa.tenant_id').onRef('f.id', '=', 'sa.file_id'))
    .select(['sa.id', 'sa.kind', 'sa.caption', 'sa.created_at', 'f.id as file_id', 'f.file_name', 'f.mime_type', 'f.size_bytes'])
    .where('sa.tenant_id', '=', tenantId)
    .where('sa.session_id', '=', meetingId)
    .orderBy('sa.created_at')
    .execute();
}

/** A study item attached to a meeting, as the member app lists it. */
export interface MemberMaterial {
  id: string;
  title: string;
  kind: StudyItemKind;
}

/**
 * The meeting's study items in their order, as a JSON array in the row that shows the meeting
 * (one correlated look-up through session_material's key instead of a second round trip).
 */
export const materialsOf = (meetingRef: string) =>
  sql<MemberMaterial[]>`COALESCE((
    SELECT json_agg(json_build_object('id', i.id, 'title', i.title, 'kind', i.kind) ORDER BY sm.position)
    FROM session_material sm JOIN study_item i ON i.tenant_id = sm.tenant_id AND i.id = sm.item_id
    WHERE sm.tenant_id = ${sql.ref(`${meetingRef}.tenant_id`)} AND sm.session_id = ${sql.ref(`${meetingRef}.id`)}), '[]'::json)`;
