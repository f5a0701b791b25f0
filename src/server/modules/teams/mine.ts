import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { MyTeamDetail, MyTeams } from '../../../shared/api-teams.ts';
import { getTeamAccess, myTeamIds } from './access.ts';
import { readTeamRecipients } from './recipients.ts';
import { maskPhone } from './teams.ts';

/** The member app's 我的服务队: the teams one belongs to or leads. */
export async function myTeams(db: Database, ctx: RequestContext): Promise<MyTeams> {
  const ids = await myTeamIds(db, ctx);
  if (ids.length === 0) return { teams: [] };
  const rows = await db
    .selectFrom('service_team as t')
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.grid_id'))
    .select(['t.id', 't.name', 't.kind', 'g.name as grid_name', 't.leader_member_id'])
    .where('t.tenant_id', '=', ctx.actor.tenantId)
    .where('t.id', 'in', ids)
    .orderBy('t.name')
    .execute();
  return { teams: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, gridName: r.grid_name, leader: r.leader_member_id === ctx.actor.memberId })) };
}

/**
 * One of one's teams: its members (a volunteer's phone masked) and the people it looks after
 * (audited). 403 for anyone not in the team (a secretary uses the console).
 */
export async function myTeam(db: Database, ctx: RequestContext, teamId: string): Promise<MyTeamDetail> {
  const access = await getTeamAccess(db, ctx, teamId);
  if (!access.member && !access.leader) throw forbidden();
  if (access.retired) throw notFound('服务队');
  const team = await db
    .selectFrom('service_team as t')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 't.tenant_id').onRef('o.id', '=', 't.org_id'))
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.grid_id'))
    .leftJoin('member as l', (j) => j.onRef('l.tenant_id', '=', 't.tenant_id').onRef('l.id', '=', 't.leader_member_id'))
    .select(['t.id', 't.name', 't.kind', 't.description', 'o.name as org_name', 'g.name as grid_name', 't.leader_member_id', 'l.name as leader_name'])
    .where('t.tenant_id', '=', ctx.actor.tenantId)
    .where('t.id', '=', teamId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('service_team_member as tm')
    .leftJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'tm.tenant_id').onRef('m.id', '=', 'tm.member_id'))
    .select(['tm.member_id', 'tm.name', 'tm.phone', 'm.name as member_name'])
    .where('tm.tenant_id', '=', ctx.actor.tenantId)
    .where('tm.team_id', '=', teamId)
    .where('tm.left_at', 'is', null)
    .orderBy('tm.joined_at')
    .orderBy('tm.id')
    .execute();
  const members = rows.map((r) => ({
    name: r.member_name ?? r.name ?? '',
    isLeader: r.member_id !== null && r.member_id === team.leader_member_id,
    isPartyMember: r.member_id !== null,
    phone: r.phone === null ? null : maskPhone(r.phone),
  }));
  if (team.leader_member_id && team.leader_name && !rows.some((r) => r.member_id === team.leader_member_id)) {
    members.unshift({ name: team.leader_name, isLeader: true, isPartyMember: true, phone: null });
  }
  const recipients = await readTeamRecipients(db, ctx, access);
  return {
    team: {
      id: team.id,
      name: team.name,
      kind: team.kind,
      gridName: team.grid_name,
      leader: access.leader,
      orgName: team.org_name,
      description: team.description,
      leaderName: team.leader_name,
    },
    members,
    recipients: recipients.map((r) => ({ id: r.id, label: r.label, category: r.category, need: r.need, contactName: r.contactName, contactPhone: r.contactPhone })),
  };
}
