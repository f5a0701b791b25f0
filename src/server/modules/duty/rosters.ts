import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { listSubtrees, unitFor } from '../../directory/index.ts';
import { addDays, chinaDayStart, mondayOf } from '../../../shared/china-time.ts';
import type { DutyShift, Roster, RosterInput, RosterList, RosterQuery, RosterWeek, ServedInput, ShiftInput } from '../../../shared/api-duty.ts';
import { assignmentsOf, findAssignment, findRoster, listRosterRows, rosterShifts, type RosterRow } from './repo.ts';
import { rosterView, shiftView } from './views.ts';

/**
 * 值守 in the console: a unit's duty rosters, their shifts by week with who is on each, adding a
 * shift, and marking who served. Managed by the secretaries above the roster's unit
 * (`service.manage`).
 */

const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

export async function rosterFor(db: Executor, ctx: RequestContext, rosterId: string): Promise<RosterRow> {
  const row = await findRoster(db, ctx.actor.tenantId, rosterId);
  if (!row) throw notFound('值守安排');
  authorize(ctx.actor, 'service.manage', orgTarget(ctx, row.org_path));
  return row;
}

export async function listRosters(db: Database, ctx: RequestContext, query: z.output<typeof RosterQuery>): Promise<RosterList> {
  const paths = await listSubtrees(db, ctx, 'service.manage', query.orgId);
  const rows = await listRosterRows(db, ctx.actor.tenantId, paths);
  return { items: rows.map(rosterView) };
}

export async function createRoster(db: Database, ctx: RequestContext, input: z.output<typeof RosterInput>): Promise<Roster> {
  const tenantId = ctx.actor.tenantId;
  const org = await unitFor(db, ctx, 'service.manage', input.orgId);
  if (org.retired_at) throw new AppError('validation_failed', `${org.name}已撤销`, [{ field: 'orgId', message: `${org.name}已撤销` }]);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('duty_roster')
      .values({ tenant_id: tenantId, org_id: org.id, title: input.title, place: input.place, note: input.note, created_by: ctx.actor.accountId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const found = await findRoster(tx, tenantId, row.id);
    if (!found) throw notFound('值守安排');
    const view = rosterView(found);
    await recordAudit(tx, ctx, { tenantId, action: 'duty_roster.create', entity: 'duty_roster', entityId: row.id, after: view });
    return view;
  });
}

/** The week (Monday to Sunday, China days) holding `week` (this week when not given). */
export async function rosterWeek(db: Database, ctx: RequestContext, rosterId: string, week: string | undefined): Promise<RosterWeek> {
  const tenantId = ctx.actor.tenantId;
  const row = await rosterFor(db, ctx, rosterId);
  const monday = mondayOf(week ?? shanghaiDate());
  const shifts = await rosterShifts(db, tenantId, row.id, chinaDayStart(monday), chinaDayStart(addDays(monday, 7)));
  const assignments = await assignmentsOf(db, tenantId, shifts.map((s) => s.id));
  return { roster: rosterView(row), week: monday, shifts: shifts.map((s) => shiftView(s, assignments)) };
}

/** A China day and wall-clock time as an instant. */
const chinaInstant = (day: string, time: string): Date => new Date(chinaDayStart(day).getTime() + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * 60_000);

export async function addShift(db: Database, ctx: RequestContext, rosterId: string, input: z.output<typeof ShiftInput>): Promise<DutyShift> {
  const tenantId = ctx.actor.tenantId;
  const row = await rosterFor(db, ctx, rosterId);
  const startsAt = chinaInstant(input.day, input.start);
  const endsAt = chinaInstant(input.day, input.end);
  if (startsAt <= clock.now()) {
    throw new AppError('validation_failed', '班次开始时间已过，请选择以后的时间', [{ field: 'start', message: '班次开始时间已过，请选择以后的时间' }]);
  }
  return db.transaction().execute(async (tx) => {
    const shift = await tx
      .insertInto('duty_shift')
      .values({ tenant_id: tenantId, roster_id: row.id, starts_at: startsAt, ends_at: endsAt, place: input.place, capacity: input.capacity })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [listed] = await rosterShifts(tx, tenantId, row.id, startsAt, new Date(startsAt.getTime() + 1)).then((all) => all.filter((s) => s.id === shift.id));
    if (!listed) throw notFound('班次');
    const view = shiftView(listed, []);
    await recordAudit(tx, ctx, { tenantId, action: 'duty_shift.create', entity: 'duty_shift', entityId: shift.id, after: { ...view, roster: row.title } });
    return view;
  });
}

/** Marks an assignment served or absent (null clears the mark); only once the shift has started. */
export async function markServed(db: Database, ctx: RequestContext, assignmentId: string, input: z.output<typeof ServedInput>): Promise<{ ok: true }> {
  const tenantId = ctx.actor.tenantId;
  const a = await findAssignment(db, tenantId, assignmentId);
  if (!a) throw notFound('值守记录');
  authorize(ctx.actor, 'service.manage', orgTarget(ctx, a.org_path));
  if (a.status !== 'active') throw new AppError('conflict', '这条报名已取消');
  if (a.starts_at > clock.now()) throw new AppError('conflict', '班次还没开始，不能登记到岗情况');
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('duty_assignment')
      .set({ served: input.served, served_marked_by: ctx.actor.accountId, served_marked_at: clock.now(), updated_at: clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', assignmentId)
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'duty_assignment.mark', entity: 'duty_assignment', entityId: assignmentId, before: { served: a.served }, after: { served: input.served, memberId: a.member_id } });
  });
  return { ok: true };
}
