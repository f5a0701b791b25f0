import { z } from 'zod';
import { Uuid } from './primitives.ts';

/**
 * The WeChat group kit and the "what reached whom" report of a push or a class.
 *
 * Most branches already have an ordinary WeChat group (微信群) that no software may post to. The kit
 * gives the secretary a short text with the deep link and a poster to paste there by hand, and
 * records that it was sent. The report counts, per channel, what the outbox did with a push's or a
 * class's notices; the member app's own opened/read figures stay the proof that a member was reached.
 */

/** What a kit or a report is about: a daily push (每日一推送) or a class / meeting (云课堂, 三会一课). */
export const KIT_SOURCE_KINDS = ['push', 'meeting'] as const;
export const KitSourceKind = z.enum(KIT_SOURCE_KINDS);
export type KitSourceKind = z.infer<typeof KitSourceKind>;

export const KitQuery = z.object({
  sourceKind: KitSourceKind,
  sourceId: Uuid,
  /** the unit whose group the text is for */
  orgId: Uuid,
});
export type KitQuery = z.infer<typeof KitQuery>;

export const KitMarkBody = KitQuery;
export type KitMarkBody = z.infer<typeof KitMarkBody>;

/** "Sent to the group": who marked it and when. */
export const KitMark = z.object({
  orgId: z.string(),
  orgName: z.string(),
  markedBy: z.string().nullable(),
  markedAt: z.string(),
});
export type KitMark = z.infer<typeof KitMark>;

export const GroupKit = z.object({
  /** the text to paste into the group, the link included */
  text: z.string(),
  /** `<public url>/m/<path>?via=group` */
  link: z.string(),
  title: z.string(),
  /** the class's start; a push's planned time */
  when: z.string().nullable(),
  /** 每日学习 / 课程 … in the caller's language */
  label: z.string(),
  orgName: z.string(),
  /** this unit's mark, when it was sent */
  mark: KitMark.nullable(),
});
export type GroupKit = z.infer<typeof GroupKit>;

export const ReportQuery = z.object({ sourceKind: KitSourceKind, sourceId: Uuid });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const REPORT_CHANNELS = ['webpush', 'sms', 'wecom', 'dingtalk', 'feishu'] as const;
export const ReportChannel = z.enum(REPORT_CHANNELS);
export type ReportChannel = z.infer<typeof ReportChannel>;

export const ChannelFigures = z.object({
  channel: ReportChannel,
  /** waiting to go (pending, or being sent now) */
  queued: z.number(),
  sent: z.number(),
  /** the service confirmed delivery (SMS receipts) */
  delivered: z.number(),
  failed: z.number(),
  /** not sent: the member had already read it, or its source was withdrawn */
  cancelled: z.number(),
  /** opened through this channel's link */
  opened: z.number(),
  /** the latest distinct errors of failed notices, newest first */
  errors: z.array(z.object({ error: z.string(), at: z.string().nullable(), count: z.number() })),
});
export type ChannelFigures = z.infer<typeof ChannelFigures>;

export const ChannelReport = z.object({
  /** one entry per channel that has notices of this source, in REPORT_CHANNELS order */
  channels: z.array(ChannelFigures),
  /** units whose ordinary WeChat group was sent the kit */
  marks: z.array(KitMark),
});
export type ChannelReport = z.infer<typeof ChannelReport>;
