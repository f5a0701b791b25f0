import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { memberWithOrg, requireMember } from '../../directory/index.ts';
import type { Comrades, MyDuty, SignupResult, SwapInput, SwapResult } from '../../../shared/api-duty.ts';
import { assignmentsOf, findAssignment, findShift, lockShift, membersOfSubtree, shiftsForMember, swapOffers, villagePathOf } from './repo.ts';
import { myShiftView, namesPathFor } from './views.ts';

/**
 * 值守 on the phone: a member of a roster's unit (or a unit below it) signs up for a shift, asks a
 * swap of a named comrade or of anyone, and accepts a swap offered. A sign-up locks the shift's
 * row and counts its active assignments in the same transaction, so two phones taking the last
 * place at once give one sign-up and one refusal; accepting a swap moves the assignment to the
 * accepting member in one transaction under the same lock. Under that lock both read the shift
 * again (capacity, start, cancelled, roster retired) and decide on what they read there.
 */

const FULL = (capacity: number) => `这个班次已满（${capacity} 人），请选择其他班次`;
const TAKEN = '你已报名这个班次';
const SHIFT_GONE = '这个班次已取消，不能再换班';

/** The caller's member and unit path (members who left have no duty). */
async function me(db: Executor, ctx: RequestContext): Promise<{ memberId: string; path: string }> {
  const memberId = requireMember(ctx);
  const m = await memberWithOrg(db, ctx.actor.tenantId, memberId);
  if (!m || m.left_at) throw new AppError('forbidden', '无权执行此操作');
  return { memberId, path: m.org_path };
}

/** A roster of unit `rosterPath` is for the members of that unit and the units below it. */
function requireCovered(rosterPath: string, memberPath: string): void {
  if (!memberPath.startsWith(rosterPath)) throw new AppError('forbidden', '这个值守不属于你所在的组织');
}

export async function myDuty(db: Database, ctx: RequestContext): Promise<MyDuty> {
  const tenantId = ctx.actor.tenantId;
  const { memberId, path } = await me(db, ctx);
  const [shifts, village] = await Promise.all([shiftsForMember(db, tenantId, path), villagePathOf(db, tenantId, path)]);
  const ids = shifts.map((s) => s.id);
  const [assignments, offers] = await Promise.all([assignmentsOf(db, tenantId, ids), swapOffers(db, tenantId, memberId, ids)]);
  // Names only of one's village on a roster above it (a town's roster): the others are counted, not named.
  const within = new Map(shifts.map((s) => [s.id, namesPathFor(s.org_path, village)]));
  const views = new Map(shifts.map((s) => [s.id, myShiftView(s, assignments, memberId, within.get(s.id) ?? s.org_path)]));
  const now = clock.now().toISOString();
  const all = [...views.values()];
  return {
    open: all.filter((v) => !v.assignmentId && v.startsAt > now && v.taken < v.capacity),
    mine: all.filter((v) => v.assignmentId),
    offers: offers
      .map((o) => ({ o, shift: views.get(o.shift_id) }))
      .filter((x): x is { o: (typeof offers)[number]; shift: NonNullable<typeof x.shift> } => !!x.shift && !x.shift.assignmentId && x.shift.startsAt > now)
      .map(({ o, shift }) => {
        const toMe = o.to_member_id === memberId;
        // One asked by name knows who asked; an offer to anyone names only a comrade of one's village ('' otherwise).
        const namesAt = within.get(o.shift_id);
        const named = toMe || (namesAt !== undefined && o.from_org_path.startsWith(namesAt));
        return { swapId: o.id, fromName: named ? o.from_name : '', toMe, note: o.note, shift };
      }),
  };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

export async function signUp(db: Database, ctx: RequestContext, shiftId: string): Promise<SignupResult> {
  const tenantId = ctx.actor.tenantId;
  const { memberId, path } = await me(db, ctx);
  const shift = await findShift(db, tenantId, shiftId);
  if (!shift || shift.cancelled_at || shift.retired_at) throw notFound('班次');
  requireCovered(shift.org_path, path);
  if (shift.starts_at <= clock.now()) throw new AppError('conflict', '班次已开始，不能再报名');
  try {
    return await db.transaction().execute(async (tx) => {
      // Capacity, cancellation and start are read again under the lock: the shift read above may have changed since.
      const locked = await lockShift(tx, tenantId, shiftId);
      if (!locked || locked.cancelled_at || locked.retired_at) throw notFound('班次');
      if (locked.starts_at <= clock.now()) throw new AppError('conflict', '班次已开始，不能再报名');
      const active = await tx.selectFrom('duty_assignment').select(['id', 'member_id']).where('tenant_id', '=', tenantId).where('shift_id', '=', shiftId).where('status', '=', 'active').execute();
      if (active.some((a) => a.member_id === memberId)) throw new AppError('conflict', TAKEN);
      if (active.length >= locked.capacity) throw new AppError('conflict', FULL(locked.capacity));
      const row = await tx.insertInto('duty_assignment').values({ tenant_id: tenantId, shift_id: shiftId, member_id: memberId }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId, action: 'duty_assignment.signup', entity: 'duty_assignment', entityId: row.id, after: { shiftId, memberId, roster: shift.roster_title, startsAt: shift.starts_at.toISOString() } });
      return { assignmentId: row.id, shiftId };
    });
  } catch (err) {
    // The one-per-member index is the last word when two calls of the same member race.
    if (isUniqueViolation(err)) throw new AppError('conflict', TAKEN);
    throw err;
  }
}

/** My active assignment, before its shift starts. */
async function myAssignment(db: Executor, ctx: RequestContext, assignmentId: string, memberId: string) {
  const a = await findAssignment(db, ctx.actor.tenantId, assignmentId);
  if (!a) throw notFound('值守报名');
  if (a.member_id !== memberId) throw new AppError('forbidden', '无权执行此操作');
  if (a.status !== 'active') throw new AppError('conflict', '这条报名已取消');
  if (a.starts_at <= clock.now()) throw new AppError('conflict', '班次已开始，不能再更改');
  return a;
}

export async function cancelSignup(db: Database, ctx: RequestContext, assignmentId: string): Promise<{ ok: true }> {
  const tenantId = ctx.actor.tenantId;
  const { memberId } = await me(db, ctx);
  const a = await myAssignment(db, ctx, assignmentId, memberId);
  await db.transaction().execute(async (tx) => {
    await tx.selectFrom('duty_shift').select('id').where('tenant_id', '=', tenantId).where('id', '=', a.shift_id).forUpdate().execute();
    const changed = await tx
      .updateTable('duty_assignment')
      .set({ status: 'cancelled', updated_at: clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', assignmentId)
      .where('member_id', '=', memberId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new AppError('conflict', '这条报名已取消');
    await tx.updateTable('duty_swap').set({ status: 'withdrawn', decided_at: clock.now() }).where('tenant_id', '=', tenantId).where('assignment_id', '=', assignmentId).where('status', '=', 'open').execute();
    await recordAudit(tx, ctx, { tenantId, action: 'duty_assignment.cancel', entity: 'duty_assignment', entityId: assignmentId, before: { shiftId: a.shift_id, memberId } });
  });
  return { ok: true };
}

/**
 * The members one may ask to swap (oneself left out): the roster unit's members who are also of
 * one's village (the nearest general branch above), the comrades the member app shows by design.
 */
export async function swapComrades(db: Database, ctx: RequestContext, assignmentId: string): Promise<Comrades> {
  const { memberId, path } = await me(db, ctx);
  const a = await myAssignment(db, ctx, assignmentId, memberId);
  const village = await villagePathOf(db, ctx.actor.tenantId, path);
  const within = namesPathFor(a.org_path, village);
  const rows = await membersOfSubtree(db, ctx.actor.tenantId, within);
  return { items: rows.filter((r) => r.id !== memberId).map((r) => ({ memberId: r.id, name: r.name })) };
}

export async function askSwap(db: Database, ctx: RequestContext, assignmentId: string, input: z.output<typeof SwapInput>): Promise<SwapResult> {
  const tenantId = ctx.actor.tenantId;
  const { memberId, path } = await me(db, ctx);
  const a = await myAssignment(db, ctx, assignmentId, memberId);
  if (a.shift_cancelled_at || a.roster_retired_at) throw new AppError('conflict', SHIFT_GONE);
  const to = input.toMemberId ?? null;
  if (to) {
    // Only a comrade swapComrades offers: of the roster's unit and of one's own village.
    const within = namesPathFor(a.org_path, await villagePathOf(db, tenantId, path));
    const m = await memberWithOrg(db, tenantId, to);
    if (!m || m.left_at || !m.org_path.startsWith(within) || to === memberId) {
      throw new AppError('validation_failed', '请从本组织的党员中选择换班的同志', [{ field: 'toMemberId', message: '请从本组织的党员中选择换班的同志' }]);
    }
  }
  try {
    return await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('duty_swap')
        .values({ tenant_id: tenantId, assignment_id: assignmentId, from_member_id: memberId, to_member_id: to, note: input.note })
        .returning(['id', 'status'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId, action: 'duty_swap.ask', entity: 'duty_swap', entityId: row.id, after: { assignmentId, toMemberId: to, note: input.note } });
      return { swapId: row.id, status: row.status };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', '这个班次已在换班中');
    throw err;
  }
}

async function openSwap(db: Executor, tenantId: string, swapId: string) {
  const w = await db.selectFrom('duty_swap').selectAll().where('tenant_id', '=', tenantId).where('id', '=', swapId).executeTakeFirst();
  if (!w) throw notFound('换班请求');
  return w;
}

/** Takes a swap: the assignment moves to the caller, in one transaction under the shift's lock. */
export async function acceptSwap(db: Database, ctx: RequestContext, swapId: string): Promise<SwapResult> {
  const tenantId = ctx.actor.tenantId;
  const { memberId, path } = await me(db, ctx);
  const w = await openSwap(db, tenantId, swapId);
  const a = await findAssignment(db, tenantId, w.assignment_id);
  if (!a) throw notFound('值守报名');
  if (w.to_member_id ? w.to_member_id !== memberId : w.from_member_id === memberId) throw new AppError('forbidden', '这个换班请求不是给你的');
  requireCovered(a.org_path, path);
  if (a.starts_at <= clock.now()) throw new AppError('conflict', '班次已开始，不能再换班');
  try {
    return await db.transaction().execute(async (tx) => {
      const locked = await lockShift(tx, tenantId, a.shift_id);
      if (!locked || locked.cancelled_at || locked.retired_at) throw new AppError('conflict', SHIFT_GONE);
      if (locked.starts_at <= clock.now()) throw new AppError('conflict', '班次已开始，不能再换班');
      const now = await tx.selectFrom('duty_swap').select(['status']).where('tenant_id', '=', tenantId).where('id', '=', swapId).forUpdate().executeTakeFirstOrThrow();
      if (now.status !== 'open') throw new AppError('conflict', '这个换班请求已被处理');
      const mineAlready = await tx
        .selectFrom('duty_assignment')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('shift_id', '=', a.shift_id)
        .where('member_id', '=', memberId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (mineAlready) throw new AppError('conflict', TAKEN);
      const moved = await tx
        .updateTable('duty_assignment')
        .set({ member_id: memberId, updated_at: clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', a.id)
        .where('member_id', '=', w.from_member_id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) throw new AppError('conflict', '这个换班请求已失效');
      await tx
        .updateTable('duty_swap')
        .set({ status: 'accepted', accepted_by_member_id: memberId, decided_at: clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', swapId)
        .execute();
      await recordAudit(tx, ctx, { tenantId, action: 'duty_swap.accept', entity: 'duty_swap', entityId: swapId, before: { assignmentId: a.id, memberId: w.from_member_id }, after: { assignmentId: a.id, memberId } });
      return { swapId, status: 'accepted' as const };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', TAKEN);
    throw err;
  }
}

/** Withdraws one's own swap request, or declines one asked of oneself by name. */
export async function closeSwap(db: Database, ctx: RequestContext, swapId: string, how: 'withdrawn' | 'declined'): Promise<SwapResult> {
  const tenantId = ctx.actor.tenantId;
  const { memberId } = await me(db, ctx);
  const w = await openSwap(db, tenantId, swapId);
  const allowed = how === 'withdrawn' ? w.from_member_id === memberId : w.to_member_id === memberId;
  if (!allowed) throw new AppError('forbidden', '无权执行此操作');
  return db.transaction().execute(async (tx) => {
    const changed = await tx
      .updateTable('duty_swap')
      .set({ status: how, decided_at: clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', swapId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new AppError('conflict', '这个换班请求已被处理');
    await recordAudit(tx, ctx, { tenantId, action: how === 'withdrawn' ? 'duty_swap.withdraw' : 'duty_swap.decline', entity: 'duty_swap', entityId: swapId, before: { status: 'open' }, after: { status: how } });
    return { swapId, status: how };
  });
}
