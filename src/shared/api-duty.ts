import { z } from 'zod';
import { DateString, Uuid } from './primitives.ts';
import { DUTY_SERVED, DUTY_SWAP_STATUSES } from './enums.ts';

/**
 * 值守 (duty rosters): a unit's rosters and their shifts as the console calls them under
 * /api/duty/…, and the member app's own calls under /api/me/duty…: shifts open to sign up, one's
 * own shifts, asking a swap (of a named comrade or anyone) and accepting one. A shift's times are
 * given as a China day and wall-clock times ("08:00"); answers carry ISO instants.
 */

export const DutyServed = z.enum(DUTY_SERVED);
export const DutySwapStatus = z.enum(DUTY_SWAP_STATUSES);

export const RosterInput = z.object({
  orgId: Uuid,
  title: z.string().trim().min(1, '请填写值守名称').max(120, '值守名称不能超过 120 字'),
  place: z.string().trim().max(120, '地点不能超过 120 字').default(''),
  note: z.string().trim().max(1000, '说明不能超过 1000 字').default(''),
});
export type RosterInput = z.input<typeof RosterInput>;

export const RosterQuery = z.object({ orgId: Uuid.optional() });
export type RosterQuery = z.input<typeof RosterQuery>;

export const Roster = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  title: z.string(),
  place: z.string(),
  note: z.string(),
  /** shifts not yet ended */
  upcomingShifts: z.number().int(),
  createdAt: z.string(),
});
export type Roster = z.infer<typeof Roster>;
export const RosterList = z.object({ items: z.array(Roster) });
export type RosterList = z.infer<typeof RosterList>;

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm，如 08:00');

export const ShiftInput = z
  .object({ day: DateString, start: Time, end: Time, place: z.string().trim().max(120, '地点不能超过 120 字').default(''), capacity: z.number().int().min(1, '人数至少 1 人').max(100, '人数最多 100 人') })
  .refine((s) => s.end > s.start, { message: '结束时间应晚于开始时间', path: ['end'] });
export type ShiftInput = z.input<typeof ShiftInput>;

export const WeekQuery = z.object({ week: DateString.optional() });
export type WeekQuery = z.input<typeof WeekQuery>;

export const DutyAssignment = z.object({
  id: Uuid,
  memberId: Uuid,
  name: z.string(),
  served: DutyServed.nullable(),
  /** an open swap of this assignment */
  swap: z.object({ id: Uuid, toName: z.string().nullable() }).nullable(),
});
export type DutyAssignment = z.infer<typeof DutyAssignment>;

export const DutyShift = z.object({
  id: Uuid,
  rosterId: Uuid,
  startsAt: z.string(),
  endsAt: z.string(),
  place: z.string(),
  capacity: z.number().int(),
  assignments: z.array(DutyAssignment),
});
export type DutyShift = z.infer<typeof DutyShift>;

/** A roster's week (Monday `week` to Sunday, China days) with each shift's members. */
export const RosterWeek = z.object({ roster: Roster, week: z.string(), shifts: z.array(DutyShift) });
export type RosterWeek = z.infer<typeof RosterWeek>;

export const ServedInput = z.object({ served: DutyServed.nullable() });
export type ServedInput = z.input<typeof ServedInput>;

// ---------- the member app ----------

export const MyDutyShift = z.object({
  shiftId: Uuid,
  rosterTitle: z.string(),
  place: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number().int(),
  taken: z.number().int(),
  /** names of those on the shift who are of my village (on a town's roster others are counted in `taken`, not named) */
  names: z.array(z.string()),
  /** my assignment, when I am on it */
  assignmentId: Uuid.nullable(),
  /** my open swap request of it */
  swap: z.object({ id: Uuid, toName: z.string().nullable() }).nullable(),
});
export type MyDutyShift = z.infer<typeof MyDutyShift>;

export const SwapOffer = z.object({
  swapId: Uuid,
  /** who asks; '' for an offer to anyone from outside my village */
  fromName: z.string(),
  /** asked of me by name, or open to anyone */
  toMe: z.boolean(),
  note: z.string(),
  shift: MyDutyShift,
});
export type SwapOffer = z.infer<typeof SwapOffer>;

export const MyDuty = z.object({
  /** shifts not yet started with places left that I am not on, soonest first */
  open: z.array(MyDutyShift),
  /** my shifts not yet ended, soonest first */
  mine: z.array(MyDutyShift),
  /** swaps I may take */
  offers: z.array(SwapOffer),
});
export type MyDuty = z.infer<typeof MyDuty>;

export const Comrades = z.object({ items: z.array(z.object({ memberId: Uuid, name: z.string() })) });
export type Comrades = z.infer<typeof Comrades>;

export const SwapInput = z.object({
  /** a named comrade, or null / left out for anyone of the roster's unit */
  toMemberId: Uuid.nullable().optional(),
  note: z.string().trim().max(200, '留言不能超过 200 字').default(''),
});
export type SwapInput = z.input<typeof SwapInput>;

export const SwapResult = z.object({ swapId: Uuid, status: DutySwapStatus });
export type SwapResult = z.infer<typeof SwapResult>;

export const SignupResult = z.object({ assignmentId: Uuid, shiftId: Uuid });
export type SignupResult = z.infer<typeof SignupResult>;
