import { z } from 'zod';
import { AuditEntry, Dashboard } from './api.ts';

/**
 * The contract of the tenant's rules, the audit log, the dashboard and the region list: shapes the
 * server answers that used to be declared by the server's modules or by the console alone.
 */

/** Per-tenant rules that vary by place (GET/PUT /api/settings). */
export const TenantSettings = z.object({
  /** No recorded contact for this many days ⇒ a mobile member is suspected lost (DOMAIN: 6 months). */
  lostContactDays: z.number().int().min(30).max(3650),
  /** Settled this many months at one place ⇒ prompt to transfer the membership relation. */
  shouldTransferMonths: z.number().int().min(1).max(120),
  /** Days a member has to make up a missed session (补学). */
  makeupDays: z.number().int().min(1).max(365),
  /** An unread push gets one reminder in the app after this many hours. */
  pushReminderHours: z.number().int().min(1).max(720),
  /** Seconds on an item that count as read when the end is not reached. */
  readMinSeconds: z.number().int().min(10).max(3600),
  /** Missing this many sessions in a row raises a follow-up task. */
  absenceStreakSessions: z.number().int().min(1).max(12),
  /** Reading nothing delivered for this many days raises a follow-up task. */
  unreadStreakDays: z.number().int().min(3).max(365),
  /** A mobile member should have a heart-to-heart talk at least every this many days (monthly). */
  talkCadenceDays: z.number().int().min(7).max(365),
  /** The same for members at home; 0 = no cadence. */
  talkCadenceHomeDays: z.number().int().min(0).max(730),
  /** No app activity for this many days counts as a drift reason. */
  inactiveDays: z.number().int().min(7).max(365),
  /** No post shared (每月一互动) for this many whole months counts as a drift reason, once the member's branch or village has shared at all. */
  noShareMonths: z.number().int().min(1).max(12),
  /** An invitation link to the member app stays valid this many days. */
  invitationDays: z.number().int().min(1).max(60),
  /** A member's "remember this phone" sign-in lasts this many days. */
  rememberDays: z.number().int().min(1).max(365),
  /** A push still unread this many hours after delivery gets a nudge on the member's next channel (SMS). */
  escalateAfterHours: z.number().int().min(1).max(720),
  /** Unreachable by every channel and absent from the app this many days ⇒ listed, and the mentor gets a care task. */
  unreachableDays: z.number().int().min(1).max(365),
  /** No SMS between these hours, China time ("HH:MM"); what falls inside waits until the end. */
  quietHoursStart: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  quietHoursEnd: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** SMS per member per China day, at most. */
  smsDailyCap: z.number().int().min(1).max(20),
  /** 有问必答: a member's question is due an answer this many working days (Monday to Friday) after the day it is asked. */
  questionAnswerDays: z.number().int().min(1).max(30),
});
export type TenantSettings = z.infer<typeof TenantSettings>;
/** A change of some rules (PUT /api/settings). */
export const TenantSettingsPatch = TenantSettings.partial();

/** A page of the audit log (GET /api/audit). */
export const AuditList = z.object({ items: z.array(AuditEntry), total: z.number() });

/** The dashboard of a unit (GET /api/dashboard): the figures and the unit they are about. */
export const DashboardView = Dashboard.extend({ root: z.object({ id: z.string(), name: z.string() }) });

/** A province, city or district of the national division list (codes of 2, 4 and 6 digits). */
export interface RegionNode {
  code: string;
  name: string;
  children?: RegionNode[];
}
export const RegionNode: z.ZodType<RegionNode> = z.lazy(() => z.object({ code: z.string(), name: z.string(), children: z.array(RegionNode).optional() }));
/** The region list (GET /api/regions, public, cached a day). */
export const Regions = z.object({ provinces: z.array(RegionNode) });
