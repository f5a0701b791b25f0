import { z } from 'zod';
import { CARD_CHANNELS, CARD_OCCASIONS, CARD_POST_STATUSES, CARE_TASK_EVENT_KINDS, CARE_TASK_KINDS, CARE_TASK_STATUSES, DELIVERY_ITEMS, DRIFT_REASON_KINDS, TALK_CHANNELS, TALK_DUE_STATES } from './enums.ts';
import { DateString, namesAChange, NOTHING_TO_CHANGE, Page, Uuid } from './primitives.ts';

/**
 * The care contract (流动不流失): mentors and heart-to-heart talks (传帮带, 思想动态), care tasks,
 * study delivery trips (千里送学), holiday cards and grid contact cards (节日贺卡, 网格连心卡),
 * political birthdays (政治生日), the drift radar and a member's timeline. Shared by the server
 * (validation, OpenAPI) and both web apps (types). Timestamps are ISO strings; dates 'YYYY-MM-DD'.
 */

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `不能超过 ${max} 字`)
    .nullish()
    .transform((v) => (v ? v : null));

// ---------- heart-to-heart talks (谈心谈话 / 思想动态) ----------
export const TalkChannel = z.enum(TALK_CHANNELS);
export type TalkChannel = z.infer<typeof TalkChannel>;

export const TalkInput = z.object({
  /**
   * Chosen by the phone when the draft starts: sending the same talk again (an answer lost on a weak
   * signal) returns the talk already recorded instead of a second one.
   */
  id: Uuid.optional(),
  memberId: Uuid,
  talkedOn: DateString,
  channel: TalkChannel,
  summary: z.string().trim().min(1, '请填写谈话内容').max(2000, '谈话内容不能超过 2000 字'),
  /** the member's situation */
  work: optionalText(500),
  family: optionalText(500),
  health: optionalText(500),
  thoughts: optionalText(500),
  /** worries, requests or problems the member raised */
  concerns: optionalText(1000),
  followUpNeeded: z.boolean().default(false),
  /** when follow-up is needed: what to do and by when (default: in 7 days) */
  followUpNote: optionalText(500),
  followUpDue: DateString.optional(),
});
export type TalkInput = z.input<typeof TalkInput>;

export const Talk = z.object({
  id: z.string(),
  memberId: z.string(),
  memberName: z.string(),
  talkedOn: z.string(),
  channel: TalkChannel,
  talkerName: z.string(),
  summary: z.string(),
  work: z.string().nullable(),
  family: z.string().nullable(),
  health: z.string().nullable(),
  thoughts: z.string().nullable(),
  concerns: z.string().nullable(),
  followUpNeeded: z.boolean(),
  /** the care task the follow-up opened (or joined) */
  followUpTaskId: z.string().nullable(),
  createdAt: z.string(),
});
export type Talk = z.infer<typeof Talk>;
/**
 * A correction of a talk (PATCH): any field of TalkInput but the member; absent fields stay as
 * they are, an empty text clears it. Setting followUpNeeded opens (or joins) the follow-up task.
 */
export const TalkPatch = TalkInput.omit({ memberId: true, followUpNeeded: true })
  .partial()
  .extend({ followUpNeeded: z.boolean().optional() })
  .refine(namesAChange, NOTHING_TO_CHANGE);
export type TalkPatch = z.input<typeof TalkPatch>;
export const TalkQuery = z.object({
  memberId: Uuid.optional(),
  orgId: Uuid.optional(),
  from: DateString.optional(),
  to: DateString.optional(),
  ...Page,
});
export const TalkList = z.object({ items: z.array(Talk), total: z.number() });

// ---------- mentoring overview (传帮带) ----------
/** Talk state of a member against the cadence. */
export const TalkDue = z.enum(TALK_DUE_STATES);
export type TalkDue = z.infer<typeof TalkDue>;

export const MentoringRow = z.object({
  memberId: z.string(),
  name: z.string(),
  phone: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  placeName: z.string().nullable(),
  mentor: z.object({ memberId: z.string(), name: z.string(), phone: z.string() }).nullable(),
  mentorSince: z.string().nullable(),
  lastTalkOn: z.string().nullable(),
  /** the day the next talk is due by the cadence (null: no cadence for this member) */
  nextTalkDue: z.string().nullable(),
  talkDue: TalkDue,
  /** days past nextTalkDue (0 when not overdue) */
  overdueDays: z.number(),
  openTasks: z.number(),
});
export type MentoringRow = z.infer<typeof MentoringRow>;
export const MentoringQuery = z.object({
  orgId: Uuid.optional(),
  /** mobile members only (default) or everyone */
  scope: z.enum(['mobile', 'all']).default('mobile'),
  filter: z.enum(['without_mentor', 'overdue']).optional(),
  q: text(50).optional(),
  ...Page,
});
export const MentoringList = z.object({
  items: z.array(MentoringRow),
  total: z.number(),
  summary: z.object({ members: z.number(), withoutMentor: z.number(), overdue: z.number(), never: z.number() }),
  /** mentors and how many members each keeps in touch with (most first) */
  mentors: z.array(z.object({ memberId: z.string(), name: z.string(), mentees: z.number(), overdue: z.number() })),
});
export type MentoringList = z.infer<typeof MentoringList>;

export const MentorshipHistory = z.object({
  items: z.array(
    z.object({
      mentorMemberId: z.string(),
      mentorName: z.string(),
      startedOn: z.string(),
      endedOn: z.string().nullable(),
    }),
  ),
});

/** The mentor's phone: each mentee with their talk state (member app). */
export const MyMentee = z.object({
  memberId: z.string(),
  name: z.string(),
  phone: z.string(),
  placeName: z.string().nullable(),
  workplace: z.string().nullable(),
  lastTalkOn: z.string().nullable(),
  nextTalkDue: z.string().nullable(),
  talkDue: TalkDue,
  overdueDays: z.number(),
  openTasks: z.number(),
});
export type MyMentee = z.infer<typeof MyMentee>;
export const MyMentees = z.object({ items: z.array(MyMentee) });

/** What is recorded about me (the member sees their own talks and sensitive notes). */
export const MyRecords = z.object({
  talks: z.array(Talk),
  hardshipNote: z.string().nullable(),
  deliveries: z.array(z.lazy(() => MemberDelivery)),
});
export type MyRecords = z.infer<typeof MyRecords>;

// ---------- care tasks (跟进任务) ----------
export const CareTaskKind = z.enum(CARE_TASK_KINDS);
export type CareTaskKind = z.infer<typeof CareTaskKind>;
export const CareTaskStatus = z.enum(CARE_TASK_STATUSES);
export type CareTaskStatus = z.infer<typeof CareTaskStatus>;
export const CareTask = z.object({
  id: z.string(),
  memberId: z.string(),
  memberName: z.string(),
  orgName: z.string(),
  kind: CareTaskKind,
  reason: z.string(),
  /** who does it; null: the secretaries above the member */
  assignee: z.object({ memberId: z.string(), name: z.string() }).nullable(),
  /** kept for older clients: the assignee's name */
  mentorName: z.string().nullable(),
  /** open, snoozed (until snoozedUntil), done, dropped; a snoozed task whose day came is open */
  status: CareTaskStatus,
  dueOn: z.string(),
  overdue: z.boolean(),
  snoozedUntil: z.string().nullable(),
  note: z.string().nullable(),
  sourceTalkId: z.string().nullable(),
  createdAt: z.string(),
});
export type CareTask = z.infer<typeof CareTask>;
export const CareTaskQuery = z.object({
  orgId: Uuid.optional(),
  memberId: Uuid.optional(),
  status: CareTaskStatus.optional(),
  kind: CareTaskKind.optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  ...Page,
});
export const CareTaskList = z.object({ items: z.array(CareTask), total: z.number() });
export const UpdateCareTaskBody = z.discriminatedUnion('status', [
  z.object({ status: z.literal('done'), note: text(1000).optional() }),
  z.object({ status: z.literal('dropped'), note: text(1000).min(2, '请写明放弃原因') }),
  z.object({ status: z.literal('snoozed'), snoozedUntil: DateString, note: text(1000).optional() }),
  z.object({ status: z.literal('open'), note: text(1000).optional() }),
]);
export const CreateCareTaskBody = z.object({
  memberId: Uuid,
  kind: z.enum(['follow_up', 'visit', 'hardship', 'lost_contact', 'other']),
  reason: z.string().trim().min(2, '请写明要做什么').max(500),
  dueOn: DateString,
  /** a member (the mentor, a secretary); omitted: the member's mentor, else the secretaries */
  assigneeMemberId: Uuid.nullish(),
});
export const CareTaskPatch = z
  .object({
    assigneeMemberId: Uuid.nullable().optional(),
    dueOn: DateString.optional(),
    /** a note added to the history */
    note: text(1000).min(1).optional(),
  })
  .refine((v) => v.assigneeMemberId !== undefined || v.dueOn !== undefined || v.note !== undefined, NOTHING_TO_CHANGE);
export const CareTaskEventKind = z.enum(CARE_TASK_EVENT_KINDS);
export const CareTaskEvent = z.object({
  at: z.string(),
  actorName: z.string().nullable(),
  kind: CareTaskEventKind,
  note: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export const CareTaskDetail = CareTask.extend({ history: z.array(CareTaskEvent) });
export type CareTaskDetail = z.infer<typeof CareTaskDetail>;

// ---------- study delivery trips (千里送学) ----------
export const DeliveryItem = z.enum(DELIVERY_ITEMS);
export const DeliveryMemberInput = z.object({
  memberId: Uuid,
  /** what was handed over: standard kinds and free words (e.g. 《习近平新时代中国特色社会主义思想学习纲要》) */
  items: z.array(text(100).min(1, '交接物品不能为空')).max(20).default([]),
  /** to whom, when not to the member (e.g. 其爱人) */
  handedTo: optionalText(50),
  /** what the member said */
  words: optionalText(1000),
});
export const DeliveryInput = z.object({
  orgId: Uuid,
  tripOn: DateString,
  provinceCode: z.string().regex(/^\d{2}$/, '省份代码应为 2 位数字'),
  cityCode: z.string().regex(/^\d{4}$/, '城市代码应为 4 位数字').nullish(),
  travellers: z.array(text(30).min(1, '随行人员姓名不能为空')).min(1, '请填写随行人员').max(20),
  members: z.array(DeliveryMemberInput).min(1, '请至少选择一名走访的党员').max(200),
  notes: optionalText(2000),
  followUp: optionalText(1000),
  photoFileIds: z.array(Uuid).max(30).default([]),
});
export type DeliveryInput = z.input<typeof DeliveryInput>;
/**
 * A correction of a trip: any fields of DeliveryInput. `members` and `photoFileIds`, when given,
 * replace the trip's whole lists (no default here, so an absent list is left as it is).
 */
export const DeliveryPatch = DeliveryInput.extend({ photoFileIds: z.array(Uuid).max(30) })
  .partial()
  .refine(namesAChange, NOTHING_TO_CHANGE);
export type DeliveryPatch = z.input<typeof DeliveryPatch>;
export const Delivery = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  tripOn: z.string(),
  provinceCode: z.string(),
  cityCode: z.string().nullable(),
  placeName: z.string(),
  travellers: z.array(z.string()),
  notes: z.string().nullable(),
  followUp: z.string().nullable(),
  members: z.array(
    z.object({ memberId: z.string(), name: z.string(), items: z.array(z.string()), handedTo: z.string().nullable(), words: z.string().nullable() }),
  ),
  photos: z.array(z.object({ fileId: z.string(), url: z.string(), caption: z.string().nullable() })),
  createdAt: z.string(),
});
export type Delivery = z.infer<typeof Delivery>;
export const DeliveryQuery = z.object({
  orgId: Uuid.optional(),
  from: DateString.optional(),
  to: DateString.optional(),
  ...Page,
});
export const DeliveryList = z.object({
  items: z.array(
    Delivery.omit({ members: true, photos: true }).extend({
      memberCount: z.number(),
      memberNames: z.array(z.string()),
      /** what was handed over on the trip: each word once, over all members met (the list's 送学物品 column) */
      handedOver: z.array(z.string()).optional(),
    }),
  ),
  total: z.number(),
  /** where trips went (all trips matching the filter): for the chart */
  byCity: z.array(z.object({ provinceCode: z.string(), cityCode: z.string().nullable(), placeName: z.string(), trips: z.number(), members: z.number() })),
});
export type DeliveryList = z.infer<typeof DeliveryList>;
/** A visit a member received (member page, the member's own records). */
export const MemberDelivery = z.object({
  deliveryId: z.string(),
  tripOn: z.string(),
  placeName: z.string(),
  travellers: z.array(z.string()),
  items: z.array(z.string()),
  handedTo: z.string().nullable(),
  words: z.string().nullable(),
});
export type MemberDelivery = z.infer<typeof MemberDelivery>;
/** The visits a member received, newest first (GET /api/members/:id/deliveries). */
export const MemberDeliveries = z.object({ items: z.array(MemberDelivery) });

// ---------- holiday cards (节日贺卡) ----------
export const CardOccasion = z.enum(CARD_OCCASIONS);
export type CardOccasion = z.infer<typeof CardOccasion>;
export const CardChannel = z.enum(CARD_CHANNELS);
export const CardPostStatus = z.enum(CARD_POST_STATUSES);
export const CampaignInput = z.object({
  orgId: Uuid,
  occasion: CardOccasion,
  title: z.string().trim().min(1, '请填写标题').max(60),
  greeting: z.string().trim().min(1, '请填写贺词').max(1000),
  /** e.g. 新桥村党总支 (default: the unit's name) */
  signature: text(60).optional(),
  /** the day the e-cards reach the members (today: at once) */
  sendOn: DateString,
  /** recipients: the unit's mobile members (default), everyone in it, or a list */
  audience: z.enum(['mobile', 'all', 'list']).default('mobile'),
  memberIds: z.array(Uuid).max(5000).optional(),
  channel: CardChannel.default('ecard'),
});
export type CampaignInput = z.input<typeof CampaignInput>;
export const CampaignSummary = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  occasion: CardOccasion,
  title: z.string(),
  sendOn: z.string(),
  sentAt: z.string().nullable(),
  recipients: z.number(),
  opened: z.number(),
  /** cards that went into the post (posted, delivered or returned) */
  posted: z.number(),
  delivered: z.number(),
  returned: z.number(),
});
export type CampaignSummary = z.infer<typeof CampaignSummary>;
export const CampaignList = z.object({ items: z.array(CampaignSummary), total: z.number() });
export const CampaignQuery = z.object({ orgId: Uuid.optional(), ...Page });
export const CardRow = z.object({
  id: z.string(),
  memberId: z.string(),
  memberName: z.string(),
  phone: z.string(),
  orgName: z.string(),
  channel: CardChannel,
  address: z.string().nullable(),
  postStatus: CardPostStatus,
  postNote: z.string().nullable(),
  sentAt: z.string().nullable(),
  openedAt: z.string().nullable(),
});
export type CardRow = z.infer<typeof CardRow>;
export const CampaignDetail = CampaignSummary.extend({
  greeting: z.string(),
  signature: z.string(),
  cards: z.array(CardRow),
  /**
   * Only in the answer to creating a posted campaign ('post' or 'both'): recipients without a
   * current destination to post to, who get an e-card only.
   */
  withoutAddress: z.number().optional(),
});
export type CampaignDetail = z.infer<typeof CampaignDetail>;
export const CardPatch = z.object({
  channel: CardChannel.optional(),
  address: text(200).min(4, '地址太短').nullable().optional(),
  postStatus: z.enum(['pending', 'posted', 'delivered', 'returned']).optional(),
  postNote: text(200).optional(),
});
/** Several cards marked at once (e.g. all labels posted today). */
export const CardsBulkPatch = z.object({
  cardIds: z.array(Uuid).min(1).max(5000),
  postStatus: z.enum(['posted', 'delivered', 'returned']),
});
/** A card as the member sees it. */
export const MyCard = z.object({
  id: z.string(),
  occasion: CardOccasion,
  title: z.string(),
  greeting: z.string(),
  signature: z.string(),
  sentAt: z.string(),
  openedAt: z.string().nullable(),
});
export type MyCard = z.infer<typeof MyCard>;
export const MyCards = z.object({ items: z.array(MyCard) });

// ---------- grid contact card (网格连心卡) ----------
export const ContactCard = z.object({
  memberId: z.string(),
  memberName: z.string(),
  orgName: z.string(),
  /** the village (general branch or the top unit above the member) */
  villageName: z.string(),
  grid: z.object({ name: z.string(), leaderName: z.string().nullable(), leaderPhone: z.string().nullable() }).nullable(),
  branchSecretary: z.object({ name: z.string(), phone: z.string() }).nullable(),
  generalSecretary: z.object({ name: z.string(), phone: z.string() }).nullable(),
  mentor: z.object({ name: z.string(), phone: z.string() }).nullable(),
  /** the member app's address the QR code opens */
  appUrl: z.string(),
  /** the QR code as an SVG document */
  qrSvg: z.string(),
});
export type ContactCard = z.infer<typeof ContactCard>;
export const ContactCards = z.object({ items: z.array(ContactCard) });
export const ContactCardQuery = z.object({
  /** one member, or every member of a grid, or every mobile member of a unit */
  memberId: Uuid.optional(),
  gridId: Uuid.optional(),
  orgId: Uuid.optional(),
});

// ---------- political birthdays (政治生日) ----------
export const Birthday = z.object({
  memberId: z.string(),
  name: z.string(),
  orgName: z.string(),
  phone: z.string(),
  mobile: z.boolean(),
  joinDate: z.string(),
  /** this year's anniversary day */
  day: z.string(),
  years: z.number(),
});
export type Birthday = z.infer<typeof Birthday>;
export const BirthdayQuery = z.object({
  orgId: Uuid.optional(),
  /** the first day (default: Monday of this week, China time); 7 days from it */
  from: DateString.optional(),
  days: z.coerce.number().int().min(1).max(31).default(7),
});
/** `to` is the last day included (from + days − 1). */
export const BirthdayList = z.object({ from: z.string(), to: z.string(), items: z.array(Birthday) });

// ---------- drift radar (流失预警) and timeline ----------
export const DriftReasonKind = z.enum(DRIFT_REASON_KINDS);
export type DriftReasonKind = z.infer<typeof DriftReasonKind>;
export const DriftReason = z.object({
  kind: DriftReasonKind,
  /** a sentence in Chinese, with the numbers: e.g. 已 75 天没有谈心谈话（应每 30 天一次） */
  text: z.string(),
});
export const EngagementMonth = z.object({
  month: z.string(),
  pushesDelivered: z.number(),
  pushesRead: z.number(),
  sessionsInvited: z.number(),
  sessionsAttended: z.number(),
  sessionsMadeUp: z.number(),
  talks: z.number(),
  /** posts shared (每月一互动) in the month */
  shares: z.number(),
});
export const DriftRow = z.object({
  memberId: z.string(),
  name: z.string(),
  phone: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  placeName: z.string().nullable(),
  mentorName: z.string().nullable(),
  /** high: act now (lost contact, several reasons); medium: one reason */
  level: z.enum(['high', 'medium']),
  reasons: z.array(DriftReason).min(1),
  lastContactOn: z.string().nullable(),
  lastActiveAt: z.string().nullable(),
  /**
   * read rate of pushes delivered recently — calendar months of the learning_month rollup: the
   * previous month and the current one so far — and in the two months before those (null: nothing delivered)
   */
  readRecent: z.number().nullable(),
  readBefore: z.number().nullable(),
});
export type DriftRow = z.infer<typeof DriftRow>;
export const DriftQuery = z.object({
  orgId: Uuid.optional(),
  mobile: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  reason: DriftReasonKind.optional(),
  ...Page,
});
export const DriftList = z.object({
  items: z.array(DriftRow),
  total: z.number(),
  /** members per reason in the whole list (for the chart) */
  byReason: z.array(z.object({ kind: DriftReasonKind, members: z.number() })),
  members: z.number(),
});
export type DriftList = z.infer<typeof DriftList>;
export const Engagement = z.object({
  memberId: z.string(),
  months: z.array(EngagementMonth),
  reasons: z.array(DriftReason),
  lastTalkOn: z.string().nullable(),
  lastContactOn: z.string().nullable(),
  lastActiveAt: z.string().nullable(),
});
export type Engagement = z.infer<typeof Engagement>;

export const TimelineKind = z.enum([
  'joined',
  'moved',
  'returned',
  'mentor',
  'talk',
  'session',
  'makeup',
  'reading',
  'task',
  'delivery',
  'card',
  'contact',
  'lost_contact',
  'share',
  'service',
]);
export const TimelineEvent = z.object({
  /** ISO date or timestamp */
  at: z.string(),
  kind: TimelineKind,
  title: z.string(),
  detail: z.string().nullable(),
  /** id of the talk, task, session, trip, campaign the event is about */
  refId: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export const TimelineQuery = z.object({
  /** events before this ISO time (paging back); default now */
  before: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const Timeline = z.object({ items: z.array(TimelineEvent), more: z.boolean() });
export type Timeline = z.infer<typeof Timeline>;
