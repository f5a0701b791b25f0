import { z } from 'zod';
import { Page, Uuid } from './primitives.ts';
import { REACH_MISSING } from './enums.ts';

/**
 * The contract of module `reach`: who no channel reaches (联系不上的党员) and how one member is
 * reached now. A member is unreachable when no group robot of their units, no Web Push subscription
 * and no SMS with their consent reaches them, and they have not opened the member app for the
 * tenant's `unreachableDays` (or never). Timestamps are ISO strings.
 */

/**
 * What a member lacks, each a thing the secretary can act on:
 *   app      未开通党员端: no login of the member app that was ever used (send an invitation)
 *   robot    没有群机器人: no 企业微信 / 钉钉 / 飞书 robot over their units (or they turned it off)
 *   sms      未同意短信: no recorded SMS consent (or SMS is not set up for the organization)
 *   webpush  未开启本机通知: no phone notifications subscribed (never in WeChat's browser)
 */
export { REACH_MISSING };
export const ReachMissing = z.enum(REACH_MISSING);
export type ReachMissing = z.infer<typeof ReachMissing>;

/** GET /api/reach/unreachable */
export const UnreachableQuery = z.object({
  orgId: Uuid.optional(),
  /** only members who lack this */
  missing: ReachMissing.optional(),
  ...Page,
});

export const UnreachableRow = z.object({
  memberId: z.string(),
  name: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  mentor: z.object({ memberId: z.string(), name: z.string() }).nullable(),
  /** what the member lacks, in REACH_MISSING's order */
  missing: z.array(ReachMissing),
  /** has a member-app login that was used at least once */
  appActivated: z.boolean(),
  /** an invitation is open (sent, not yet used, not expired) */
  invitationOpen: z.boolean(),
  /** last seen in the member app: null = never */
  lastSeenAt: z.string().nullable(),
});
export type UnreachableRow = z.infer<typeof UnreachableRow>;

export const UnreachableList = z.object({
  items: z.array(UnreachableRow),
  total: z.number(),
  /** members per missing thing in the whole list (filter not applied) */
  byMissing: z.array(z.object({ kind: ReachMissing, members: z.number() })),
  /** the rule's days (settings.unreachableDays) */
  unreachableDays: z.number(),
  /** the organization has an enabled SMS provider: consent alone then reaches a member (null: nobody listed) */
  smsAvailable: z.boolean().nullable(),
});
export type UnreachableList = z.infer<typeof UnreachableList>;

/** GET /api/members/:id/reach: the channels that reach one member now. */
export const MemberReach = z.object({
  memberId: z.string(),
  /** some channel reaches the member, or they opened the app within unreachableDays */
  reachable: z.boolean(),
  missing: z.array(ReachMissing),
  unreachableDays: z.number(),
  app: z.object({ activated: z.boolean(), invitationOpen: z.boolean(), lastSeenAt: z.string().nullable() }),
  /** the enabled group robots over the member's units (empty when the member turned robots off) */
  robots: z.array(z.object({ name: z.string(), kind: z.enum(['wecom', 'dingtalk', 'feishu']), unitName: z.string() })),
  robotsOff: z.boolean(),
  webpush: z.object({ subscriptions: z.number(), off: z.boolean() }),
  sms: z.object({ consent: z.boolean(), available: z.boolean() }),
});
export type MemberReach = z.infer<typeof MemberReach>;
