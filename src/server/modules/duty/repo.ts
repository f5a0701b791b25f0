import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';

/** A roster with its unit (the unit's path decides who manages it and who may sign up). */
export function findRoster(db: Executor, tenantId: string, rosterId: string) {
  return db
    .selectFrom('duty_roster as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .selectAll('r')
    .select(['o.name as org_name', 'o.path as org_path'])
    .select((eb) =>
      eb
        .selectFrom('duty_shift as s')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('s.tenant_id', '=', 'r.tenant_id')
        .whereRef('s.roster_id', '=', 'r.id')
        .where('s.cancelled_at', 'is', null)
        .where(sql<boolean>`s.ends_at > lianxin_now()`)
        .as('upcoming_shifts'),
    )
    .where('r.tenant_id', '=', tenantId)
    .where('r.id', '=', rosterId)
    .executeTakeFirst();
}
export type RosterRow = NonNullable<Awaited<ReturnType<typeof findRoster>>>;

export function listRosterRows(db: Executor, tenantId: string, paths: string[] | 'all') {
  let q = db
    .selectFrom('duty_roster as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .selectAll('r')
    .select(['o.name as org_name', 'o.path as org_path'])
    .select((eb) =>
      eb
        .selectFrom('duty_shift as s')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('s.tenant_id', '=', 'r.tenant_id')
        .whereRef('s.roster_id', '=', 'r.id')
        .where('s.cancelled_at', 'is', null)
        .where(sql<boolean>`s.ends_at > lianxin_now()`)
        .as('upcoming_shifts'),
    )
    .where('r.tenant_id', '=', tenantId)
    .where('r.retired_at', 'is', null);
  if (paths !== 'all') q = q.where(inSubtrees(tenantId, paths, 'r.org_id'));
  return q.orderBy('r.created_at', 'desc').orderBy('r.id').limit(500).execute();
}

/** A shift with its roster's title and unit path. */
export function findShift(db: Executor, tenantId: string, shiftId: string) {
  return db
    .selectFrom('duty_shift as s')
    .innerJoin('duty_roster as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.roster_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .selectAll('s')
    .select(['r.title as roster_title', 'r.org_id', 'r.retired_at', 'o.path as org_path', 'o.name as org_name'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', shiftId)
    .executeTakeFirst();
}
export type ShiftRow = NonNullable<Awaited<ReturnType<typeof findShift>>>;

/**
 * Locks a shift's row (FOR UPDATE, inside the caller's transaction) and reads what a sign-up or a
 * swap must check under that lock: its capacity, start, whether it was cancelled, and whether its
 * roster was retired. A check made before the lock would compare against a shift that may since
 * have changed.
 */
export function lockShift(tx: Executor, tenantId: string, shiftId: string) {
  return tx
    .selectFrom('duty_shift as s')
    .innerJoin('duty_roster as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.roster_id'))
    .select(['s.id', 's.capacity', 's.starts_at', 's.cancelled_at', 'r.retired_at'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', shiftId)
    .forUpdate('s')
    .executeTakeFirst();
}

/** An assignment with its shift and roster unit. */
export function findAssignment(db: Executor, tenantId: string, assignmentId: string) {
  return db
    .selectFrom('duty_assignment as a')
    .innerJoin('duty_shift as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.shift_id'))
    .innerJoin('duty_roster as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.roster_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .selectAll('a')
    .select(['s.starts_at', 's.ends_at', 's.roster_id', 's.cancelled_at as shift_cancelled_at', 'r.retired_at as roster_retired_at', 'r.org_id', 'o.path as org_path'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', '=', assignmentId)
    .executeTakeFirst();
}

export interface ShiftListRow {
  id: string;
  roster_id: string;
  roster_title: string;
  roster_place: string;
  starts_at: Date;
  ends_at: Date;
  place: string;
  capacity: number;
}

export interface AssignmentListRow {
  id: string;
  shift_id: string;
  member_id: string;
  name: string;
  /** the member's unit path (the member app names only those of the caller's village) */
  org_path: string;
  served: 'served' | 'absent' | null;
  swap_id: string | null;
  swap_to_name: string | null;
}

/** The active assignments of shifts (names in pinyin order) with each one's open swap. */
export async function assignmentsOf(db: Executor, tenantId: string, shiftIds: string[]): Promise<AssignmentListRow[]> {
  if (shiftIds.length === 0) return [];
  const { rows } = await sql<AssignmentListRow>`
    SELECT a.id, a.shift_id, a.member_id, m.name, mo.path AS org_path, a.served, w.id AS swap_id, tm.name AS swap_to_name
      FROM duty_assignment a
      JOIN member m ON m.tenant_id = a.tenant_id AND m.id = a.member_id
      JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
      LEFT JOIN duty_swap w ON w.tenant_id = a.tenant_id AND w.assignment_id = a.id AND w.status = 'open'
      LEFT JOIN member tm ON tm.tenant_id = w.tenant_id AND tm.id = w.to_member_id
     WHERE a.tenant_id = ${tenantId} AND a.shift_id = ANY(${shiftIds}::uuid[]) AND a.status = 'active'
     ORDER BY m.name_sort_key, m.name, a.id`.execute(db);
  return rows;
}

/** Shifts of a roster starting in [from, to), in time order. */
export async function rosterShifts(db: Executor, tenantId: string, rosterId: string, from: Date, to: Date): Promise<ShiftListRow[]> {
  const { rows } = await sql<ShiftListRow>`
    SELECT s.id, s.roster_id, r.title AS roster_title, r.place AS roster_place, s.starts_at, s.ends_at, s.place, s.capacity
      FROM duty_shift s JOIN duty_roster r ON r.tenant_id = s.tenant_id AND r.id = s.roster_id
     WHERE s.tenant_id = ${tenantId} AND s.roster_id = ${rosterId} AND s.cancelled_at IS NULL
       AND s.starts_at >= ${from} AND s.starts_at < ${to}
     ORDER BY s.starts_at, s.id`.execute(db);
  return rows;
}

/** A shift listed for a member, with its roster's unit path. */
export type MemberShiftRow = ShiftListRow & { org_path: string };

/**
 * Shifts not yet ended of the rosters covering a member's unit (a roster of the member's unit or
 * of a unit above it), soonest first, at most 200.
 */
export async function shiftsForMember(db: Executor, tenantId: string, memberOrgPath: string): Promise<MemberShiftRow[]> {
  const { rows } = await sql<MemberShiftRow>`
    SELECT s.id, s.roster_id, r.title AS roster_title, r.place AS roster_place, s.starts_at, s.ends_at, s.place, s.capacity, o.path AS org_path
      FROM duty_shift s
      JOIN duty_roster r ON r.tenant_id = s.tenant_id AND r.id = s.roster_id AND r.retired_at IS NULL
      JOIN org o ON o.tenant_id = r.tenant_id AND o.id = r.org_id
     WHERE s.tenant_id = ${tenantId} AND s.cancelled_at IS NULL AND s.ends_at > lianxin_now()
       AND ${memberOrgPath} LIKE o.path || '%'
     ORDER BY s.starts_at, s.id
     LIMIT 200`.execute(db);
  return rows;
}

/** Open swaps a member may take: asked of them by name, or of anyone by someone else. */
export async function swapOffers(db: Executor, tenantId: string, memberId: string, shiftIds: string[]) {
  if (shiftIds.length === 0) return [];
  const { rows } = await sql<{ id: string; shift_id: string; from_name: string; from_org_path: string; to_member_id: string | null; note: string }>`
    SELECT w.id, a.shift_id, fm.name AS from_name, fo.path AS from_org_path, w.to_member_id, w.note
      FROM duty_swap w
      JOIN duty_assignment a ON a.tenant_id = w.tenant_id AND a.id = w.assignment_id AND a.status = 'active'
      JOIN member fm ON fm.tenant_id = w.tenant_id AND fm.id = w.from_member_id
      JOIN org fo ON fo.tenant_id = fm.tenant_id AND fo.id = fm.org_id
     WHERE w.tenant_id = ${tenantId} AND w.status = 'open' AND a.shift_id = ANY(${shiftIds}::uuid[])
       AND w.from_member_id <> ${memberId}
       AND (w.to_member_id = ${memberId} OR w.to_member_id IS NULL)
     ORDER BY w.created_at, w.id`.execute(db);
  return rows;
}

/** Current members of a unit subtree (names only), for asking a named comrade to swap. */
export function membersOfSubtree(db: Executor, tenantId: string, path: string) {
  return db
    .selectFrom('member as m')
    .select(['m.id', 'm.name'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .where(inSubtrees(tenantId, [path], 'm.org_id'))
    .orderBy('m.name_sort_key')
    .orderBy('m.name')
    .orderBy('m.id')
    .limit(1000)
    .execute();
}

/** The path of the nearest general branch (the village) above a unit path, if any. */
export async function villagePathOf(db: Executor, tenantId: string, path: string): Promise<string | null> {
  const row = await db
    .selectFrom('org')
    .select('path')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'general_branch')
    .where(sql<boolean>`${path} LIKE path || '%'`)
    .orderBy(sql`length(path)`, 'desc')
    .executeTakeFirst();
  return row?.path ?? null;
}
