import type { z } from 'zod';
import type { Database, Tx } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { addDays, lastDayOfMonth } from '../../../shared/china-time.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { listSubtrees } from '../../directory/index.ts';
import {
  SERVICE_LOG_MAX_DAYS_BACK,
  type ConsoleServiceLog,
  type ConsoleServiceLogPage,
  type MyServiceLogQuery,
  type ServiceLog,
  type ServiceLogInput,
  type ServiceLogPage,
  type ServiceLogQuery,
  type TeamServiceLogs,
  type VoidLogInput,
} from '../../../shared/api-service.ts';
import { filesToAttach } from '../files/index.ts';
import { getTeamAccess, requireRecipientOfTeam, type TeamAccess } from '../teams/index.ts';
import { currentMember, findProject, type ProjectRow } from './access.ts';
import { afterCursor, consoleLogViews, decodeCursor, encodeCursor, logQuery, logViews, type LogRow } from './repo.ts';
import { teamHours } from './hours.ts';

/**
 * Service logs (服务记录): a member writes what they did, when, how long, for which project or team,
 * for whom (a person the team looks after), with photos. Secretaries above the member's unit list
 * them and void a wrong one with a reason; voided logs count nowhere.
 */

type Input = z.output<typeof ServiceLogInput>;
const PAGE = 30;

function fail(issues: FieldIssue[], code: 'validation_failed' | 'forbidden' | 'conflict' = 'validation_failed'): never {
  throw new AppError(code, issues.map((i) => i.message).join('；'), issues);
}

/** Photos: the member's own uploads, images only. */
async function checkPhotos(tx: Tx, ctx: RequestContext, photoFileIds: string[]): Promise<void> {
  const refs = photoFileIds.map((fileId, i) => ({ fileId, field: `photoFileIds.${i}` }));
  const { found } = await filesToAttach(tx, ctx, refs);
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [i, fileId] of photoFileIds.entries()) {
    const field = 'photoFileIds';
    const file = found.get(fileId);
    if (!file) issues.push({ field, message: `第 ${i + 1} 张照片的文件不存在，请重新上传` });
    else if (seen.has(fileId)) issues.push({ field, message: `第 ${i + 1} 张照片重复了` });
    else if (file.created_by !== ctx.actor.accountId) issues.push({ field, message: `第 ${i + 1} 张照片不是你上传的：只能使用自己上传的照片` });
    else if (!file.mime_type.startsWith('image/')) issues.push({ field, message: `第 ${i + 1} 张照片「${file.file_name}」不是图片：照片只能是 jpg、png、webp 或 gif 格式` });
    seen.add(fileId);
  }
  if (issues.length) fail(issues);
}

/** A member logs a service. Everything is checked inside the transaction; nothing is written on a refusal. */
export async function createLog(db: Database, ctx: RequestContext, input: Input): Promise<ServiceLog> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  const today = shanghaiDate(clock.now());
  if (input.servedOn > today) fail([{ field: 'servedOn', message: '服务日期不能晚于今天' }]);
  if (input.servedOn < addDays(today, -SERVICE_LOG_MAX_DAYS_BACK)) fail([{ field: 'servedOn', message: `服务日期不能早于 ${SERVICE_LOG_MAX_DAYS_BACK} 天前` }]);
  if (input.taskId && !input.projectId) fail([{ field: 'projectId', message: '选择了任务时请同时选择它的项目' }]);
  const id = await db.transaction().execute(async (tx) => {
    let project: ProjectRow | null = null;
    let team: TeamAccess | null = null;
    if (input.projectId) {
      project = await findProject(tx, tenantId, input.projectId, 'share');
      if (project.status === 'cancelled') fail([{ field: 'projectId', message: '该项目已取消，不能再记录服务' }], 'conflict');
      if (input.taskId) {
        const task = await tx.selectFrom('service_task').select('project_id').where('tenant_id', '=', tenantId).where('id', '=', input.taskId).executeTakeFirst();
        if (!task || task.project_id !== project.id) fail([{ field: 'taskId', message: '该任务不属于所选项目' }]);
      }
      if (input.teamId && project.team_id !== input.teamId) fail([{ field: 'teamId', message: '所选服务队不是该项目的服务队' }]);
      if (project.team_id) team = await getTeamAccess(tx, ctx, project.team_id);
      const confirmed = await tx
        .selectFrom('service_signup as s')
        .innerJoin('service_task as k', (j) => j.onRef('k.tenant_id', '=', 's.tenant_id').onRef('k.id', '=', 's.task_id'))
        .select('s.id')
        .where('s.tenant_id', '=', tenantId)
        .where('s.member_id', '=', member.id)
        .where('s.status', '=', 'confirmed')
        .where('k.project_id', '=', project.id)
        .$if(input.taskId !== null, (q) => q.where('k.id', '=', input.taskId as string))
        .executeTakeFirst();
      if (!confirmed && !team?.member) {
        fail([{ field: 'projectId', message: input.taskId ? '你没有报名该任务（或还在候补），也不是该项目服务队的队员，不能为它记录服务' : '你没有报名该项目（或还在候补），也不是该项目服务队的队员，不能为它记录服务' }], 'forbidden');
      }
    } else if (input.teamId) {
      team = await getTeamAccess(tx, ctx, input.teamId);
      if (!team.member) fail([{ field: 'teamId', message: '你不是该服务队的队员，不能为它记录服务' }], 'forbidden');
      if (team.retired) fail([{ field: 'teamId', message: '该服务队已撤销' }], 'conflict');
    }
    if (input.recipientId) {
      if (!team) fail([{ field: 'recipientId', message: '服务对象属于服务队：请先选择服务队或服务队的项目' }]);
      if (!team.member && !team.manager) fail([{ field: 'recipientId', message: '只有服务队的队员可以选择它的服务对象' }], 'forbidden');
      await requireRecipientOfTeam(tx, ctx, team.teamId, input.recipientId);
    }
    await checkPhotos(tx, ctx, input.photoFileIds);
    const row = await tx
      .insertInto('service_log')
      .values({
        tenant_id: tenantId,
        member_id: member.id,
        org_id: member.org_id,
        org_path: member.org_path,
        project_id: project?.id ?? null,
        task_id: input.taskId,
        team_id: team?.teamId ?? null,
        grid_id: project?.grid_id ?? team?.gridId ?? null,
        recipient_id: input.recipientId,
        served_on: input.servedOn,
        minutes: input.minutes,
        remote: input.remote,
        what: input.what,
        created_at: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.photoFileIds.length) {
      await tx
        .insertInto('service_log_photo')
        .values(input.photoFileIds.map((fileId, i) => ({ tenant_id: tenantId, log_id: row.id, file_id: fileId, position: i })))
        .execute();
    }
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'service.log.create',
      entity: 'service_log',
      entityId: row.id,
      after: {
        projectId: project?.id ?? null,
        taskId: input.taskId,
        teamId: team?.teamId ?? null,
        recipientId: input.recipientId,
        servedOn: input.servedOn,
        minutes: input.minutes,
        remote: input.remote,
        what: input.what,
        photoFileIds: input.photoFileIds,
      },
    });
    return row.id;
  });
  const row = await logQuery(db, tenantId).where('l.id', '=', id).executeTakeFirstOrThrow();
  const [view] = await logViews(db, ctx, [row]);
  if (!view) throw notFound('服务记录');
  return view;
}

/** The member's own logs, newest day first (voided ones left out). */
export async function myLogs(db: Database, ctx: RequestContext, q: z.output<typeof MyServiceLogQuery>): Promise<ServiceLogPage> {
  const member = await currentMember(db, ctx);
  const cursor = decodeCursor(q.cursor);
  let query = logQuery(db, ctx.actor.tenantId).where('l.member_id', '=', member.id).where('l.voided_at', 'is', null);
  if (cursor) query = query.where(afterCursor(cursor));
  const rows = await query.orderBy('l.served_on', 'desc').orderBy('l.created_at', 'desc').orderBy('l.id', 'desc').limit(PAGE + 1).execute();
  const page = rows.slice(0, PAGE);
  const last = page.at(-1);
  return { items: await logViews(db, ctx, page), nextCursor: rows.length > PAGE && last ? encodeCursor(last) : null };
}

/** A team's recent logs and its minutes this month and year: for its members and leader. */
export async function teamLogs(db: Database, ctx: RequestContext, teamId: string): Promise<TeamServiceLogs> {
  const team = await getTeamAccess(db, ctx, teamId);
  if (!team.member && !team.leader) throw new AppError('forbidden', '只有服务队的队员和队长可以查看服务队的记录');
  const rows = await logQuery(db, ctx.actor.tenantId)
    .where('l.team_id', '=', teamId)
    .where('l.voided_at', 'is', null)
    .orderBy('l.served_on', 'desc')
    .orderBy('l.created_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(50)
    .execute();
  return { items: await logViews(db, ctx, rows), hours: await teamHours(db, ctx.actor.tenantId, teamId, shanghaiDate(clock.now())) };
}

/** Logs of members of the caller's units (or `orgId`'s subtree), newest day first, with filters. */
export async function listLogs(db: Database, ctx: RequestContext, q: z.output<typeof ServiceLogQuery>): Promise<ConsoleServiceLogPage> {
  const tenantId = ctx.actor.tenantId;
  const paths = await listSubtrees(db, ctx, 'service.manage', q.orgId);
  let query = logQuery(db, tenantId);
  if (paths !== 'all') query = query.where((eb) => eb.or(paths.map((p) => eb('l.org_path', 'like', `${p}%`))));
  if (q.month) {
    const from = `${q.month}-01`;
    query = query.where('l.served_on', '>=', from).where('l.served_on', '<=', lastDayOfMonth(from));
  }
  if (q.teamId) query = query.where('l.team_id', '=', q.teamId);
  if (q.gridId) query = query.where('l.grid_id', '=', q.gridId);
  if (q.memberId) query = query.where('l.member_id', '=', q.memberId);
  if (q.includeVoided === 'false') query = query.where('l.voided_at', 'is', null);
  const cursor = decodeCursor(q.cursor);
  if (cursor) query = query.where(afterCursor(cursor));
  const rows: LogRow[] = await query.orderBy('l.served_on', 'desc').orderBy('l.created_at', 'desc').orderBy('l.id', 'desc').limit(PAGE + 1).execute();
  const page = rows.slice(0, PAGE);
  const last = page.at(-1);
  return { items: await consoleLogViews(db, ctx, page), nextCursor: rows.length > PAGE && last ? encodeCursor(last) : null };
}

/** A secretary above the log's member's unit voids a wrong log with a reason: it counts nowhere after. */
export async function voidLog(db: Database, ctx: RequestContext, logId: string, input: z.output<typeof VoidLogInput>): Promise<ConsoleServiceLog> {
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const log = await tx.selectFrom('service_log').selectAll().where('tenant_id', '=', tenantId).where('id', '=', logId).forUpdate().executeTakeFirst();
    if (!log) throw notFound('服务记录');
    authorize(ctx.actor, 'service.manage', { kind: 'org', tenantId, path: log.org_path });
    if (log.voided_at) throw new AppError('conflict', '该服务记录已作废');
    await tx
      .updateTable('service_log')
      .set({ voided_at: clock.now(), void_reason: input.reason, voided_by: ctx.actor.accountId })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', logId)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'service.log.void',
      entity: 'service_log',
      entityId: logId,
      before: { memberId: log.member_id, servedOn: log.served_on, minutes: log.minutes, what: log.what },
      after: { reason: input.reason },
    });
  });
  const row = await logQuery(db, tenantId).where('l.id', '=', logId).executeTakeFirstOrThrow();
  const [view] = await consoleLogViews(db, ctx, [row]);
  if (!view) throw notFound('服务记录');
  return view;
}

