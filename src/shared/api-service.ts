import { z } from 'zod';
import { SERVICE_LOG_MAX_DAYS_BACK, SERVICE_LOG_MINUTES_MAX, SERVICE_LOG_PHOTOS_MAX, SERVICE_PROJECT_STATUSES } from './enums.ts';
import { DateString, MonthString as Month, Uuid } from './primitives.ts';

/**
 * 志愿服务: service projects of a unit (maybe run by a volunteer team) with tasks members sign up for
 * (some remote: a call, a video visit, a job lead a member in another city can do from there), a
 * waiting list when a task is full, and the service logs members write with photos and whom they
 * served. The phone calls it under /api/me/service (and /api/me/teams/:id/logs); the console under
 * /api/service. Dates 'YYYY-MM-DD' (China days); times ISO strings; durations whole minutes.
 *
 * A person looked after (服务对象) appears in a log only as `recipient: { id, label }`, and only to
 * the team's members and leader, the secretaries above the team's unit and the tenant admin;
 * anyone else gets `recipient: null`.
 */

export { SERVICE_LOG_MAX_DAYS_BACK, SERVICE_LOG_MINUTES_MAX, SERVICE_LOG_PHOTOS_MAX };

export const ServiceProjectStatus = z.enum(SERVICE_PROJECT_STATUSES);
export type ServiceProjectStatus = z.infer<typeof ServiceProjectStatus>;

const Named = z.object({ id: Uuid, name: z.string() });
const Titled = z.object({ id: Uuid, title: z.string() });

/** Minutes served in the China month and year of today. */
export const ServiceHours = z.object({ monthMinutes: z.number().int(), yearMinutes: z.number().int() });
export type ServiceHours = z.infer<typeof ServiceHours>;

// ---------- the member's phone ----------
export const MyServiceProject = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  place: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  status: ServiceProjectStatus,
  org: Named,
  team: Named.nullable(),
  /** some task of it can be done from another city (远程) */
  remote: z.boolean(),
  /** places left over all its tasks */
  placesLeft: z.number().int(),
});
export type MyServiceProject = z.infer<typeof MyServiceProject>;

export const SignupStatus = z.enum(['confirmed', 'waiting']);
export type SignupStatus = z.infer<typeof SignupStatus>;

export const MySignup = z.object({
  signupId: Uuid,
  status: SignupStatus,
  /** 候补第 N 位 (1 = next to move up); null when confirmed */
  position: z.number().int().nullable(),
  task: z.object({ id: Uuid, title: z.string(), remote: z.boolean() }),
  project: z.object({ id: Uuid, title: z.string(), place: z.string(), startsOn: z.string(), endsOn: z.string() }),
  createdAt: z.string(),
});
export type MySignup = z.infer<typeof MySignup>;

export const MyService = z.object({
  /** open projects of the member's unit path and of their teams, newest first */
  projects: z.array(MyServiceProject),
  /** the member's active sign-ups on projects not ended */
  signups: z.array(MySignup),
  hours: ServiceHours,
});
export type MyService = z.infer<typeof MyService>;

export const MyServiceTask = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  remote: z.boolean(),
  capacity: z.number().int(),
  confirmed: z.number().int(),
  waiting: z.number().int(),
  mine: z
    .object({ signupId: Uuid, status: SignupStatus, position: z.number().int().nullable() })
    .nullable(),
});
export type MyServiceTask = z.infer<typeof MyServiceTask>;

export const MyServiceProjectDetail = MyServiceProject.extend({ tasks: z.array(MyServiceTask) });
export type MyServiceProjectDetail = z.infer<typeof MyServiceProjectDetail>;

export const SignupResult = z.object({
  signupId: Uuid,
  status: SignupStatus,
  position: z.number().int().nullable(),
});
export type SignupResult = z.infer<typeof SignupResult>;

export const CancelSignupResult = z.object({ cancelled: z.literal(true), promoted: z.boolean() });
export type CancelSignupResult = z.infer<typeof CancelSignupResult>;

/**
 * A service log from the phone. Either a project (and maybe one of its tasks) or a team, or both
 * when the project is the team's; `recipientId` is a person the log's team looks after.
 * `servedOn` is a China day, not in the future and at most SERVICE_LOG_MAX_DAYS_BACK days back.
 */
export const ServiceLogInput = z.object({
  projectId: Uuid.nullish().transform((v) => v ?? null),
  taskId: Uuid.nullish().transform((v) => v ?? null),
  teamId: Uuid.nullish().transform((v) => v ?? null),
  recipientId: Uuid.nullish().transform((v) => v ?? null),
  servedOn: DateString,
  minutes: z
    .number({ error: '服务时长应为分钟数' })
    .int('服务时长应为整分钟')
    .min(1, '服务时长至少 1 分钟')
    .max(SERVICE_LOG_MINUTES_MAX, `服务时长不能超过 ${SERVICE_LOG_MINUTES_MAX} 分钟`),
  remote: z.boolean().default(false),
  what: z.string().trim().min(1, '请填写服务内容').max(1000, '服务内容不能超过 1000 字'),
  photoFileIds: z.array(Uuid).max(SERVICE_LOG_PHOTOS_MAX, `照片最多 ${SERVICE_LOG_PHOTOS_MAX} 张`).default([]),
});
export type ServiceLogInput = z.input<typeof ServiceLogInput>;

export const ServiceLog = z.object({
  id: Uuid,
  member: z.object({ memberId: Uuid, name: z.string() }),
  project: Titled.nullable(),
  task: Titled.nullable(),
  team: Named.nullable(),
  /** only for the team's members and leader, the secretaries above and the tenant admin */
  recipient: z.object({ id: Uuid, label: z.string() }).nullable(),
  servedOn: z.string(),
  minutes: z.number().int(),
  remote: z.boolean(),
  what: z.string(),
  photos: z.array(z.object({ fileId: Uuid, url: z.string() })),
  createdAt: z.string(),
});
export type ServiceLog = z.infer<typeof ServiceLog>;

export const MyServiceLogQuery = z.object({ cursor: z.string().max(200).optional() });
export type MyServiceLogQuery = z.input<typeof MyServiceLogQuery>;
export const ServiceLogPage = z.object({ items: z.array(ServiceLog), nextCursor: z.string().nullable() });
export type ServiceLogPage = z.infer<typeof ServiceLogPage>;

/** A team's recent logs (its members and leader) and its minutes this month and year. */
export const TeamServiceLogs = z.object({ items: z.array(ServiceLog), hours: ServiceHours });
export type TeamServiceLogs = z.infer<typeof TeamServiceLogs>;

// ---------- the console ----------
export const ServiceTask = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  remote: z.boolean(),
  capacity: z.number().int(),
  confirmed: z.number().int(),
  waiting: z.number().int(),
});
export type ServiceTask = z.infer<typeof ServiceTask>;

export const ServiceProject = z.object({
  id: Uuid,
  org: Named,
  team: Named.nullable(),
  grid: Named.nullable(),
  title: z.string(),
  description: z.string(),
  place: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  status: ServiceProjectStatus,
  tasks: z.array(ServiceTask),
  /** minutes of its (non-voided) logs */
  minutes: z.number().int(),
  updatedAt: z.string(),
});
export type ServiceProject = z.infer<typeof ServiceProject>;

export const ServiceProjectQuery = z.object({
  orgId: Uuid.optional(),
  status: ServiceProjectStatus.optional(),
});
export type ServiceProjectQuery = z.input<typeof ServiceProjectQuery>;
export const ServiceProjectList = z.object({ items: z.array(ServiceProject) });
export type ServiceProjectList = z.infer<typeof ServiceProjectList>;

export const ServiceTaskInput = z.object({
  /** an existing task of the project; absent for a new one */
  id: Uuid.optional(),
  title: z.string().trim().min(1, '请填写任务名称').max(100, '任务名称不能超过 100 字'),
  description: z.string().trim().max(1000, '任务说明不能超过 1000 字').default(''),
  remote: z.boolean().default(false),
  capacity: z.number({ error: '名额应为整数' }).int('名额应为整数').min(1, '名额至少 1 人').max(1000, '名额不能超过 1000 人'),
});
export type ServiceTaskInput = z.input<typeof ServiceTaskInput>;

const projectFields = {
  title: z.string().trim().min(1, '请填写项目名称').max(100, '项目名称不能超过 100 字'),
  description: z.string().trim().max(2000, '项目说明不能超过 2000 字').default(''),
  place: z.string().trim().max(200, '地点不能超过 200 字').default(''),
  startsOn: DateString,
  endsOn: DateString,
};

export const ServiceProjectInput = z.object({
  orgId: Uuid,
  /** a volunteer team of the unit's subtree that runs it (its leader may then manage it) */
  teamId: Uuid.nullish().transform((v) => v ?? null),
  ...projectFields,
  tasks: z.array(ServiceTaskInput).min(1, '请至少添加一个任务').max(50, '任务不能超过 50 个'),
});
export type ServiceProjectInput = z.input<typeof ServiceProjectInput>;

/**
 * An edit of a project; `tasks` (when given) is the whole list: tasks left out are retired (their
 * sign-ups stay for the record), a capacity may not go below the confirmed sign-ups.
 * `updatedAt` is the version the editor read: changed meanwhile → 409.
 */
export const ServiceProjectPatch = z.object({
  updatedAt: z.string().min(1),
  title: projectFields.title.optional(),
  description: z.string().trim().max(2000, '项目说明不能超过 2000 字').optional(),
  place: z.string().trim().max(200, '地点不能超过 200 字').optional(),
  startsOn: DateString.optional(),
  endsOn: DateString.optional(),
  status: ServiceProjectStatus.optional(),
  tasks: z.array(ServiceTaskInput).min(1, '请至少添加一个任务').max(50, '任务不能超过 50 个').optional(),
});
export type ServiceProjectPatch = z.input<typeof ServiceProjectPatch>;

export const ServiceSignupRow = z.object({
  signupId: Uuid,
  member: z.object({ memberId: Uuid, name: z.string(), orgName: z.string() }),
  status: SignupStatus,
  position: z.number().int().nullable(),
  createdAt: z.string(),
});
export type ServiceSignupRow = z.infer<typeof ServiceSignupRow>;
export const ServiceSignupList = z.object({ task: ServiceTask, items: z.array(ServiceSignupRow) });
export type ServiceSignupList = z.infer<typeof ServiceSignupList>;

/** A log as the console lists it: where the member was and whether it was voided. */
export const ConsoleServiceLog = ServiceLog.extend({
  org: Named,
  grid: Named.nullable(),
  voided: z.object({ reason: z.string(), at: z.string() }).nullable(),
});
export type ConsoleServiceLog = z.infer<typeof ConsoleServiceLog>;

export const ServiceLogQuery = z.object({
  /** logs of members of this unit's subtree; the caller's whole scope when absent */
  orgId: Uuid.optional(),
  month: Month.optional(),
  teamId: Uuid.optional(),
  gridId: Uuid.optional(),
  memberId: Uuid.optional(),
  includeVoided: z.enum(['true', 'false']).default('true'),
  cursor: z.string().max(200).optional(),
});
export type ServiceLogQuery = z.input<typeof ServiceLogQuery>;
export const ConsoleServiceLogPage = z.object({ items: z.array(ConsoleServiceLog), nextCursor: z.string().nullable() });
export type ConsoleServiceLogPage = z.infer<typeof ConsoleServiceLogPage>;

export const VoidLogInput = z.object({
  reason: z.string().trim().min(1, '请填写作废原因').max(500, '作废原因不能超过 500 字'),
});
export type VoidLogInput = z.input<typeof VoidLogInput>;

/** 服务时长: a unit's minutes in a year, or one month of it. */
export const ServiceHoursQuery = z.object({
  orgId: Uuid.optional(),
  year: z.coerce.number({ error: '年份应为整数' }).int('年份应为整数').min(2000, '年份应在 2000 年至 2100 年之间').max(2100, '年份应在 2000 年至 2100 年之间'),
  /** 1–12; the whole year when absent */
  month: z.coerce.number({ error: '月份应为 1–12' }).int('月份应为 1–12').min(1, '月份应为 1–12').max(12, '月份应为 1–12').optional(),
});
export type ServiceHoursQuery = z.input<typeof ServiceHoursQuery>;

export const ServiceHoursReport = z.object({
  org: Named,
  year: z.number().int(),
  month: z.number().int().nullable(),
  totalMinutes: z.number().int(),
  /** minutes of logs on a grid (a grid's project or team); `gridId` null: no grid */
  byGrid: z.array(z.object({ gridId: Uuid.nullable(), name: z.string(), minutes: z.number().int(), logs: z.number().int() })),
  byTeam: z.array(z.object({ teamId: Uuid.nullable(), name: z.string(), minutes: z.number().int(), logs: z.number().int() })),
  byMember: z.array(
    z.object({ memberId: Uuid, name: z.string(), orgName: z.string(), minutes: z.number().int(), logs: z.number().int() }),
  ),
  /** the year's months 'YYYY-MM' (or the one month) */
  byMonth: z.array(z.object({ month: z.string(), minutes: z.number().int() })),
});
export type ServiceHoursReport = z.infer<typeof ServiceHoursReport>;

/** The minutes of each unit right under `orgId` (a county's towns), by month of a year. */
export const ServiceUnitHoursQuery = z.object({ orgId: Uuid.optional(), year: ServiceHoursQuery.shape.year });
export type ServiceUnitHoursQuery = z.input<typeof ServiceUnitHoursQuery>;
export const ServiceUnitHours = z.object({
  org: Named,
  year: z.number().int(),
  items: z.array(z.object({ orgId: Uuid, name: z.string(), month: z.string(), minutes: z.number().int() })),
});
export type ServiceUnitHours = z.infer<typeof ServiceUnitHours>;
