import type { z } from 'zod';
import { sql } from 'kysely';
import type { Database, Executor, Tx } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { AppError, forbidden, type FieldIssue } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg, listSubtrees } from '../../directory/index.ts';
import type { ServiceProject, ServiceProjectInput, ServiceProjectList, ServiceProjectPatch, ServiceProjectQuery, ServiceTask } from '../../../shared/api-service.ts';
import { getTeamAccess } from '../teams/index.ts';
import { findProject, requireManageProject, type ProjectRow } from './access.ts';
import { promoteWaiting } from './signups.ts';

/**
 * 志愿服务 projects in the console: a secretary's unit's projects (or a team leader's team's), with
 * their tasks, each with a capacity and whether it can be done from afar (远程). Editing a project
 * sends the whole task list: a task left out is retired (its sign-ups and logs stay), a capacity
 * may not drop below the confirmed sign-ups, a raised one moves the first waiting up.
 */

type Input = z.output<typeof ServiceProjectInput>;
type Patch = z.output<typeof ServiceProjectPatch>;
type Query = z.output<typeof ServiceProjectQuery>;
type TaskInput = Input['tasks'][number];

function fail(issues: FieldIssue[], code: 'validation_failed' | 'conflict' = 'validation_failed'): never {
  throw new AppError(code, issues.map((i) => i.message).join('；'), issues);
}

/** Tasks (not retired) of projects with their confirmed and waiting counts. */
export async function tasksOf(db: Executor, tenantId: string, projectIds: string[]): Promise<(ServiceTask & { projectId: string })[]> {
  if (projectIds.length === 0) return [];
  const rows = await db
    .selectFrom('service_task as k')
    .select([
      'k.id',
      'k.project_id',
      'k.title',
      'k.description',
      'k.remote',
      'k.capacity',
      sql<number>`(SELECT count(*) FROM service_signup s WHERE s.tenant_id = k.tenant_id AND s.task_id = k.id AND s.status = 'confirmed')::int`.as('confirmed'),
      sql<number>`(SELECT count(*) FROM service_signup s WHERE s.tenant_id = k.tenant_id AND s.task_id = k.id AND s.status = 'waiting')::int`.as('waiting'),
    ])
    .where('k.tenant_id', '=', tenantId)
    .where('k.project_id', 'in', projectIds)
    .where('k.retired_at', 'is', null)
    .orderBy('k.position')
    .orderBy('k.created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, projectId: r.project_id, title: r.title, description: r.description, remote: r.remote, capacity: r.capacity, confirmed: r.confirmed, waiting: r.waiting }));
}

async function projectViews(db: Executor, tenantId: string, rows: ProjectRow[]): Promise<ServiceProject[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const tasks = await tasksOf(db, tenantId, ids);
  const teamIds = [...new Set(rows.map((r) => r.team_id).filter((v): v is string => v !== null))];
  const gridIds = [...new Set(rows.map((r) => r.grid_id).filter((v): v is string => v !== null))];
  const teams = teamIds.length ? await db.selectFrom('service_team').select(['id', 'name']).where('tenant_id', '=', tenantId).where('id', 'in', teamIds).execute() : [];
  const grids = gridIds.length ? await db.selectFrom('grid').select(['id', 'name']).where('tenant_id', '=', tenantId).where('id', 'in', gridIds).execute() : [];
  const minutes = await db
    .selectFrom('service_log')
    .select(['project_id', sql<number>`sum(minutes)::int`.as('minutes')])
    .where('tenant_id', '=', tenantId)
    .where('project_id', 'in', ids)
    .where('voided_at', 'is', null)
    .groupBy('project_id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    org: { id: r.org_id, name: r.org_name },
    team: r.team_id ? { id: r.team_id, name: teams.find((t) => t.id === r.team_id)?.name ?? '' } : null,
    grid: r.grid_id ? { id: r.grid_id, name: grids.find((g) => g.id === r.grid_id)?.name ?? '' } : null,
    title: r.title,
    description: r.description,
    place: r.place,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    status: r.status,
    tasks: tasks.filter((t) => t.projectId === r.id).map(({ projectId: _p, ...t }) => t),
    minutes: minutes.find((m) => m.project_id === r.id)?.minutes ?? 0,
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function projectView(db: Executor, tenantId: string, row: ProjectRow): Promise<ServiceProject> {
  const [view] = await projectViews(db, tenantId, [row]);
  if (!view) throw new Error('project view');
  return view;
}

/** A unit's projects (the caller's whole scope without `orgId`), newest first. */
export async function listProjects(db: Database, ctx: RequestContext, q: Query): Promise<ServiceProjectList> {
  const tenantId = ctx.actor.tenantId;
  const paths = await listSubtrees(db, ctx, 'service.manage', q.orgId);
  let query = db
    .selectFrom('service_project as p')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
    .select(['p.id', 'p.org_id', 'o.path as org_path', 'o.name as org_name', 'p.team_id', 'p.grid_id', 'p.title', 'p.description', 'p.place', 'p.starts_on', 'p.ends_on', 'p.status', 'p.updated_at'])
    .where('p.tenant_id', '=', tenantId);
  if (paths !== 'all') query = query.where((eb) => eb.or(paths.map((p) => eb('o.path', 'like', `${p}%`))));
  if (q.status) query = query.where('p.status', '=', q.status);
  const rows = await query.orderBy('p.starts_on', 'desc').orderBy('p.created_at', 'desc').limit(500).execute();
  return { items: await projectViews(db, tenantId, rows) };
}

export async function getProject(db: Database, ctx: RequestContext, projectId: string): Promise<ServiceProject> {
  const project = await findProject(db, ctx.actor.tenantId, projectId);
  await requireManageProject(db, ctx, project);
  return projectView(db, ctx.actor.tenantId, project);
}

function checkDates(startsOn: string, endsOn: string): void {
  if (endsOn < startsOn) fail([{ field: 'endsOn', message: '结束日期不能早于开始日期' }]);
}

function checkTaskTitles(tasks: TaskInput[]): void {
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  tasks.forEach((t, i) => {
    if (seen.has(t.title)) issues.push({ field: `tasks.${i}.title`, message: `任务「${t.title}」重复了` });
    seen.add(t.title);
  });
  if (issues.length) fail(issues);
}

/**
 * A new project of a unit. With a team: the team must be of the unit's subtree; its leader may
 * create it for the team's own unit; the project's grid is the team's.
 */
export async function createProject(db: Database, ctx: RequestContext, input: Input): Promise<ServiceProject> {
  const tenantId = ctx.actor.tenantId;
  const org = await getOrg(db, tenantId, input.orgId);
  const secretary = can(ctx.actor, 'service.manage', { kind: 'org', tenantId, path: org.path });
  let gridId: string | null = null;
  if (input.teamId) {
    const team = await getTeamAccess(db, ctx, input.teamId);
    if (!secretary && !team.leader) throw forbidden();
    if (team.retired) fail([{ field: 'teamId', message: '该服务队已撤销' }]);
    if (!team.orgPath.startsWith(org.path)) fail([{ field: 'teamId', message: '服务队不属于所选组织' }]);
    if (!secretary && team.orgId !== org.id) fail([{ field: 'orgId', message: '服务队队长只能为本队所在组织创建项目' }]);
    gridId = team.gridId;
  } else if (!secretary) throw forbidden();
  checkDates(input.startsOn, input.endsOn);
  checkTaskTitles(input.tasks);
  if (input.tasks.some((t) => t.id)) fail([{ field: 'tasks', message: '新项目的任务不能带编号' }]);
  const id = await db.transaction().execute(async (tx) => {
    const now = clock.now();
    const row = await tx
      .insertInto('service_project')
      .values({
        tenant_id: tenantId,
        org_id: org.id,
        team_id: input.teamId,
        grid_id: gridId,
        title: input.title,
        description: input.description,
        place: input.place,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        status: 'open',
        created_by: ctx.actor.accountId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('service_task')
      .values(input.tasks.map((t, i) => ({ tenant_id: tenantId, project_id: row.id, title: t.title, description: t.description, remote: t.remote, capacity: t.capacity, position: i, created_at: now })))
      .execute();
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'service.project.create',
      entity: 'service_project',
      entityId: row.id,
      after: { orgId: org.id, teamId: input.teamId, title: input.title, place: input.place, startsOn: input.startsOn, endsOn: input.endsOn, tasks: input.tasks },
    });
    return row.id;
  });
  return projectView(db, tenantId, await findProject(db, tenantId, id));
}

/** Replaces the project's task list (inside the edit's transaction, the project row locked). */
async function syncTasks(tx: Tx, tenantId: string, projectId: string, tasks: TaskInput[]): Promise<void> {
  const current = await tx
    .selectFrom('service_task')
    .select(['id', 'title', 'capacity'])
    .where('tenant_id', '=', tenantId)
    .where('project_id', '=', projectId)
    .where('retired_at', 'is', null)
    .forUpdate()
    .execute();
  const issues: FieldIssue[] = [];
  const now = clock.now();
  for (const [i, t] of tasks.entries()) {
    if (!t.id) continue;
    if (!current.some((c) => c.id === t.id)) issues.push({ field: `tasks.${i}.id`, message: `任务「${t.title}」不属于该项目` });
  }
  if (issues.length) fail(issues);
  for (const [i, t] of tasks.entries()) {
    if (t.id) {
      const confirmed = await tx
        .selectFrom('service_signup')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('tenant_id', '=', tenantId)
        .where('task_id', '=', t.id)
        .where('status', '=', 'confirmed')
        .executeTakeFirstOrThrow();
      if (t.capacity < confirmed.n) fail([{ field: `tasks.${i}.capacity`, message: `任务「${t.title}」已有 ${confirmed.n} 人报名确认，名额不能少于 ${confirmed.n}` }], 'conflict');
      await tx
        .updateTable('service_task')
        .set({ title: t.title, description: t.description, remote: t.remote, capacity: t.capacity, position: i })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', t.id)
        .execute();
      await promoteWaiting(tx, tenantId, t.id);
    } else {
      await tx
        .insertInto('service_task')
        .values({ tenant_id: tenantId, project_id: projectId, title: t.title, description: t.description, remote: t.remote, capacity: t.capacity, position: i, created_at: now })
        .execute();
    }
  }
  const kept = new Set(tasks.map((t) => t.id).filter(Boolean));
  const retired = current.filter((c) => !kept.has(c.id)).map((c) => c.id);
  if (retired.length) {
    await tx.updateTable('service_task').set({ retired_at: now }).where('tenant_id', '=', tenantId).where('id', 'in', retired).execute();
  }
}

/** Edits a project the caller manages: fields, status, the task list; `updatedAt` must be the version read. */
export async function updateProject(db: Database, ctx: RequestContext, projectId: string, patch: Patch): Promise<ServiceProject> {
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const before = await findProject(tx, tenantId, projectId, 'update');
    await requireManageProject(tx, ctx, before);
    const seen = Date.parse(patch.updatedAt);
    if (Number.isNaN(seen)) fail([{ field: 'updatedAt', message: '版本时间格式不正确' }]);
    if (before.updated_at.getTime() !== seen) {
      throw new AppError('conflict', '项目已被他人修改，请刷新后再改');
    }
    const startsOn = patch.startsOn ?? before.starts_on;
    const endsOn = patch.endsOn ?? before.ends_on;
    checkDates(startsOn, endsOn);
    if (patch.tasks) checkTaskTitles(patch.tasks);
    if (before.status === 'cancelled' && patch.status && patch.status !== 'cancelled') fail([{ field: 'status', message: '已取消的项目不能重新开放' }], 'conflict');
    const beforeTasks = await tasksOf(tx, tenantId, [projectId]);
    await tx
      .updateTable('service_project')
      .set({
        title: patch.title ?? before.title,
        description: patch.description ?? before.description,
        place: patch.place ?? before.place,
        starts_on: startsOn,
        ends_on: endsOn,
        status: patch.status ?? before.status,
        updated_at: clock.now(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', projectId)
      .execute();
    if (patch.tasks) await syncTasks(tx, tenantId, projectId, patch.tasks);
    const { updatedAt: _seen, ...changes } = patch;
    await recordAudit(tx, ctx, {
      tenantId,
      action: patch.status && patch.status !== before.status ? `service.project.${patch.status === 'open' ? 'reopen' : patch.status === 'closed' ? 'close' : 'cancel'}` : 'service.project.update',
      entity: 'service_project',
      entityId: projectId,
      before: { title: before.title, place: before.place, startsOn: before.starts_on, endsOn: before.ends_on, status: before.status, tasks: beforeTasks.map(({ projectId: _p, ...t }) => t) },
      after: changes,
    });
  });
  return projectView(db, tenantId, await findProject(db, tenantId, projectId));
}
