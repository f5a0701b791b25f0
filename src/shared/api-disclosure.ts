import { z } from 'zod';
import { MonthString, Page, Uuid } from './primitives.ts';
import { DISCLOSURE_NOTE_MAX, DISCLOSURE_SECTIONS, DISCLOSURE_STATES, DONATION_KINDS, PLEDGE_KINDS, PLEDGE_OUTCOMES } from './enums.ts';

/**
 * 党务公开 (public disclosure): a unit's month drafted from the data (生成本月公开内容) as a
 * snapshot, sections left out and a short note, then the review of news (draft → submitted →
 * approved | returned; approve and return name the `updatedAt` the reviewer read). The console calls
 * /api/disclosures; the public pages are HTML outside /api (`/open/<orgId>`, `/open/<orgId>/<YYYY-MM>`).
 * Money is integer fen; minutes are whole minutes; days 'YYYY-MM-DD' (China days); times ISO strings.
 */

export { DISCLOSURE_SECTIONS, DISCLOSURE_STATES };
export const DisclosureState = z.enum(DISCLOSURE_STATES);
export type DisclosureState = z.infer<typeof DisclosureState>;
export const DisclosureSection = z.enum(DISCLOSURE_SECTIONS);
export type DisclosureSection = z.infer<typeof DisclosureSection>;

/** 'YYYY-MM' */
export const Month = MonthString;

// ---------- the snapshot (what the public page shows, frozen at approval) ----------

export const SnapshotProject = z.object({
  title: z.string(),
  place: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  teamName: z.string().nullable(),
});
export const SnapshotTeamHours = z.object({
  /** null: service logged without a team */
  teamName: z.string().nullable(),
  minutes: z.number().int(),
  logs: z.number().int(),
  /** distinct people who served */
  people: z.number().int(),
});
export const SnapshotPledge = z.object({
  kind: z.enum(PLEDGE_KINDS),
  /** the pledge's text, at most 120 characters (longer ones end with …) */
  text: z.string(),
  outcome: z.enum(PLEDGE_OUTCOMES),
  outcomeNote: z.string().nullable(),
  outcomeOn: z.string(),
  /** the member who pledged, by their name as stored: a pledge is public work (公开承诺) */
  memberName: z.string(),
});
export const SnapshotReceipt = z.object({
  /** the donor's name only with their consent (show_name), else 爱心人士 */
  donor: z.string(),
  kind: z.enum(DONATION_KINDS),
  amountFen: z.number().int().nullable(),
  goods: z.string().nullable(),
  quantity: z.string().nullable(),
  receivedOn: z.string(),
});
export const SnapshotSpending = z.object({
  kind: z.enum(DONATION_KINDS),
  amountFen: z.number().int().nullable(),
  goods: z.string().nullable(),
  quantity: z.string().nullable(),
  spentOn: z.string(),
  purpose: z.string(),
});
export const SnapshotCampaign = z.object({
  title: z.string(),
  purpose: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  /** up to the month's last day: money received, goods entries received, money spent, goods handed over, balance */
  receivedFen: z.number().int(),
  goodsEntries: z.number().int(),
  spentFen: z.number().int(),
  goodsHandedOver: z.number().int(),
  balanceFen: z.number().int(),
  received: z.array(SnapshotReceipt),
  spending: z.array(SnapshotSpending),
});
export const DisclosureSnapshot = z.object({
  orgName: z.string(),
  month: z.string(),
  projects: z.array(SnapshotProject),
  hours: z.object({ teams: z.array(SnapshotTeamHours), totalMinutes: z.number().int(), totalLogs: z.number().int() }),
  pledges: z.array(SnapshotPledge),
  donations: z.array(SnapshotCampaign),
});
export type DisclosureSnapshot = z.infer<typeof DisclosureSnapshot>;

// ---------- the console ----------

export const DisclosureQuery = z.object({ orgId: Uuid.optional(), state: DisclosureState.optional(), ...Page });
export type DisclosureQuery = z.input<typeof DisclosureQuery>;

export const DisclosureSummary = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  month: z.string(),
  state: DisclosureState,
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  approvedAt: z.string().nullable(),
  /** the public page of this month (it answers only while approved) */
  publicUrl: z.string(),
});
export type DisclosureSummary = z.infer<typeof DisclosureSummary>;
export const DisclosureList = z.object({ items: z.array(DisclosureSummary), total: z.number().int() });
export type DisclosureList = z.infer<typeof DisclosureList>;

export const Disclosure = DisclosureSummary.extend({
  sections: DisclosureSnapshot,
  generatedAt: z.string(),
  omitted: z.array(DisclosureSection),
  note: z.string().nullable(),
  returnReason: z.string().nullable(),
  createdByName: z.string(),
  submittedByName: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  approvedByName: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  can: z.object({ edit: z.boolean(), submit: z.boolean(), review: z.boolean(), withdraw: z.boolean() }),
});
export type Disclosure = z.infer<typeof Disclosure>;

/** 生成本月公开内容: creates the unit's month, or refreshes the snapshot of a draft or returned one. */
export const DisclosureInput = z.object({ orgId: Uuid, month: Month });
export type DisclosureInput = z.input<typeof DisclosureInput>;

export const DisclosurePatch = z
  .object({
    omitted: z.array(DisclosureSection).max(DISCLOSURE_SECTIONS.length).optional(),
    note: z.string().trim().max(DISCLOSURE_NOTE_MAX, '说明不能超过 500 字').nullable().optional(),
  })
  .refine((p) => p.omitted !== undefined || p.note !== undefined, '没有要修改的内容');
export type DisclosurePatch = z.input<typeof DisclosurePatch>;

export const DisclosureApproveInput = z.object({ updatedAt: z.iso.datetime({ offset: true, message: '请刷新后重新审阅' }) });
export type DisclosureApproveInput = z.input<typeof DisclosureApproveInput>;
export const DisclosureReturnInput = z.object({
  reason: z.string().trim().min(1, '请填写退回原因').max(DISCLOSURE_NOTE_MAX, '退回原因不能超过 500 字'),
  updatedAt: z.iso.datetime({ offset: true, message: '请刷新后重新审阅' }),
});
export type DisclosureReturnInput = z.input<typeof DisclosureReturnInput>;

/** The page exactly as the public will see it, rendered by the server from the current snapshot. */
export const DisclosurePreview = z.object({ html: z.string() });
export type DisclosurePreview = z.infer<typeof DisclosurePreview>;

/** `currentMonth`: the server's China month, the newest one may draft. */
export const DisclosureUnits = z.object({ items: z.array(z.object({ orgId: Uuid, orgName: z.string() })), currentMonth: z.string() });
export type DisclosureUnits = z.infer<typeof DisclosureUnits>;
