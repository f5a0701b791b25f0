import { z } from 'zod';
import { ATTACHMENT_KINDS, ATTENDANCE_STATUSES, LEAVE_STATUSES, MAKEUP_STATUSES, PUSH_AUDIENCES, PUSH_STATUSES, SESSION_KINDS, SESSION_MODES, SESSION_STATUSES, STUDY_CATEGORIES, STUDY_ITEM_KINDS, UPLOAD_PURPOSES } from './enums.ts';
import { DateString, namesAChange, NOTHING_TO_CHANGE, OrgKind, Page, Uuid } from './primitives.ts';
import { inYears } from './calendar.ts';

/**
 * The learning contract (不缺课、不漏学): study library, daily pushes, classes and meetings with
 * attendance, make-ups, coverage and follow-up tasks. Shared by the server (validation, OpenAPI)
 * and both web apps (types). Timestamps are ISO strings; dates 'YYYY-MM-DD'; months 'YYYY-MM'.
 */

/** A calendar month of learning records: none can be older than 2000. */
const MonthString = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式应为 YYYY-MM', abort: true })
  .refine((m) => inYears(m, 2000, 2100), '月份应在 2000 年至 2100 年之间');
const IsoTime = z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，如 2026-12-01T19:30:00+08:00' });
const text = (max: number) => z.string().trim().max(max);
const HttpUrl = z
  .string()
  .trim()
  .max(1000)
  .refine((v) => /^https?:\/\/\S+$/i.test(v), '链接应以 http:// 或 https:// 开头');

// ---------- files ----------
/** What an upload is for: decides the allowed types and the size limit. */
export const UploadPurpose = z.enum(UPLOAD_PURPOSES);
export type UploadPurpose = z.infer<typeof UploadPurpose>;
export const StoredFile = z.object({
  id: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number(),
  /** GET it with the session cookie; supports Range for audio and video. */
  url: z.string(),
});
export type StoredFile = z.infer<typeof StoredFile>;

// ---------- study library ----------
export const StudyItemKind = z.enum(STUDY_ITEM_KINDS);
export type StudyItemKind = z.infer<typeof StudyItemKind>;
export const StudyCategory = z.enum(STUDY_CATEGORIES);
export type StudyCategory = z.infer<typeof StudyCategory>;
/** A study item as a line in a list: enough to show it and open it. */
const StudyItemRef = z.object({ id: z.string(), title: z.string(), kind: StudyItemKind });

const StudyTags = z.array(text(20).min(1)).max(10);
/** Minutes a reader needs. */
const StudyMinutes = z.number().int().min(1).max(600);
export const StudyItemInput = z.object({
  orgId: Uuid,
  kind: StudyItemKind,
  title: text(200).min(1, '请填写标题'),
  category: StudyCategory,
  tags: StudyTags.default([]),
  author: text(50).nullable().optional(),
  summary: text(500).nullable().optional(),
  /** Articles: HTML from the editor; sanitized on save and again when served. */
  bodyHtml: z.string().max(200_000, '正文过长（上限 20 万字符）').nullable().optional(),
  /** Audio or video by link (any service), instead of an uploaded file. */
  mediaUrl: HttpUrl.nullable().optional(),
  fileId: Uuid.nullable().optional(),
  /** Articles: a recorded audio of the text (an uploaded audio file), for phones that cannot read aloud; null removes it. */
  audioFileId: Uuid.nullable().optional(),
  minutes: StudyMinutes.default(5),
});
export type StudyItemInput = z.infer<typeof StudyItemInput>;
/**
 * Only the fields sent change. The defaults of StudyItemInput are left out here: a patch that does
 * not mention the tags or the reading time must not reset them.
 */
export const StudyItemPatch = StudyItemInput.omit({ orgId: true, kind: true, tags: true, minutes: true })
  .extend({ tags: StudyTags, minutes: StudyMinutes })
  .partial()
  .refine(namesAChange, NOTHING_TO_CHANGE);

export const StudyItemSummary = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  kind: StudyItemKind,
  title: z.string(),
  category: StudyCategory,
  tags: z.array(z.string()),
  author: z.string().nullable(),
  summary: z.string().nullable(),
  minutes: z.number(),
  updatedAt: z.string(),
  retired: z.boolean(),
});
export type StudyItemSummary = z.infer<typeof StudyItemSummary>;
export const StudyItem = StudyItemSummary.extend({
  bodyHtml: z.string().nullable(),
  mediaUrl: z.string().nullable(),
  file: StoredFile.nullable(),
  /** An article's recorded audio (uploaded, recorded in the console, or made by speech synthesis). */
  audio: StoredFile.nullable(),
  /**
   * Speech synthesis for an article: 'making' (its audio is due), 'failed' (the provider failed every
   * attempt: record or upload one), 'partial' (the made audio covers only the beginning); null otherwise.
   */
  speech: z.enum(['making', 'failed', 'partial']).nullable().optional(),
});
export type StudyItem = z.infer<typeof StudyItem>;
/** Whether a speech synthesis provider makes the audio of articles published without one. */
export const SpeechStatus = z.object({ configured: z.boolean() });
export type SpeechStatus = z.infer<typeof SpeechStatus>;
export const StudyItemQuery = z.object({
  q: z.string().trim().max(50).optional(),
  orgId: Uuid.optional(),
  category: StudyCategory.optional(),
  kind: StudyItemKind.optional(),
  includeRetired: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  ...Page,
});
export const StudyItemList = z.object({ items: z.array(StudyItemSummary), total: z.number() });

// ---------- daily push (每日一推送) ----------
export const PushAudience = z.enum(PUSH_AUDIENCES);
export type PushAudience = z.infer<typeof PushAudience>;
export const PushStatus = z.enum(PUSH_STATUSES);
const PushMemberIds = z.array(Uuid).max(5000);
export const PushInput = z.object({
  /** The unit whose members receive it (audience 'subtree' / 'mobile'), and who owns the plan. */
  orgId: Uuid,
  title: text(200).min(1, '请填写标题'),
  plannedAt: IsoTime,
  itemIds: z.array(Uuid).min(1, '至少选择一篇学习内容').max(10),
  audience: PushAudience,
  /** audience 'list': these members (each must be inside orgId's subtree). */
  memberIds: PushMemberIds.default([]),
});
export type PushInput = z.infer<typeof PushInput>;
/** Only the fields sent change: a patch that does not mention the member list must not empty it. */
export const PushPatch = PushInput.omit({ orgId: true, memberIds: true })
  .extend({ memberIds: PushMemberIds })
  .partial()
  .refine(namesAChange, NOTHING_TO_CHANGE);
export const PushStats = z.object({ delivered: z.number(), opened: z.number(), read: z.number() });
export const PushSummary = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  title: z.string(),
  plannedAt: z.string(),
  audience: PushAudience,
  status: PushStatus,
  itemTitles: z.array(z.string()),
  stats: PushStats,
});
export type PushSummary = z.infer<typeof PushSummary>;
export const PushRecipient = z.object({
  memberId: z.string(),
  name: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  openedAt: z.string().nullable(),
  readAt: z.string().nullable(),
  remindedAt: z.string().nullable(),
});
export const PushDetail = PushSummary.extend({
  items: z.array(StudyItemSummary),
  memberIds: z.array(z.string()),
  /** Unread first, then by name. */
  recipients: z.array(PushRecipient),
});
export type PushDetail = z.infer<typeof PushDetail>;
export const PushQuery = z.object({
  orgId: Uuid.optional(),
  from: DateString.optional(),
  to: DateString.optional(),
  status: PushStatus.optional(),
  ...Page,
});
export const PushList = z.object({ items: z.array(PushSummary), total: z.number() });

/** A member's inbox entry (今日学习 and earlier). */
export const InboxEntry = z.object({
  pushId: z.string(),
  title: z.string(),
  deliveredAt: z.string(),
  openedAt: z.string().nullable(),
  readAt: z.string().nullable(),
  /** An unread push older than the reminder time: the app shows it as a reminder. */
  reminded: z.boolean(),
  items: z.array(StudyItemRef.extend({ minutes: z.number(), read: z.boolean() })),
});
export type InboxEntry = z.infer<typeof InboxEntry>;
export const Inbox = z.object({ items: z.array(InboxEntry), total: z.number(), unread: z.number() });
export const InboxQuery = z.object({ ...Page });
/** The member app's reader: the item, sanitized, and where it came from. */
export const ReadableItem = StudyItem.omit({ retired: true, orgId: true, audio: true }).extend({
  /** Minimum seconds on the page that count as read when the end is not reached. */
  minSeconds: z.number(),
  /** An article's recorded audio, for phones that cannot read Chinese aloud (GET with the session cookie). */
  audioUrl: z.string().nullable(),
});
export type ReadableItem = z.infer<typeof ReadableItem>;
export const ReadProgressBody = z.object({
  itemId: Uuid,
  seconds: z.number().int().min(0).max(86_400),
  reachedEnd: z.boolean(),
});

// ---------- classes and meetings (三会一课, 云课堂, 主题党日) ----------
export const SessionKind = z.enum(SESSION_KINDS);
export type SessionKind = z.infer<typeof SessionKind>;
export const SessionMode = z.enum(SESSION_MODES);
export const SessionStatus = z.enum(SESSION_STATUSES);
export const AttendanceStatus = z.enum(ATTENDANCE_STATUSES);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;
const LeaveStatus = z.enum(LEAVE_STATUSES);
const AttachmentKind = z.enum(ATTACHMENT_KINDS);
export const MakeupStatus = z.enum(MAKEUP_STATUSES);

export const SessionInput = z.object({
  orgId: Uuid,
  kind: SessionKind,
  title: text(200).min(1, '请填写标题'),
  startsAt: IsoTime,
  endsAt: IsoTime,
  mode: SessionMode,
  meetingUrl: HttpUrl.nullable().optional(),
  location: text(200).nullable().optional(),
  agenda: text(5000).nullable().optional(),
  replayUrl: HttpUrl.nullable().optional(),
  /** Minutes before the start that check-in opens (default 30) and after the end it closes (default 0). */
  checkinOpensBefore: z.number().int().min(0).max(1440).default(30),
  checkinClosesAfter: z.number().int().min(0).max(1440).default(0),
  /** 'subtree': every member of orgId's subtree; 'list': memberIds (inside the subtree). */
  audience: z.enum(['subtree', 'list']).default('subtree'),
  memberIds: z.array(Uuid).max(5000).default([]),
  materialIds: z.array(Uuid).max(20).default([]),
  makeupDays: z.number().int().min(1).max(365).optional(),
  makeupQuestions: z.array(text(300).min(1)).max(10).default([]),
  /** Plan the same session monthly: this many months in all, the first included (1 = once). */
  repeatMonths: z.number().int().min(1).max(12).default(1),
});
export type SessionInput = z.infer<typeof SessionInput>;
/**
 * Only the fields sent change. The defaults of SessionInput are left out here: a patch that does not
 * mention the check-in window, materials or questions must not reset them.
 */
export const SessionPatch = SessionInput.omit({
  orgId: true,
  repeatMonths: true,
  audience: true,
  memberIds: true,
  checkinOpensBefore: true,
  checkinClosesAfter: true,
  materialIds: true,
  makeupQuestions: true,
})
  .extend({
    checkinOpensBefore: z.number().int().min(0).max(1440),
    checkinClosesAfter: z.number().int().min(0).max(1440),
    materialIds: z.array(Uuid).max(20),
    makeupQuestions: z.array(text(300).min(1)).max(10),
  })
  .partial()
  .refine(namesAChange, NOTHING_TO_CHANGE);

export const AttendanceCounts = z.object({
  invited: z.number(),
  present: z.number(),
  late: z.number(),
  excused: z.number(),
  absent: z.number(),
  madeUp: z.number(),
  /** not yet marked (status 'invited') */
  pending: z.number(),
});
export const SessionSummary = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  kind: SessionKind,
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  mode: SessionMode,
  status: SessionStatus,
  seriesId: z.string().nullable(),
  counts: AttendanceCounts,
});
export type SessionSummary = z.infer<typeof SessionSummary>;
export const AttendanceRow = z.object({
  memberId: z.string(),
  name: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  voting: z.boolean(),
  status: AttendanceStatus,
  checkedInAt: z.string().nullable(),
  method: z.enum(['self', 'qr', 'marked']).nullable(),
  leaveReason: z.string().nullable(),
  leaveStatus: LeaveStatus.nullable(),
  makeup: z
    .object({
      status: MakeupStatus,
      dueOn: z.string(),
      reflection: z.string().nullable(),
      answers: z.array(z.string()).nullable(),
      submittedAt: z.string().nullable(),
      reviewNote: z.string().nullable(),
    })
    .nullable(),
});
export type AttendanceRow = z.infer<typeof AttendanceRow>;
export const Quorum = z.object({
  /** voting (full) members invited */
  voting: z.number(),
  /** voting members present or late */
  present: z.number(),
  /** more than half present */
  reached: z.boolean(),
});
export const Attachment = z.object({
  id: z.string(),
  kind: AttachmentKind,
  caption: z.string().nullable(),
  file: StoredFile,
  createdAt: z.string(),
});
/** Where a session is held and when check-in is open: the same in the secretary's and the member's view. */
const SessionPlace = {
  meetingUrl: z.string().nullable(),
  location: z.string().nullable(),
  agenda: z.string().nullable(),
  replayUrl: z.string().nullable(),
  checkinOpensAt: z.string(),
  checkinClosesAt: z.string(),
};
export const SessionDetail = SessionSummary.extend({
  ...SessionPlace,
  minutes: z.string().nullable(),
  makeupDays: z.number(),
  makeupQuestions: z.array(z.string()),
  materials: z.array(StudyItemSummary),
  attachments: z.array(Attachment),
  /** Members' meetings only. */
  quorum: Quorum.nullable(),
  attendance: z.array(AttendanceRow),
  /** Whether the caller may edit, close and review (secretary) or only mark attendance (group leader). */
  canManage: z.boolean(),
});
export type SessionDetail = z.infer<typeof SessionDetail>;
export const SessionQuery = z.object({
  orgId: Uuid.optional(),
  from: DateString.optional(),
  to: DateString.optional(),
  kind: SessionKind.optional(),
  status: SessionStatus.optional(),
  ...Page,
});
export const SessionList = z.object({ items: z.array(SessionSummary), total: z.number() });
export const CreatedSessions = z.object({ ids: z.array(z.string()), seriesId: z.string().nullable() });
/** The host's rotating check-in code; the QR encodes `url`. */
export const CheckinCode = z.object({ url: z.string(), code: z.string(), svg: z.string(), expiresAt: z.string() });
export const MarkAttendanceBody = z.object({
  memberId: Uuid,
  status: z.enum(['present', 'late', 'absent', 'excused']),
  leaveReason: text(500).optional(),
});
export const LeaveDecisionBody = z.object({ approve: z.boolean() });
export const MinutesBody = z.object({ minutes: text(50_000) });
export const AttachmentBody = z.object({ fileId: Uuid, kind: AttachmentKind, caption: text(200).nullable().optional() });
export const ReturnMakeupBody = z.object({ note: text(500).min(1, '请写明退回原因') });

/** A member's view of a session. */
export const MySession = z.object({
  id: z.string(),
  kind: SessionKind,
  title: z.string(),
  orgName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  mode: SessionMode,
  ...SessionPlace,
  sessionStatus: SessionStatus,
  myStatus: AttendanceStatus,
  checkedInAt: z.string().nullable(),
  leaveStatus: LeaveStatus.nullable(),
  canCheckIn: z.boolean(),
  materials: z.array(StudyItemRef),
  /** GET with the session cookie: an .ics the phone's calendar can add. */
  calendarUrl: z.string(),
});
export type MySession = z.infer<typeof MySession>;
export const MySessions = z.object({ upcoming: z.array(MySession), recent: z.array(MySession) });
export const CheckInBody = z.object({
  /** The code from the host's QR (method 'qr'); absent for a self check-in from the app. */
  code: z.string().trim().max(100).optional(),
});
export const LeaveRequestBody = z.object({ reason: text(500).min(2, '请写明请假原因') });

// ---------- make-up (补学) ----------
export const MyMakeup = z.object({
  sessionId: z.string(),
  sessionTitle: z.string(),
  sessionKind: SessionKind,
  sessionStartsAt: z.string(),
  missedStatus: z.enum(['absent', 'excused']),
  dueOn: z.string(),
  status: MakeupStatus,
  replayUrl: z.string().nullable(),
  materials: z.array(StudyItemRef),
  questions: z.array(z.string()),
  reflection: z.string().nullable(),
  answers: z.array(z.string()).nullable(),
  reviewNote: z.string().nullable(),
});
export type MyMakeup = z.infer<typeof MyMakeup>;
export const SubmitMakeupBody = z.object({
  reflection: text(5000).min(20, '心得至少 20 字'),
  answers: z.array(text(2000)).max(10).default([]),
});

// ---------- coverage (全覆盖、无死角) ----------
export const CoverageQuery = z.object({
  orgId: Uuid.optional(),
  from: MonthString,
  to: MonthString,
  mobile: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** members listed (gaps first) */
  ...Page,
});
/** What was invited and attended, delivered and read: counted alike for a unit and for one member. */
const LearningCounts = {
  sessionsInvited: z.number(),
  attended: z.number(),
  madeUp: z.number(),
  missed: z.number(),
  pushesDelivered: z.number(),
  pushesRead: z.number(),
};
export const CoverageNumbers = z.object({
  members: z.number(),
  ...LearningCounts,
  /** (attended + made up) / invited, 0..1; null when nothing was invited */
  attendanceRate: z.number().nullable(),
  /** read / delivered, 0..1; null when nothing was delivered */
  readRate: z.number().nullable(),
  /** members with no missed session left and every push read: 0..1 */
  fullCoverageRate: z.number().nullable(),
});
export const UnitCoverage = z.object({
  orgId: z.string(),
  orgName: z.string(),
  kind: OrgKind,
  depth: z.number(),
  all: CoverageNumbers,
  mobile: CoverageNumbers,
  local: CoverageNumbers,
});
export const MemberCoverage = z.object({
  memberId: z.string(),
  name: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  ...LearningCounts,
  readRate: z.number().nullable(),
  lastActiveAt: z.string().nullable(),
  /** missed sessions not made up, or unread pushes */
  hasGap: z.boolean(),
});
export const Coverage = z.object({
  orgId: z.string(),
  from: z.string(),
  to: z.string(),
  /** The unit itself first, then its children and their subtrees, rolled up. */
  units: z.array(UnitCoverage),
  members: z.array(MemberCoverage),
  membersTotal: z.number(),
});
export type Coverage = z.infer<typeof Coverage>;

// ---------- the member app's home: what is due today ----------
export const Today = z.object({
  date: z.string(),
  /** pushes delivered today, and older ones still unread (most recent first, at most 5) */
  pushes: z.array(InboxEntry),
  makeups: z.array(MyMakeup),
  nextSession: MySession.nullable(),
  /** sessions whose check-in window is open right now */
  checkinOpen: z.array(MySession),
  /** open care tasks the caller should act on: assigned to them or about their mentees */
  careTasks: z.number(),
  /** of those, how many are past their due day */
  careTasksOverdue: z.number(),
  /** mentors: mentees whose talk is overdue by the cadence */
  talksOverdue: z.number(),
  /** today is the anniversary of joining the party (政治生日): how many years */
  politicalBirthday: z.object({ years: z.number(), joinDate: z.string() }).nullable(),
  /** holiday cards received and not yet opened */
  unopenedCards: z.number(),
});
export type Today = z.infer<typeof Today>;
