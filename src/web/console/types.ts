import type { z } from 'zod';
import type {
  AuditEntry as AuditEntrySchema,
  Dashboard as DashboardSchema,
  Grid as GridSchema,
  ImportJob as ImportJobSchema,
  MeAccount as MeAccountSchema,
  MemberDetail as MemberDetailSchema,
  MemberInput as MemberInputSchema,
  MemberList as MemberListSchema,
  MemberListItem as MemberListItemSchema,
  MemberPatch as MemberPatchSchema,
  MobilityInput as MobilityInputSchema,
  Mobility as MobilitySchema,
  OrgNode as OrgNodeSchema,
  OrgKind as OrgKindSchema,
  RevealedId as RevealedIdSchema,
  IssuedLogin as IssuedLoginSchema,
  UnitLeader as UnitLeaderSchema,
  CreateOrgBody as CreateOrgBodySchema,
  CreateGridBody as CreateGridBodySchema,
  UpdateGridBody as UpdateGridBodySchema,
} from '../../shared/api.ts';
import type {
  Attachment as AttachmentSchema,
  AttendanceRow as AttendanceRowSchema,
  AttendanceStatus as AttendanceStatusSchema,
  CareTask as CareTaskSchema,
  CareTaskKind as CareTaskKindSchema,
  CareTaskList as CareTaskListSchema,
  CareTaskStatus as CareTaskStatusSchema,
  CheckinCode as CheckinCodeSchema,
  Coverage as CoverageSchema,
  CoverageNumbers as CoverageNumbersSchema,
  CreatedSessions as CreatedSessionsSchema,
  MemberCoverage as MemberCoverageSchema,
  PushDetail as PushDetailSchema,
  PushInput as PushInputSchema,
  PushList as PushListSchema,
  PushPatch as PushPatchSchema,
  PushRecipient as PushRecipientSchema,
  PushStatus as PushStatusSchema,
  PushSummary as PushSummarySchema,
  SessionDetail as SessionDetailSchema,
  SessionInput as SessionInputSchema,
  SessionKind as SessionKindSchema,
  SessionList as SessionListSchema,
  SessionMode as SessionModeSchema,
  SessionPatch as SessionPatchSchema,
  SessionStatus as SessionStatusSchema,
  SessionSummary as SessionSummarySchema,
  StoredFile as StoredFileSchema,
  StudyCategory as StudyCategorySchema,
  StudyItem as StudyItemSchema,
  StudyItemInput as StudyItemInputSchema,
  StudyItemKind as StudyItemKindSchema,
  StudyItemList as StudyItemListSchema,
  StudyItemPatch as StudyItemPatchSchema,
  StudyItemSummary as StudyItemSummarySchema,
  UnitCoverage as UnitCoverageSchema,
  UpdateCareTaskBody as UpdateCareTaskBodySchema,
} from '../../shared/api.ts';
import type * as CareApi from '../../shared/api-care.ts';

/** Types of the HTTP contract, inferred from the shared zod schemas (types only: no zod in the bundle). */
export type MeAccount = z.infer<typeof MeAccountSchema>;
export type OrgNode = z.infer<typeof OrgNodeSchema>;
export type OrgKind = z.infer<typeof OrgKindSchema>;
export type Grid = z.infer<typeof GridSchema>;
export type MemberList = z.infer<typeof MemberListSchema>;
export type MemberListItem = z.infer<typeof MemberListItemSchema>;
export type MemberDetail = z.infer<typeof MemberDetailSchema>;
export type MemberInput = z.input<typeof MemberInputSchema>;
export type MemberPatch = z.input<typeof MemberPatchSchema>;
export type Mobility = z.infer<typeof MobilitySchema>;
export type MobilityInput = z.input<typeof MobilityInputSchema>;
export type RevealedId = z.infer<typeof RevealedIdSchema>;
export type IssuedLogin = z.infer<typeof IssuedLoginSchema>;
export type UnitLeader = z.infer<typeof UnitLeaderSchema>;
export type Dashboard = z.infer<typeof DashboardSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type ImportJob = z.infer<typeof ImportJobSchema>;
export type CreateOrgBody = z.input<typeof CreateOrgBodySchema>;
export type CreateGridBody = z.input<typeof CreateGridBodySchema>;
export type UpdateGridBody = z.input<typeof UpdateGridBodySchema>;
export type MemberStatus = MemberListItem['status'];
export type Gender = MemberListItem['gender'];

// ---------- learning (不缺课、不漏学) ----------
export type StoredFile = z.infer<typeof StoredFileSchema>;
export type StudyItemKind = z.infer<typeof StudyItemKindSchema>;
export type StudyCategory = z.infer<typeof StudyCategorySchema>;
export type StudyItemSummary = z.infer<typeof StudyItemSummarySchema>;
export type StudyItem = z.infer<typeof StudyItemSchema>;
export type StudyItemList = z.infer<typeof StudyItemListSchema>;
export type StudyItemInput = z.input<typeof StudyItemInputSchema>;
export type StudyItemPatch = z.input<typeof StudyItemPatchSchema>;
export type PushStatus = z.infer<typeof PushStatusSchema>;
export type PushSummary = z.infer<typeof PushSummarySchema>;
export type PushRecipient = z.infer<typeof PushRecipientSchema>;
export type PushDetail = z.infer<typeof PushDetailSchema>;
export type PushList = z.infer<typeof PushListSchema>;
export type PushInput = z.input<typeof PushInputSchema>;
export type PushPatch = z.input<typeof PushPatchSchema>;
export type SessionKind = z.infer<typeof SessionKindSchema>;
export type SessionMode = z.infer<typeof SessionModeSchema>;
export type SessionStatus = z.infer<typeof SessionStatusSchema>;
export type AttendanceStatus = z.infer<typeof AttendanceStatusSchema>;
export type SessionSummary = z.infer<typeof SessionSummarySchema>;
export type SessionDetail = z.infer<typeof SessionDetailSchema>;
export type SessionList = z.infer<typeof SessionListSchema>;
export type SessionInput = z.input<typeof SessionInputSchema>;
export type SessionPatch = z.input<typeof SessionPatchSchema>;
export type CreatedSessions = z.infer<typeof CreatedSessionsSchema>;
export type AttendanceRow = z.infer<typeof AttendanceRowSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type CheckinCode = z.infer<typeof CheckinCodeSchema>;
export type Coverage = z.infer<typeof CoverageSchema>;
export type CoverageNumbers = z.infer<typeof CoverageNumbersSchema>;
export type UnitCoverage = z.infer<typeof UnitCoverageSchema>;
export type MemberCoverage = z.infer<typeof MemberCoverageSchema>;
export type CareTask = z.infer<typeof CareTaskSchema>;
export type CareTaskKind = z.infer<typeof CareTaskKindSchema>;
export type CareTaskStatus = z.infer<typeof CareTaskStatusSchema>;
export type CareTaskList = z.infer<typeof CareTaskListSchema>;
export type UpdateCareTaskBody = z.input<typeof UpdateCareTaskBodySchema>;

// ---------- care (流动不流失): mentors, talks, care tasks, drift radar, timeline ----------
export type TalkChannel = z.infer<typeof CareApi.TalkChannel>;
export type Talk = z.infer<typeof CareApi.Talk>;
export type TalkInput = z.input<typeof CareApi.TalkInput>;
export type TalkList = z.infer<typeof CareApi.TalkList>;
export type TalkDue = z.infer<typeof CareApi.TalkDue>;
export type MentoringRow = z.infer<typeof CareApi.MentoringRow>;
export type MentoringList = z.infer<typeof CareApi.MentoringList>;
export type MentorshipHistory = z.infer<typeof CareApi.MentorshipHistory>;
export type CareTaskDetail = z.infer<typeof CareApi.CareTaskDetail>;
export type CareTaskEvent = z.infer<typeof CareApi.CareTaskEvent>;
export type CareTaskEventKind = z.infer<typeof CareApi.CareTaskEventKind>;
export type CreateCareTaskBody = z.input<typeof CareApi.CreateCareTaskBody>;
export type CareTaskPatch = z.input<typeof CareApi.CareTaskPatch>;
export type DriftReasonKind = z.infer<typeof CareApi.DriftReasonKind>;
export type DriftReason = z.infer<typeof CareApi.DriftReason>;
export type DriftRow = z.infer<typeof CareApi.DriftRow>;
export type DriftList = z.infer<typeof CareApi.DriftList>;
export type EngagementMonth = z.infer<typeof CareApi.EngagementMonth>;
export type Engagement = z.infer<typeof CareApi.Engagement>;
export type TimelineKind = z.infer<typeof CareApi.TimelineKind>;
export type TimelineEvent = z.infer<typeof CareApi.TimelineEvent>;
export type Timeline = z.infer<typeof CareApi.Timeline>;
export type MemberDelivery = z.infer<typeof CareApi.MemberDelivery>;

// ---------- outreach (千里送学, 节日贺卡, 网格连心卡, 政治生日) ----------
type OutreachContract = typeof import('../../shared/api-care.ts');
export type Delivery = z.infer<OutreachContract['Delivery']>;
export type DeliveryInput = z.input<OutreachContract['DeliveryInput']>;
export type DeliveryPatch = z.input<OutreachContract['DeliveryPatch']>;
export type DeliveryList = z.infer<OutreachContract['DeliveryList']>;
export type DeliveryListItem = DeliveryList['items'][number];
export type DeliveryCity = DeliveryList['byCity'][number];
export type CardOccasion = z.infer<OutreachContract['CardOccasion']>;
export type CardChannel = z.infer<OutreachContract['CardChannel']>;
export type CardPostStatus = z.infer<OutreachContract['CardPostStatus']>;
export type CampaignInput = z.input<OutreachContract['CampaignInput']>;
export type CampaignSummary = z.infer<OutreachContract['CampaignSummary']>;
export type CampaignList = z.infer<OutreachContract['CampaignList']>;
export type CampaignDetail = z.infer<OutreachContract['CampaignDetail']>;
export type CardRow = z.infer<OutreachContract['CardRow']>;
export type CardPatch = z.input<OutreachContract['CardPatch']>;
export type CardsBulkPatch = z.input<OutreachContract['CardsBulkPatch']>;
export type ContactCard = z.infer<OutreachContract['ContactCard']>;
export type ContactCards = z.infer<OutreachContract['ContactCards']>;
export type Birthday = z.infer<OutreachContract['Birthday']>;
export type BirthdayList = z.infer<OutreachContract['BirthdayList']>;

// ---------- rules, audit log, dashboard, regions ----------
type AdminContract = typeof import('../../shared/api-admin.ts');
export type Settings = z.infer<AdminContract['TenantSettings']>;
export type SettingsPatch = z.input<AdminContract['TenantSettingsPatch']>;
export type AuditPage = z.infer<AdminContract['AuditList']>;
export type DashboardView = z.infer<AdminContract['DashboardView']>;
export type Regions = z.infer<AdminContract['Regions']>;
export type RegionProvince = Regions['provinces'][number];
export type RegionCity = NonNullable<RegionProvince['children']>[number];
export type RegionDistrict = NonNullable<RegionCity['children']>[number];

/** A list answer that is not paged. */
export interface Items<T> {
  items: T[];
}
