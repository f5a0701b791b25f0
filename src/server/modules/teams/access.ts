import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';

/** What the caller is to a volunteer team (志愿服务队). */
export interface TeamAccess {
  teamId: string;
  orgId: string;
  orgPath: string;
  gridId: string | null;
  name: string;
  /** An active member of the team (service_team_member of the caller's member), or its leader. */
  member: boolean;
  leader: boolean;
  /** A secretary covering the team's unit, or the tenant admin. */
  manager: boolean;
  retired: boolean;
}

/** The caller's relation to a team; 404 团队 when the team is not the tenant's. */
export async function getTeamAccess(db: Executor, ctx: RequestContext, teamId: string): Promise<TeamAccess> {
  const { actor } = ctx;
  const team = await db
    .selectFrom('service_team as t')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 't.tenant_id').onRef('o.id', '=', 't.org_id'))
    .select(['t.id', 't.org_id', 'o.path', 't.grid_id', 't.name', 't.leader_member_id', 't.retired_at'])
    .where('t.tenant_id', '=', actor.tenantId)
    .where('t.id', '=', teamId)
    .executeTakeFirst();
  if (!team) throw notFound('服务队');
  const leader = actor.memberId !== null && team.leader_member_id === actor.memberId;
  let member = leader;
  if (!member && actor.memberId) {
    const row = await db
      .selectFrom('service_team_member')
      .select('id')
      .where('tenant_id', '=', actor.tenantId)
      .where('team_id', '=', teamId)
      .where('member_id', '=', actor.memberId)
      .where('left_at', 'is', null)
      .executeTakeFirst();
    member = row !== undefined;
  }
  const manager = can(actor, 'service.manage', { kind: 'org', tenantId: actor.tenantId, path: team.path });
  return {
    teamId: team.id,
    orgId: team.org_id,
    orgPath: team.path,
    gridId: team.grid_id,
    name: team.name,
    member,
    leader,
    manager,
    retired: team.retired_at !== null,
  };
}

/** The teams (not retired) the caller's member belongs to or leads. */
export async function myTeamIds(db: Executor, ctx: RequestContext): Promise<string[]> {
  const { actor } = ctx;
  if (!actor.memberId) return [];
  const memberId = actor.memberId;
  const rows = await db
    .selectFrom('service_team as t')
    .select('t.id')
    .where('t.tenant_id', '=', actor.tenantId)
    .where('t.retired_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('t.leader_member_id', '=', memberId),
        eb.exists(
          eb
            .selectFrom('service_team_member as tm')
            .select('tm.id')
            .whereRef('tm.tenant_id', '=', 't.tenant_id')
            .whereRef('tm.team_id', '=', 't.id')
            .where('tm.member_id', '=', memberId)
            .where('tm.left_at', 'is', null),
        ),
      ]),
    )
    .orderBy('t.name')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * A person looked after by this team (not retired), by id: 400 naming `recipientId` otherwise. The
 * caller has already checked who may name the team; only the label leaves this function.
 */
export async function requireRecipientOfTeam(db: Executor, ctx: RequestContext, teamId: string, recipientId: string): Promise<{ id: string; label: string }> {
  const row = await db
    .selectFrom('care_recipient')
    .select(['id', 'label'])
    .where('tenant_id', '=', ctx.actor.tenantId)
    .where('team_id', '=', teamId)
    .where('id', '=', recipientId)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('validation_failed', '服务对象不属于该服务队', [{ field: 'recipientId', message: '服务对象不属于该服务队' }]);
  return row;
}
