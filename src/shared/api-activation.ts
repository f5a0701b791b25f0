import { z } from 'zod';
import { OrgKind, Page, Uuid } from './primitives.ts';
import { ACTIVATION_STATUSES } from './enums.ts';

/**
 * Who has activated the member app (开通情况): per unit, how many members have signed in, how many
 * hold an open invitation, how many have neither; and the members themselves, to invite in bulk.
 *
 *   active   the member has a login that is not disabled and has been used: a session (open or
 *            not yet purged), an invitation redeemed, or activity recorded in the app
 *   invited  not active, and an open invitation that has not expired
 *   none     neither
 */
export { ACTIVATION_STATUSES };
export const ActivationStatus = z.enum(ACTIVATION_STATUSES);
export type ActivationStatus = z.infer<typeof ActivationStatus>;

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ActivationQuery = z.object({
  /** the unit (its whole subtree); the widest unit the caller reads when left out */
  orgId: Uuid.optional(),
  status: ActivationStatus.optional(),
  /** only mobile members (流动党员), or only those at home */
  mobile: boolQuery.optional(),
  /** part of the name */
  q: z.string().trim().max(50).optional(),
  ...Page,
});
export type ActivationQuery = z.input<typeof ActivationQuery>;
export type ActivationParams = z.output<typeof ActivationQuery>;

export const ActivationCounts = z.object({
  members: z.number(),
  active: z.number(),
  invited: z.number(),
  none: z.number(),
});

export const UnitActivation = ActivationCounts.extend({
  unitId: z.string(),
  unitName: z.string(),
  kind: OrgKind,
  /** 0 for the unit asked about, 1 for its children */
  depth: z.number(),
});
export type UnitActivation = z.infer<typeof UnitActivation>;

export const MemberActivationRow = z.object({
  memberId: z.string(),
  name: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  /** 流动党员: an open destination now */
  isMobile: z.boolean(),
  status: ActivationStatus,
  /** when the open invitation was issued (also for an active member resetting by invitation) */
  invitedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** the last sign of the member in the app: a session seen, an invitation redeemed, a read or a check-in */
  lastSeenAt: z.string().nullable(),
});
export type MemberActivationRow = z.infer<typeof MemberActivationRow>;

export const Activation = z.object({
  orgId: z.string(),
  orgName: z.string(),
  /** The unit itself first (its whole subtree), then each child unit, rolled up over its subtree. */
  units: z.array(UnitActivation),
  /** the members of the unit's subtree matching the filters, not yet active first, then by name */
  members: z.array(MemberActivationRow),
  total: z.number(),
  /** whether the caller may invite the unit's members (a secretary over it) */
  canInvite: z.boolean(),
});
export type Activation = z.infer<typeof Activation>;

/** One member's state, for the member page (已开通 / 已邀请 / 未开通). */
export const MemberActivation = z.object({
  memberId: z.string(),
  status: ActivationStatus,
  hasAccount: z.boolean(),
  invitedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  /** whether the caller may issue or revoke the member's invitation */
  canInvite: z.boolean(),
});
export type MemberActivation = z.infer<typeof MemberActivation>;
