import { z } from 'zod';
import { DateString, Page, Uuid } from './primitives.ts';
import { JOB_MATCH_STATUSES, PLEDGE_BODY_MAX, PLEDGE_KINDS, PLEDGE_OUTCOMES } from './enums.ts';

/**
 * 我为群众办实事: the 四个一 pledges (each member, once a year, pledges a suggestion, a wealth tip, a
 * good deed and help for a farmer finding work; the secretary assigns follow-up and records the
 * outcome) and job matching (jobs members offer from their cities ↔ villagers looking for work).
 * Wages are whole yuan per month (integers: never a decimal).
 */

export const PledgeKind = z.enum(PLEDGE_KINDS);
export type PledgeKind = z.infer<typeof PledgeKind>;
export const PledgeOutcome = z.enum(PLEDGE_OUTCOMES);
export type PledgeOutcome = z.infer<typeof PledgeOutcome>;
export const JobMatchStatus = z.enum(JOB_MATCH_STATUSES);
export type JobMatchStatus = z.infer<typeof JobMatchStatus>;

const text = (min: string, max: number, tooLong: string) => z.string().trim().min(1, min).max(max, tooLong);
const Year = z.coerce.number({ message: '年份应为数字' }).int('年份应为整数').min(2000, '年份应在 2000 年至 2100 年之间').max(2100, '年份应在 2000 年至 2100 年之间');
/** Whole yuan per month: a non-negative integer (a JSON number, or digits in a string). */
const Yuan = z.coerce
  .number({ message: '工资应为数字（元/月）' })
  .int('工资应为整数（元/月）')
  .min(0, '工资不能为负数')
  .max(1_000_000, '工资不能超过 1000000 元/月');

// ---------- the period ----------

/** The pledging window of a year that applies to a unit: its own, one set above it, or the whole year. */
export const PledgePeriod = z.object({
  year: z.number(),
  opensOn: z.string(),
  closesOn: z.string(),
  /** the unit that set it; null: none set, the whole calendar year */
  setBy: z.object({ orgId: z.string(), orgName: z.string() }).nullable(),
  /** today (China time) lies inside it */
  open: z.boolean(),
});
export type PledgePeriod = z.infer<typeof PledgePeriod>;

export const PledgePeriodQuery = z.object({ orgId: Uuid, year: Year.optional() });
export type PledgePeriodQuery = z.input<typeof PledgePeriodQuery>;
export const PledgePeriodInput = z
  .object({ orgId: Uuid, year: Year, opensOn: DateString, closesOn: DateString })
  .refine((p) => p.opensOn <= p.closesOn, { message: '截止日期不能早于开始日期', path: ['closesOn'] })
  .refine((p) => p.opensOn.slice(0, 4) === String(p.year) && p.closesOn.slice(0, 4) === String(p.year), { message: '承诺期应在所选年份之内', path: ['opensOn'] });
export type PledgePeriodInput = z.input<typeof PledgePeriodInput>;

// ---------- the member ----------

export const MyPledge = z.object({
  id: z.string(),
  kind: PledgeKind,
  body: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  followUp: z.object({ name: z.string(), dueOn: z.string().nullable() }).nullable(),
  outcome: PledgeOutcome,
  outcomeNote: z.string().nullable(),
  outcomeAt: z.string().nullable(),
  /** the member may still change the text: the period is open and follow-up has not started */
  editable: z.boolean(),
});
export type MyPledge = z.infer<typeof MyPledge>;

export const MyPledges = z.object({ year: z.number(), period: PledgePeriod, pledges: z.array(MyPledge) });
export type MyPledges = z.infer<typeof MyPledges>;

/** Making or editing one's pledges of this year: any of the four kinds, each once (the phone may queue it). */
export const MyPledgesInput = z.object({
  items: z
    .array(z.object({ kind: PledgeKind, body: text('请填写承诺内容', PLEDGE_BODY_MAX, '每条承诺不能超过 500 字') }))
    .min(1, '请至少填写一条承诺')
    .max(4, '每年四条承诺')
    .refine((items) => new Set(items.map((i) => i.kind)).size === items.length, '每类承诺只能填写一条'),
});
export type MyPledgesInput = z.input<typeof MyPledgesInput>;

// ---------- the console ----------

export const Pledge = z.object({
  id: z.string(),
  member: z.object({ id: z.string(), name: z.string(), orgName: z.string(), mobile: z.boolean() }),
  year: z.number(),
  kind: PledgeKind,
  body: z.string(),
  createdAt: z.string(),
  followUp: z.object({ memberId: z.string(), name: z.string(), dueOn: z.string().nullable(), assignedAt: z.string().nullable() }).nullable(),
  outcome: PledgeOutcome,
  outcomeNote: z.string().nullable(),
  outcomeAt: z.string().nullable(),
  /** the follow-up's due day has passed (China time) and the outcome is not final */
  overdue: z.boolean(),
});
export type Pledge = z.infer<typeof Pledge>;

export const PledgeQuery = z.object({
  orgId: Uuid,
  year: Year.optional(),
  kind: PledgeKind.optional(),
  /** waiting: no follow-up yet; real: adopted or done */
  state: z.enum(['waiting', 'following', 'real', 'not_feasible']).optional(),
  ...Page,
});
export type PledgeQuery = z.input<typeof PledgeQuery>;
export const PledgeList = z.object({ items: z.array(Pledge), total: z.number() });
export type PledgeList = z.infer<typeof PledgeList>;

export const PledgeUnitQuery = z.object({ orgId: Uuid, year: Year.optional() });
export type PledgeUnitQuery = z.input<typeof PledgeUnitQuery>;

/** Per unit and year: how many pledged, wait for follow-up, became real; per kind made vs real. */
export const PledgeSummary = z.object({
  year: z.number(),
  period: PledgePeriod,
  members: z.number(),
  /** members with all four pledges of the year */
  pledged: z.number(),
  notPledged: z.number(),
  pledges: z.number(),
  waitingFollowUp: z.number(),
  becameReal: z.number(),
  byKind: z.array(z.object({ kind: PledgeKind, made: z.number(), real: z.number() })),
});
export type PledgeSummary = z.infer<typeof PledgeSummary>;

/** Members of the unit (not left) without all four pledges of the year; mobile members flagged. */
export const NotPledgedList = z.object({
  items: z.array(z.object({ memberId: z.string(), name: z.string(), orgName: z.string(), mobile: z.boolean(), made: z.number() })),
});
export type NotPledgedList = z.infer<typeof NotPledgedList>;

export const PledgeFollowUpInput = z.object({ memberId: Uuid, dueOn: DateString.nullish() });
export type PledgeFollowUpInput = z.input<typeof PledgeFollowUpInput>;
export const PledgeOutcomeInput = z
  .object({ outcome: PledgeOutcome.exclude(['pending']), note: z.string().trim().max(500, '说明不能超过 500 字').nullish() })
  .refine((o) => o.outcome !== 'not_feasible' || (o.note ?? '').length > 0, { message: '不可行时请写明原因', path: ['note'] });
export type PledgeOutcomeInput = z.input<typeof PledgeOutcomeInput>;

// ---------- jobs ----------

export const JobOfferInput = z
  .object({
    employer: text('请填写用工单位', 100, '用工单位不能超过 100 字'),
    city: text('请填写所在城市', 50, '城市不能超过 50 字'),
    wageMinYuan: Yuan,
    wageMaxYuan: Yuan,
    contact: text('请填写联系方式', 100, '联系方式不能超过 100 字'),
    description: z.string().trim().max(1000, '岗位说明不能超过 1000 字').default(''),
  })
  .refine((o) => o.wageMinYuan <= o.wageMaxYuan, { message: '最低工资不能高于最高工资', path: ['wageMinYuan'] });
export type JobOfferInput = z.input<typeof JobOfferInput>;

/** A match as the member who offered the job sees it: the seeker's name and wanted work, never their phone. */
export const MyJobMatch = z.object({ id: z.string(), seekerName: z.string(), wantedWork: z.string(), status: JobMatchStatus, note: z.string().nullable(), createdAt: z.string() });
export const MyJobOffer = z.object({
  id: z.string(),
  employer: z.string(),
  city: z.string(),
  wageMinYuan: z.number(),
  wageMaxYuan: z.number(),
  contact: z.string(),
  description: z.string(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  matches: z.array(MyJobMatch),
});
export type MyJobOffer = z.infer<typeof MyJobOffer>;
export const MyJobOffers = z.object({ offers: z.array(MyJobOffer) });
export type MyJobOffers = z.infer<typeof MyJobOffers>;

export const JobOffer = z.object({
  id: z.string(),
  member: z.object({ id: z.string(), name: z.string(), orgName: z.string() }),
  employer: z.string(),
  city: z.string(),
  wageMinYuan: z.number(),
  wageMaxYuan: z.number(),
  contact: z.string(),
  description: z.string(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  matches: z.number(),
});
export type JobOffer = z.infer<typeof JobOffer>;
export const JobSeeker = z.object({ id: z.string(), orgId: z.string(), orgName: z.string(), name: z.string(), phone: z.string(), wantedWork: z.string(), closedAt: z.string().nullable(), createdAt: z.string() });
export type JobSeeker = z.infer<typeof JobSeeker>;
export const JobMatch = z.object({
  id: z.string(),
  offer: z.object({ id: z.string(), employer: z.string(), city: z.string(), memberName: z.string() }),
  seeker: z.object({ id: z.string(), name: z.string(), phone: z.string() }),
  status: JobMatchStatus,
  note: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type JobMatch = z.infer<typeof JobMatch>;

export const JobsQuery = z.object({ orgId: Uuid, open: z.enum(['true', 'false']).optional() });
export type JobsQuery = z.input<typeof JobsQuery>;
export const JobOfferList = z.object({ items: z.array(JobOffer) });
export type JobOfferList = z.infer<typeof JobOfferList>;
export const JobSeekerList = z.object({ items: z.array(JobSeeker) });
export type JobSeekerList = z.infer<typeof JobSeekerList>;
export const JobMatchList = z.object({ items: z.array(JobMatch) });
export type JobMatchList = z.infer<typeof JobMatchList>;

export const JobSeekerInput = z.object({
  orgId: Uuid,
  name: text('请填写姓名', 50, '姓名不能超过 50 字'),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,30}$/, '请填写有效的联系电话'),
  wantedWork: text('请填写想找的工作', 200, '想找的工作不能超过 200 字'),
});
export type JobSeekerInput = z.input<typeof JobSeekerInput>;
export const JobMatchInput = z.object({ offerId: Uuid, seekerId: Uuid, note: z.string().trim().max(500, '备注不能超过 500 字').nullish() });
export type JobMatchInput = z.input<typeof JobMatchInput>;
export const JobMatchPatch = z.object({ status: JobMatchStatus, note: z.string().trim().max(500, '备注不能超过 500 字').nullish() });
export type JobMatchPatch = z.input<typeof JobMatchPatch>;
