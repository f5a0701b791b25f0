import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { memberWithOrg, requireMember } from '../../directory/index.ts';
import { getTeamAccess } from '../teams/index.ts';

/**
 * Who may do what with a service project:
 * - manage it (edit, tasks, open/close/cancel, see its sign-ups): a secretary above its unit
 *   (`service.manage`), the tenant admin, and — for a team's project — the team's leader;
 * - join it (see it on the phone, sign up, log service for it): a member whose unit is at or below
 *   the project's unit, or a member of the project's team.
 */

export interface ProjectRow {
  id: string;
  org_id: string;
  org_path: string;
  org_name: string;
  team_id: string | null;
  grid_id: string | null;
  title: string;
  description: string;
  place: string;
  starts_on: string;
  ends_on: string;
  status: 'open' | 'closed' | 'cancelled';
  updated_at: Date;
}

export async function findProject(db: Executor, tenantId: string, projectId: string, lock: 'share' | 'update' | null = null): Promise<ProjectRow> {
  let q = db
    .selectFrom('service_project as p')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
    .select(['p.id', 'p.org_id', 'o.path as org_path', 'o.name as org_name', 'p.team_id', 'p.grid_id', 'p.title', 'p.description', 'p.place', 'p.starts_on', 'p.ends_on', 'p.status', 'p.updated_at'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.id', '=', projectId);
  if (lock === 'share') q = q.forShare('p');
  if (lock === 'update') q = q.forUpdate('p');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('服务项目');
  return row;
}

export async function mayManageProject(db: Executor, ctx: RequestContext, project: Pick<ProjectRow, 'org_path' | 'team_id'>): Promise<boolean> {
  if (can(ctx.actor, 'service.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: project.org_path })) return true;
  if (!project.team_id) return false;
  const team = await getTeamAccess(db, ctx, project.team_id);
  return team.leader || team.manager;
}

export async function requireManageProject(db: Executor, ctx: RequestContext, project: Pick<ProjectRow, 'org_path' | 'team_id'>): Promise<void> {
  if (!(await mayManageProject(db, ctx, project))) throw forbidden();
}

/** The caller as a current member, with their unit's path and name. */
export async function currentMember(db: Executor, ctx: RequestContext) {
  const memberId = requireMember(ctx);
  const member = await memberWithOrg(db, ctx.actor.tenantId, memberId);
  if (!member || member.left_at) throw new AppError('forbidden', '你已不在党员名册中，不能参加志愿服务');
  return member;
}

/** Whether a member (of unit `memberPath`) may join the project: in its unit's subtree or a member of its team. */
export async function mayJoinProject(db: Executor, ctx: RequestContext, project: Pick<ProjectRow, 'org_path' | 'team_id'>, memberPath: string): Promise<boolean> {
  if (memberPath.startsWith(project.org_path)) return true;
  if (!project.team_id) return false;
  const team = await getTeamAccess(db, ctx, project.team_id);
  return team.member;
}
