import type { DutyShift, MyDutyShift, Roster } from '../../../shared/api-duty.ts';
import type { AssignmentListRow, RosterRow, ShiftListRow } from './repo.ts';

export function rosterView(r: Omit<RosterRow, 'upcoming_shifts'> & { upcoming_shifts: number | null }): Roster {
  return {
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    title: r.title,
    place: r.place,
    note: r.note,
    upcomingShifts: r.upcoming_shifts ?? 0,
    createdAt: r.created_at.toISOString(),
  };
}

export function shiftView(s: ShiftListRow, assignments: AssignmentListRow[]): DutyShift {
  return {
    id: s.id,
    rosterId: s.roster_id,
    startsAt: s.starts_at.toISOString(),
    endsAt: s.ends_at.toISOString(),
    place: s.place || s.roster_place,
    capacity: s.capacity,
    assignments: assignments
      .filter((a) => a.shift_id === s.id)
      .map((a) => ({ id: a.id, memberId: a.member_id, name: a.name, served: a.served, swap: a.swap_id ? { id: a.swap_id, toName: a.swap_to_name } : null })),
  };
}

/**
 * A shift as a member sees it: how many are on it, the names of those on it who are of `namesWithin`
 * (the unit path whose members the caller may see by name: their village, see `namesPathFor`), and
 * their own assignment and swap.
 */
export function myShiftView(s: ShiftListRow, assignments: AssignmentListRow[], memberId: string, namesWithin: string): MyDutyShift {
  const on = assignments.filter((a) => a.shift_id === s.id);
  const mine = on.find((a) => a.member_id === memberId);
  return {
    shiftId: s.id,
    rosterTitle: s.roster_title,
    place: s.place || s.roster_place,
    startsAt: s.starts_at.toISOString(),
    endsAt: s.ends_at.toISOString(),
    capacity: s.capacity,
    taken: on.length,
    names: on.filter((a) => a.member_id === memberId || a.org_path.startsWith(namesWithin)).map((a) => a.name),
    assignmentId: mine?.id ?? null,
    swap: mine?.swap_id ? { id: mine.swap_id, toName: mine.swap_to_name } : null,
  };
}

/**
 * The unit path whose members a member sees by name on a roster's shifts: their village (the nearest
 * general branch above them) when it lies within the roster's unit, else the roster's unit — so a
 * town's roster shows each member only the comrades of their own village, as asking a swap does.
 * Both paths are prefixes of the member's own path: the longer one is the narrower unit.
 */
export function namesPathFor(rosterPath: string, villagePath: string | null): string {
  return villagePath && villagePath.length > rosterPath.length ? villagePath : rosterPath;
}
