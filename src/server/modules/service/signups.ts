import { sql } from 'kysely';
import type { Database, Executor, Tx } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, forbidden, notFound, uniqueViolation } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import type {
  CancelSignupResult,
  MyService,
  MyServiceProject,
  MyServiceProjectDetail,
  MySignup,
  ServiceSignupList,
  SignupResult,
} from '../../../shared/api-service.ts';
import { myTeamIds } from '../teams/index.ts';
import { currentMember, findProject, mayJoinProject, requireManageProject, type ProjectRow } from './access.ts';
import { tasksOf } from './projects.ts';
import { memberHours } from './hours.ts';

/**
 * Signing up for a task of a project, and the waiting list (候补).
 *
 * A sign-up locks its task's row (SELECT … FOR UPDATE) and counts the confirmed sign-ups in the same
 * transaction: within capacity it is 'confirmed', else 'waiting'. Two phones taking the last place at
 * once: the second waits for the first's lock, counts it, and waits in line. A member has at most
 * one active sign-up per task (a unique index: a second → 409). A cancel of a confirmed sign-up moves
 * the first waiting (by time of sign-up) up, under the same lock.
 */

/** The waiting ones' order: by time of sign-up, then id. */
const waitingOrder = sql`s.created_at, s.id`;

/** 候补第 N 位 of a waiting sign-up (1 = next to move up). */
async function positionOf(db: Executor, tenantId: string, taskId: string, signupId: string): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('service_signup as s')
        .select(['s.id', sql<number>`row_number() OVER (ORDER BY ${waitingOrder})::int`.as('n')])
        .where('s.tenant_id', '=', tenantId)
        .where('s.task_id', '=', taskId)
        .where('s.status', '=', 'waiting')
        .as('w'),
    )
    .select('w.n')
    .where('w.id', '=', signupId)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/** 候补第 N 位 of every waiting sign-up of these tasks, by sign-up id, in one query. */
async function positionsOf(db: Executor, tenantId: string, taskIds: string[]): Promise<Map<string, number>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('service_signup as s')
    .select(['s.id', sql<number>`row_number() OVER (PARTITION BY s.task_id ORDER BY ${waitingOrder})::int`.as('n')])
    .where('s.tenant_id', '=', tenantId)
    .where('s.task_id', 'in', [...new Set(taskIds)])
    .where('s.status', '=', 'waiting')
    .execute();
  return new Map(rows.map((r) => [r.id, r.n]));
}

/**
 * Locks the task's row (SELECT … FOR UPDATE: sign-ups, cancels and capacity changes of one task
 * take turns) and counts its confirmed sign-ups under that lock, so the count sees every earlier
 * one. Null when there is no such task.
 */
async function lockTaskAndCount(tx: Tx, tenantId: string, taskId: string) {
  const task = await tx
    .selectFrom('service_task')
    .select(['id', 'project_id', 'capacity', 'retired_at', 'title'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', taskId)
    .forUpdate()
    .executeTakeFirst();
  if (!task) return null;
  const { n } = await tx
    .selectFrom('service_signup')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('task_id', '=', taskId)
    .where('status', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  return { task, confirmed: n };
}

/**
 * Moves waiting sign-ups up while the task has free places (after a cancel or a raised capacity);
 * the task row must be locked by the caller's transaction. Returns the sign-ups moved up.
 */
export async function promoteWaiting(tx: Tx, tenantId: string, taskId: string): Promise<string[]> {
  const locked = await lockTaskAndCount(tx, tenantId, taskId);
  if (!locked) throw notFound('服务任务');
  const free = locked.task.capacity - locked.confirmed;
  if (free <= 0) return [];
  const next = await tx
    .selectFrom('service_signup as s')
    .select('s.id')
    .where('s.tenant_id', '=', tenantId)
    .where('s.task_id', '=', taskId)
    .where('s.status', '=', 'waiting')
    .orderBy('s.created_at')
    .orderBy('s.id')
    .limit(free)
    .execute();
  if (next.length === 0) return [];
  const ids = next.map((r) => r.id);
  await tx.updateTable('service_signup').set({ status: 'confirmed' }).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  return ids;
}

// ---------- the member's phone ----------

type ProjectBase = Omit<MyServiceProject, 'remote' | 'placesLeft'>;

function baseView(p: ProjectRow, teamName: string | null): ProjectBase {
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    place: p.place,
    startsOn: p.starts_on,
    endsOn: p.ends_on,
    status: p.status,
    org: { id: p.org_id, name: p.org_name },
    team: p.team_id ? { id: p.team_id, name: teamName ?? '' } : null,
  };
}

async function teamNames(db: Executor, tenantId: string, ids: (string | null)[]): Promise<Map<string, string>> {
  const list = [...new Set(ids.filter((v): v is string => v !== null))];
  if (list.length === 0) return new Map();
  const rows = await db.selectFrom('service_team').select(['id', 'name']).where('tenant_id', '=', tenantId).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The member's 志愿服务: open projects they may join (not ended), their active sign-ups, their hours. */
export async function myService(db: Database, ctx: RequestContext): Promise<MyService> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  const today = shanghaiDate(clock.now());
  const teamIds = await myTeamIds(db, ctx);
  const projects = await db
    .selectFrom('service_project as p')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
    .select(['p.id', 'p.org_id', 'o.path as org_path', 'o.name as org_name', 'p.team_id', 'p.grid_id', 'p.title', 'p.description', 'p.place', 'p.starts_on', 'p.ends_on', 'p.status', 'p.updated_at'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.status', '=', 'open')
    .where('p.ends_on', '>=', today)
    .where((eb) =>
      eb.or([
        eb(sql.val(member.org_path), 'like', sql<string>`o.path || '%'`),
        ...(teamIds.length ? [eb('p.team_id', 'in', teamIds)] : []),
      ]),
    )
    .orderBy('p.starts_on', 'desc')
    .orderBy('p.created_at', 'desc')
    .limit(100)
    .execute();
  const tasks = await tasksOf(db, tenantId, projects.map((p) => p.id));
  const names = await teamNames(db, tenantId, projects.map((p) => p.team_id));
  const signups = await mySignups(db, tenantId, member.id, today);
  return {
    projects: projects.map((p) => {
      const mine = tasks.filter((t) => t.projectId === p.id);
      return {
        ...baseView(p, p.team_id ? (names.get(p.team_id) ?? null) : null),
        remote: mine.some((t) => t.remote),
        placesLeft: mine.reduce((sum, t) => sum + Math.max(0, t.capacity - t.confirmed), 0),
      };
    }),
    signups,
    hours: await memberHours(db, tenantId, member.id, today),
  };
}

async function mySignups(db: Executor, tenantId: string, memberId: string, today: string): Promise<MySignup[]> {
  const rows = await db
    .selectFrom('service_signup as s')
    .innerJoin('service_task as k', (j) => j.onRef('k.tenant_id', '=', 's.tenant_id').onRef('k.id', '=', 's.task_id'))
    .innerJoin('service_project as p', (j) => j.onRef('p.tenant_id', '=', 'k.tenant_id').onRef('p.id', '=', 'k.project_id'))
    .select(['s.id', 's.status', 's.created_at', 'k.id as task_id', 'k.title as task_title', 'k.remote', 'p.id as project_id', 'p.title as project_title', 'p.place', 'p.starts_on', 'p.ends_on'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.member_id', '=', memberId)
    .where('s.status', '<>', 'cancelled')
    .where('k.retired_at', 'is', null)
    .where('p.status', '=', 'open')
    .where('p.ends_on', '>=', today)
    .orderBy('p.starts_on')
    .orderBy('s.created_at')
    .execute();
  const positions = await positionsOf(db, tenantId, rows.filter((r) => r.status === 'waiting').map((r) => r.task_id));
  const out: MySignup[] = [];
  for (const r of rows) {
    const status = r.status === 'waiting' ? 'waiting' : 'confirmed';
    out.push({
      signupId: r.id,
      status,
      position: status === 'waiting' ? (positions.get(r.id) ?? 0) : null,
      task: { id: r.task_id, title: r.task_title, remote: r.remote },
      project: { id: r.project_id, title: r.project_title, place: r.place, startsOn: r.starts_on, endsOn: r.ends_on },
      createdAt: r.created_at.toISOString(),
    });
  }
  return out;
}

/** A project the member may join (or has a sign-up on), with its tasks, places and the member's own sign-up. */
export async function myProject(db: Database, ctx: RequestContext, projectId: string): Promise<MyServiceProjectDetail> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  const project = await findProject(db, tenantId, projectId);
  const tasks = await tasksOf(db, tenantId, [projectId]);
  const signups = tasks.length
    ? await db
        .selectFrom('service_signup')
        .select(['id', 'task_id', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', member.id)
        .where('task_id', 'in', tasks.map((t) => t.id))
        .where('status', '<>', 'cancelled')
        .execute()
    : [];
  if (signups.length === 0 && !(await mayJoinProject(db, ctx, project, member.org_path))) throw forbidden();
  const names = await teamNames(db, tenantId, [project.team_id]);
  const positions = await positionsOf(db, tenantId, signups.filter((x) => x.status === 'waiting').map((x) => x.task_id));
  const taskViews: MyServiceProjectDetail['tasks'] = [];
  for (const t of tasks) {
    const s = signups.find((x) => x.task_id === t.id);
    const status: 'waiting' | 'confirmed' = s?.status === 'waiting' ? 'waiting' : 'confirmed';
    taskViews.push({
      id: t.id,
      title: t.title,
      description: t.description,
      remote: t.remote,
      capacity: t.capacity,
      confirmed: t.confirmed,
      waiting: t.waiting,
      mine: s ? { signupId: s.id, status, position: status === 'waiting' ? (positions.get(s.id) ?? 0) : null } : null,
    });
  }
  return {
    ...baseView(project, project.team_id ? (names.get(project.team_id) ?? null) : null),
    remote: tasks.some((t) => t.remote),
    placesLeft: tasks.reduce((sum, t) => sum + Math.max(0, t.capacity - t.confirmed), 0),
    tasks: taskViews,
  };
}

/** The member signs up for a task: confirmed within capacity, else waiting in line. */
export async function signUp(db: Database, ctx: RequestContext, taskId: string): Promise<SignupResult> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  const today = shanghaiDate(clock.now());
  try {
    return await db.transaction().execute(async (tx) => {
      // The lock that serialises sign-ups for this task: the count below sees every earlier one.
      const locked = await lockTaskAndCount(tx, tenantId, taskId);
      if (!locked || locked.task.retired_at) throw notFound('服务任务');
      const { task, confirmed } = locked;
      const project = await findProject(tx, tenantId, task.project_id, 'share');
      if (!(await mayJoinProject(tx, ctx, project, member.org_path))) throw new AppError('forbidden', '你不在该项目所属组织或服务队中，不能报名');
      if (project.status !== 'open') throw new AppError('conflict', project.status === 'cancelled' ? '该项目已取消，不能报名' : '该项目已结束报名');
      if (project.ends_on < today) throw new AppError('conflict', '该项目已结束，不能报名');
      const existing = await tx
        .selectFrom('service_signup')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('task_id', '=', taskId)
        .where('member_id', '=', member.id)
        .where('status', '<>', 'cancelled')
        .executeTakeFirst();
      if (existing) throw new AppError('conflict', '你已报名该任务');
      const status = confirmed < task.capacity ? 'confirmed' : 'waiting';
      const row = await tx
        .insertInto('service_signup')
        .values({ tenant_id: tenantId, task_id: taskId, member_id: member.id, status, created_at: clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const position = status === 'waiting' ? await positionOf(tx, tenantId, taskId, row.id) : null;
      await recordAudit(tx, ctx, {
        tenantId,
        action: 'service.signup.create',
        entity: 'service_signup',
        entityId: row.id,
        after: { taskId, projectId: project.id, memberId: member.id, status, position },
      });
      return { signupId: row.id, status, position };
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', '你已报名该任务');
    throw err;
  }
}

/** The member cancels their sign-up; a confirmed one's place goes to the first waiting. */
export async function cancelSignup(db: Database, ctx: RequestContext, signupId: string): Promise<CancelSignupResult> {
  const member = await currentMember(db, ctx);
  const tenantId = ctx.actor.tenantId;
  return db.transaction().execute(async (tx) => {
    const found = await tx.selectFrom('service_signup').select(['task_id']).where('tenant_id', '=', tenantId).where('id', '=', signupId).executeTakeFirst();
    if (!found) throw notFound('报名');
    await tx.selectFrom('service_task').select('id').where('tenant_id', '=', tenantId).where('id', '=', found.task_id).forUpdate().execute();
    const signup = await tx.selectFrom('service_signup').selectAll().where('tenant_id', '=', tenantId).where('id', '=', signupId).executeTakeFirstOrThrow();
    if (signup.member_id !== member.id) throw new AppError('forbidden', '只能取消自己的报名');
    if (signup.status === 'cancelled') throw new AppError('conflict', '该报名已取消');
    await tx.updateTable('service_signup').set({ status: 'cancelled', cancelled_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', signupId).execute();
    const promoted = signup.status === 'confirmed' ? await promoteWaiting(tx, tenantId, signup.task_id) : [];
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'service.signup.cancel',
      entity: 'service_signup',
      entityId: signupId,
      before: { taskId: signup.task_id, status: signup.status },
      after: { status: 'cancelled', promotedSignupIds: promoted },
    });
    return { cancelled: true as const, promoted: promoted.length > 0 };
  });
}

// ---------- the console ----------

/** A task's sign-ups: confirmed first, then the waiting list in order. */
export async function taskSignups(db: Database, ctx: RequestContext, taskId: string): Promise<ServiceSignupList> {
  const tenantId = ctx.actor.tenantId;
  const task = await db.selectFrom('service_task').select(['id', 'project_id']).where('tenant_id', '=', tenantId).where('id', '=', taskId).executeTakeFirst();
  if (!task) throw notFound('服务任务');
  const project = await findProject(db, tenantId, task.project_id);
  await requireManageProject(db, ctx, project);
  const [view] = (await tasksOf(db, tenantId, [project.id])).filter((t) => t.id === taskId);
  const rows = await db
    .selectFrom('service_signup as s')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 's.tenant_id').onRef('m.id', '=', 's.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['s.id', 's.status', 's.created_at', 'm.id as member_id', 'm.name', 'o.name as org_name'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.task_id', '=', taskId)
    .where('s.status', '<>', 'cancelled')
    .orderBy(sql`s.status = 'waiting'`)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
  let waiting = 0;
  const { projectId: _p, ...task0 } = view ?? { projectId: '', id: taskId, title: '', description: '', remote: false, capacity: 0, confirmed: 0, waiting: 0 };
  return {
    task: task0,
    items: rows.map((r) => {
      const status = r.status === 'waiting' ? 'waiting' : 'confirmed';
      return {
        signupId: r.id,
        member: { memberId: r.member_id, name: r.name, orgName: r.org_name },
        status,
        position: status === 'waiting' ? ++waiting : null,
        createdAt: r.created_at.toISOString(),
      };
    }),
  };
}
