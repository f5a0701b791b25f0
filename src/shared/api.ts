import { z } from 'zod';
import { GENDERS, LEADER_ROLES, MEMBER_STATUSES } from './enums.ts';
import { DateString, namesAChange, NOTHING_TO_CHANGE, OrgKind, Page, Uuid } from './primitives.ts';
import { OverdueQuestions } from './api-questions.ts';

/**
 * The HTTP contract shared by the server (validation + OpenAPI) and the web apps (types).
 * Dates are 'YYYY-MM-DD' strings; timestamps are ISO strings.
 */

export { DateString, OrgKind, Uuid };
export const Phone = z.string().trim().regex(/^1\d{10}$/, '手机号应为 11 位数字');

export type OrgKind = z.infer<typeof OrgKind>;
export const MemberStatus = z.enum(MEMBER_STATUSES);
export const Gender = z.enum(GENDERS);

export const ErrorBody = z.object({
  ok: z.literal(false),
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ row: z.number().optional(), field: z.string(), message: z.string() })).optional(),
});

// ---------- auth ----------
export const LoginBody = z.object({
  phone: z.string().trim().min(1).max(20),
  password: z.string().min(1).max(200),
  /** 记住这台手机: a member's session then lasts the tenant's rememberDays (never for secretaries) */
  remember: z.boolean().optional(),
});
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(8, '新密码至少 8 位').max(200),
});
export const RoleView = z.object({
  role: z.enum(LEADER_ROLES),
  orgId: z.string(),
  orgName: z.string(),
});
export const MeAccount = z.object({
  accountId: z.string(),
  displayName: z.string(),
  phone: z.string(),
  memberId: z.string().nullable(),
  isTenantAdmin: z.boolean(),
  roles: z.array(RoleView),
  isMentor: z.boolean(),
  /** the organization's rules (设置) are changed by the top unit's secretaries and the admin */
  canEditSettings: z.boolean(),
  tenantName: z.string(),
  csrfToken: z.string(),
});
export type MeAccount = z.infer<typeof MeAccount>;

// ---------- org tree and grids ----------
export const OrgNode = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: OrgKind,
  name: z.string(),
  memberCount: z.number(),
  retired: z.boolean(),
});
export type OrgNode = z.infer<typeof OrgNode>;
export const CreateOrgBody = z.object({ parentId: Uuid, kind: OrgKind, name: z.string().trim().min(1).max(100) });
export const RenameOrgBody = z.object({ name: z.string().trim().min(1).max(100) });
export const MoveOrgBody = z.object({ newParentId: Uuid });
export const Grid = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  leaderMemberId: z.string().nullable(),
  leaderName: z.string().nullable(),
  memberCount: z.number(),
  /** 户数: households in the grid */
  households: z.number().nullable(),
  description: z.string().nullable(),
});
const GridHouseholds = z.number().int().min(0).max(1_000_000);
const GridDescription = z.string().trim().max(500);
export const CreateGridBody = z.object({
  orgId: Uuid,
  name: z.string().trim().min(1).max(100),
  leaderMemberId: Uuid.nullable().optional(),
  households: GridHouseholds.nullable().optional(),
  description: GridDescription.nullable().optional(),
});
export const UpdateGridBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  leaderMemberId: Uuid.nullable().optional(),
  households: GridHouseholds.nullable().optional(),
  description: GridDescription.nullable().optional(),
});

// ---------- members ----------
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const MemberListQuery = z.object({
  q: z.string().trim().max(50).optional(),
  orgId: Uuid.optional(),
  status: MemberStatus.optional(),
  mobile: boolQuery.optional(),
  province: z.string().regex(/^\d{2}$/).optional(),
  city: z.string().regex(/^\d{4}$/).optional(),
  lostContact: boolQuery.optional(),
  shouldTransfer: boolQuery.optional(),
  /** Only members suspected lost (no contact for the configured days) and not yet confirmed. */
  lostContactSuspected: boolQuery.optional(),
  /** Only mobile members without a mentor. */
  withoutMentor: boolQuery.optional(),
  ...Page,
});
export type MemberListQuery = z.input<typeof MemberListQuery>;
export type MemberListParams = z.output<typeof MemberListQuery>;

export const MemberListItem = z.object({
  id: z.string(),
  name: z.string(),
  gender: Gender,
  phone: z.string(),
  status: MemberStatus,
  orgId: z.string(),
  orgName: z.string(),
  mobile: z.boolean(),
  placeName: z.string().nullable(),
  mobileSince: z.string().nullable(),
  lostContactSince: z.string().nullable(),
  shouldTransfer: z.boolean(),
  lostContactSuspected: z.boolean(),
});
export type MemberListItem = z.infer<typeof MemberListItem>;
export const MemberList = z.object({ items: z.array(MemberListItem), total: z.number() });

export const Mobility = z.object({
  id: z.string(),
  provinceCode: z.string(),
  cityCode: z.string().nullable(),
  districtCode: z.string().nullable(),
  placeName: z.string(),
  workplace: z.string().nullable(),
  occupation: z.string().nullable(),
  since: z.string(),
  expectedReturn: z.string().nullable(),
  contact: z.string().nullable(),
  hostOrg: z.string().nullable(),
  activityCardNo: z.string().nullable(),
  endedOn: z.string().nullable(),
  endReason: z.enum(['moved', 'returned']).nullable(),
});
export type Mobility = z.infer<typeof Mobility>;

export const MemberDetail = z.object({
  id: z.string(),
  name: z.string(),
  gender: Gender,
  birthDate: z.string().nullable(),
  ethnicity: z.string().nullable(),
  education: z.string().nullable(),
  phone: z.string(),
  idNumberMasked: z.string().nullable(),
  joinDate: z.string().nullable(),
  status: MemberStatus,
  orgId: z.string(),
  orgName: z.string(),
  orgPath: z.array(z.object({ id: z.string(), name: z.string(), kind: OrgKind })),
  gridId: z.string().nullable(),
  gridName: z.string().nullable(),
  homeAddress: z.string().nullable(),
  occupation: z.string().nullable(),
  /** null when the viewer may not see it: only the member, their mentor and the secretaries above them. */
  hardshipNote: z.string().nullable(),
  mentor: z.object({ memberId: z.string(), name: z.string(), phone: z.string() }).nullable(),
  mentees: z.array(z.object({ memberId: z.string(), name: z.string(), phone: z.string() })),
  mobility: Mobility.nullable(),
  mobilityHistory: z.array(Mobility),
  lastContactAt: z.string().nullable(),
  lostContactSince: z.string().nullable(),
  lostContactSuspected: z.boolean(),
  shouldTransfer: z.boolean(),
  /** What the viewer may do: the UI hides what the server would refuse. */
  can: z.object({
    edit: z.boolean(),
    revealId: z.boolean(),
    editMobility: z.boolean(),
    /** read the member's care records (talks, tasks, engagement, timeline, visits): their mentor and secretaries */
    care: z.boolean(),
  }),
  /** Whether the member can sign in to the member app (null when the viewer may not know). */
  hasLogin: z.boolean().nullable(),
  /** 长辈模式 as the secretary set it for the member app (the member's own choice on the phone wins). */
  elderMode: z.boolean(),
});
export type MemberDetail = z.infer<typeof MemberDetail>;

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
export const MemberInput = z.object({
  name: z.string().trim().min(1, '姓名必填').max(50),
  gender: Gender,
  birthDate: DateString.nullable().optional(),
  ethnicity: optionalText(20),
  education: optionalText(20),
  phone: Phone,
  idNumber: z.string().trim().max(18).nullable().optional(),
  joinDate: DateString.nullable().optional(),
  status: MemberStatus,
  orgId: Uuid,
  gridId: Uuid.nullable().optional(),
  homeAddress: optionalText(200),
  occupation: optionalText(50),
  hardshipNote: optionalText(500),
});
export type MemberInput = z.infer<typeof MemberInput>;
export const MemberPatch = MemberInput.partial().refine(namesAChange, NOTHING_TO_CHANGE);

export const MobilityInput = z.object({
  provinceCode: z.string().regex(/^\d{2}$/, '请选择省份'),
  cityCode: z.string().regex(/^\d{4}$/).nullable().optional(),
  // 6 digits for a district; 9 for the towns of the cities without districts (东莞, 中山, 儋州…).
  districtCode: z.string().regex(/^\d{6}(\d{3})?$/).nullable().optional(),
  workplace: optionalText(100),
  occupation: optionalText(50),
  since: DateString,
  expectedReturn: DateString.nullable().optional(),
  contact: optionalText(50),
  hostOrg: optionalText(100),
  activityCardNo: optionalText(50),
});
export type MobilityInput = z.infer<typeof MobilityInput>;
export const ReturnBody = z.object({ returnedOn: DateString });
export const ContactBody = z.object({ contactedOn: DateString });
export const MentorBody = z.object({ mentorMemberId: Uuid.nullable() });
export const RevealedId = z.object({ idNumber: z.string().nullable() });
export const IssuedLogin = z.object({ phone: z.string(), initialPassword: z.string(), created: z.boolean() });
export type IssuedLogin = z.infer<typeof IssuedLogin>;

// ---------- member app ----------
export const MyProfile = z.object({
  member: MemberDetail,
  branch: z.object({ id: z.string(), name: z.string() }).nullable(),
  group: z.object({ id: z.string(), name: z.string() }).nullable(),
  secretary: z.object({ name: z.string(), phone: z.string() }).nullable(),
  /** 长辈模式 as the secretary set it; the phone's own choice wins over it. */
  elderMode: z.boolean(),
});

// ---------- dashboard ----------
export const Dashboard = z.object({
  totals: z.object({
    members: z.number(),
    full: z.number(),
    probationary: z.number(),
    mobile: z.number(),
    lostContact: z.number(),
    lostContactSuspected: z.number(),
    shouldTransfer: z.number(),
    mobileWithoutMentor: z.number(),
  }),
  byProvince: z.array(z.object({ code: z.string(), name: z.string(), count: z.number() })),
  byCity: z.array(z.object({ code: z.string(), name: z.string(), count: z.number() })),
  byUnit: z.array(z.object({ orgId: z.string(), name: z.string(), count: z.number(), mobile: z.number() })),
  /** 党内关怀 of the subtree: members whose talk is overdue or never happened (talks/repo.ts overdueTalkCondition), overdue follow-up tasks, posted cards not yet sent */
  care: z.object({ talksOverdue: z.number(), tasksOverdue: z.number(), cardsToPost: z.number() }),
  /** 有问必答: open questions past their due day, asked in the subtree (questions/repo.ts overdueSql), the oldest few */
  questions: OverdueQuestions,
});
export type Dashboard = z.infer<typeof Dashboard>;

// ---------- audit ----------
export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  /** the name the actor had when acting; null for the system's own work */
  actorName: z.string().nullable(),
  actorAccountId: z.string().nullable(),
  /** the actor's login phone with the middle four digits masked (138****0009); null for the system or a removed login */
  actorPhone: z.string().nullable(),
  /** the action code (member.update): the console turns it into words, filters use it */
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  /** what a person calls the entity (a member's or unit's name, a title); null when it is unknown or gone */
  entityName: z.string().nullable(),
  /** values of sensitive fields (hardship notes) are replaced by AUDIT_HIDDEN: the change is shown, not the text */
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});
export { AUDIT_HIDDEN } from './audit.ts';
export const AuditQuery = z.object({
  entity: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  /** one action code, exactly (member.update) */
  action: z.string().max(60).optional(),
  /** part of the actor's name, or their whole login phone */
  actor: z.string().max(50).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

// ---------- import ----------
export const ImportJob = z.object({
  id: z.string(),
  /** 'queued': waiting for the organization's import before it (one runs at a time) */
  state: z.enum(['queued', 'running', 'failed', 'done']),
  phase: z.enum(['reading', 'validating', 'writing', 'finished']),
  processed: z.number(),
  total: z.number(),
  imported: z.number(),
  issues: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })),
  message: z.string().nullable(),
  /** while queued: imports of the organization ahead of this one, the running one included */
  queuePosition: z.number().nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

// ---------- unit leaders (secretaries, group leaders) ----------
export const LeaderRole = z.enum(LEADER_ROLES);
export const UnitLeader = z.object({
  id: z.string(),
  role: LeaderRole,
  memberId: z.string().nullable(),
  name: z.string(),
  phone: z.string(),
});
export type UnitLeader = z.infer<typeof UnitLeader>;
export const AppointBody = z.object({ memberId: Uuid, role: LeaderRole });
export * from './api-learning.ts';
export * from './api-care.ts';
