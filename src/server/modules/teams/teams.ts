import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, authorizeList, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound, uniqueViolation } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock } from '../../clock.ts';
import { getOrg, inSubtrees, memberWithOrg } from '../../directory/index.ts';
import type { AddTeamMemberBody, CreateTeamBody, Team, TeamDetail, TeamKind, TeamMember, TeamQuery, UpdateTeamBody } from '../../../shared/api-teams.ts';
import { getTeamAccess } from './access.ts';

/** 138****0000: a volunteer's phone as everyone but the secretaries above the team sees it. */
export const maskPhone = (phone: string): string => (phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****');

const fieldError = (field: string, message: string): AppError => new AppError('validation_failed', message, [{ field, message }]);

/** The teams' rows with their unit, grid, leader and counts. */
function teamQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('service_team as t')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 't.tenant_id').onRef('o.id', '=', 't.org_id'))
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.grid_id'))
    .leftJoin('member as l', (j) => j.onRef('l.tenant_id', '=', 't.tenant_id').onRef('l.id', '=', 't.leader_member_id'))
    .select([
      't.id',
      't.org_id',
      'o.name as org_name',
      't.grid_id',
      'g.name as grid_name',
      't.name',
      't.kind',
      't.description',
      't.leader_member_id',
      'l.name as leader_name',
      't.retired_at',
      't.created_at',
    ])
    .select((eb) => [
      eb
        .selectFrom('service_team_member as tm')
        .whereRef('tm.tenant_id', '=', 't.tenant_id')
        .whereRef('tm.team_id', '=', 't.id')
        .where('tm.left_at', 'is', null)
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('member_count'),
      eb
        .selectFrom('care_recipient as cr')
        .whereRef('cr.tenant_id', '=', 't.tenant_id')
        .whereRef('cr.team_id', '=', 't.id')
        .where('cr.retired_at', 'is', null)
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('recipient_count'),
    ])
    .where('t.tenant_id', '=', tenantId);
}

type TeamRow = Awaited<ReturnType<ReturnType<typeof teamQuery>['executeTakeFirstOrThrow']>>;

const toTeam = (r: TeamRow): Team => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  gridId: r.grid_id,
  gridName: r.grid_name,
  name: r.name,
  kind: r.kind,
  description: r.description,
  leader: r.leader_member_id && r.leader_name ? { memberId: r.leader_member_id, name: r.leader_name } : null,
  memberCount: Number(r.member_count ?? 0),
  recipientCount: Number(r.recipient_count ?? 0),
  retired: r.retired_at !== null,
  createdAt: new Date(r.created_at).toISOString(),
});

/** The teams of the secretary's subtrees (the tenant admin: all), by unit and grid. */
export async function listTeams(db: Database, ctx: RequestContext, query: TeamQuery): Promise<Team[]> {
  const { actor } = ctx;
  const scope = scopePaths(authorizeList(actor, 'service.manage'));
  const rows = await teamQuery(db, actor.tenantId)
    .$if(scope !== 'all', (qb) => qb.where(inSubtrees(actor.tenantId, scope === 'all' ? [] : scope, 't.org_id')))
    .$if(query.orgId !== undefined, (qb) => qb.where('t.org_id', '=', query.orgId as string))
    .$if(query.gridId !== undefined, (qb) => qb.where('t.grid_id', '=', query.gridId as string))
    .$if(query.includeRetired !== 'true', (qb) => qb.where('t.retired_at', 'is', null))
    .orderBy('o.path')
    .orderBy('t.name')
    .execute();
  return rows.map(toTeam);
}

async function teamMembers(db: Executor, tenantId: string, teamId: string, wholePhones: boolean): Promise<TeamMember[]> {
  const rows = await db
    .selectFrom('service_team_member as tm')
    .leftJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'tm.tenant_id').onRef('m.id', '=', 'tm.member_id'))
    .select(['tm.id', 'tm.member_id', 'tm.name', 'tm.phone', 'm.name as member_name', 'tm.joined_at'])
    .where('tm.tenant_id', '=', tenantId)
    .where('tm.team_id', '=', teamId)
    .where('tm.left_at', 'is', null)
    .orderBy('tm.joined_at')
    .orderBy('tm.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    memberId: r.member_id,
    name: r.member_name ?? r.name ?? '',
    phone: r.phone === null ? null : wholePhones ? r.phone : maskPhone(r.phone),
    partyMember: r.member_id !== null,
    joinedAt: new Date(r.joined_at).toISOString(),
  }));
}

/** A team a secretary above it manages: 403 for anyone else. */
async function requireManaged(db: Executor, ctx: RequestContext, teamId: string) {
  const access = await getTeamAccess(db, ctx, teamId);
  authorize(ctx.actor, 'service.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: access.orgPath });
  return access;
}

/** The team with its members (the console: the secretaries above it). */
export async function getTeam(db: Executor, ctx: RequestContext, teamId: string): Promise<TeamDetail> {
  await requireManaged(db, ctx, teamId);
  const row = await teamQuery(db, ctx.actor.tenantId).where('t.id', '=', teamId).executeTakeFirst();
  if (!row) throw notFound('服务队');
  return { ...toTeam(row), members: await teamMembers(db, ctx.actor.tenantId, teamId, true) };
}

/** A party member (not left) of the unit's subtree whom the caller may read, or 400 naming `field`. */
async function requireMemberInSubtree(db: Executor, ctx: RequestContext, memberId: string, unitPath: string, field: 'leaderMemberId' | 'memberId'): Promise<{ id: string; name: string }> {
  const m = await memberWithOrg(db, ctx.actor.tenantId, memberId);
  if (!m || m.left_at !== null || !m.org_path.startsWith(unitPath)) throw fieldError(field, field === 'leaderMemberId' ? '队长应为本组织的党员' : '队员应为本组织的党员');
  authorize(ctx.actor, 'member.read', { kind: 'member', tenantId: ctx.actor.tenantId, memberId: m.id, orgPath: m.org_path });
  return { id: m.id, name: m.name };
}

export async function createTeam(db: Database, ctx: RequestContext, input: CreateTeamBody): Promise<TeamDetail> {
  const { actor } = ctx;
  if ((input.gridId === undefined) === (input.orgId === undefined)) throw fieldError('gridId', '请选择网格或所属组织（二选一）');
  let orgId: string;
  let gridId: string | null = null;
  if (input.gridId !== undefined) {
    const grid = await db.selectFrom('grid').select(['id', 'org_id', 'retired_at']).where('tenant_id', '=', actor.tenantId).where('id', '=', input.gridId).executeTakeFirst();
    if (!grid) throw notFound('网格');
    if (grid.retired_at) throw fieldError('gridId', '网格已撤销');
    orgId = grid.org_id;
    gridId = grid.id;
  } else {
    orgId = input.orgId as string;
  }
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'service.manage', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  if (org.retired_at) throw fieldError('orgId', '组织已撤销');
  if (input.leaderMemberId) await requireMemberInSubtree(db, ctx, input.leaderMemberId, org.path, 'leaderMemberId');
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('service_team')
      .values({
        tenant_id: actor.tenantId,
        org_id: org.id,
        grid_id: gridId,
        name: input.name,
        kind: input.kind,
        description: input.description ?? '',
        leader_member_id: input.leaderMemberId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'team.create', entity: 'service_team', entityId: row.id, after: { ...input, orgId: org.id } });
    return row.id;
  });
  return getTeam(db, ctx, id);
}

export async function updateTeam(db: Database, ctx: RequestContext, teamId: string, input: UpdateTeamBody): Promise<TeamDetail> {
  const { actor } = ctx;
  const access = await requireManaged(db, ctx, teamId);
  if (input.leaderMemberId) await requireMemberInSubtree(db, ctx, input.leaderMemberId, access.orgPath, 'leaderMemberId');
  const changes: { name?: string; kind?: TeamKind; description?: string; leader_member_id?: string | null } = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.leaderMemberId !== undefined ? { leader_member_id: input.leaderMemberId } : {}),
  };
  if (Object.keys(changes).length === 0) throw new AppError('validation_failed', '没有要修改的内容');
  await db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('service_team').select(['name', 'kind', 'description', 'leader_member_id']).where('tenant_id', '=', actor.tenantId).where('id', '=', teamId).forUpdate().executeTakeFirstOrThrow();
    await tx.updateTable('service_team').set({ ...changes, updated_at: sql`lianxin_now()` }).where('tenant_id', '=', actor.tenantId).where('id', '=', teamId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'team.update', entity: 'service_team', entityId: teamId, before, after: input });
  });
  return getTeam(db, ctx, teamId);
}

export async function retireTeam(db: Database, ctx: RequestContext, teamId: string): Promise<TeamDetail> {
  const { actor } = ctx;
  const access = await requireManaged(db, ctx, teamId);
  if (!access.retired) {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('service_team').set({ retired_at: clock.now(), updated_at: sql`lianxin_now()` }).where('tenant_id', '=', actor.tenantId).where('id', '=', teamId).execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'team.retire', entity: 'service_team', entityId: teamId, before: { retired: false }, after: { retired: true } });
    });
  }
  return getTeam(db, ctx, teamId);
}

/** Adds a party member of the team's unit subtree, or a non-member volunteer by name and phone. */
export async function addTeamMember(db: Database, ctx: RequestContext, teamId: string, input: AddTeamMemberBody): Promise<TeamDetail> {
  const { actor } = ctx;
  const access = await requireManaged(db, ctx, teamId);
  if (access.retired) throw new AppError('conflict', '服务队已撤销');
  let values: { member_id: string | null; name: string | null; phone: string | null };
  let audit: Record<string, unknown>;
  if (input.memberId !== undefined) {
    if (input.name !== undefined || input.phone !== undefined) throw fieldError('memberId', '党员与非党员志愿者只能二选一');
    const m = await requireMemberInSubtree(db, ctx, input.memberId, access.orgPath, 'memberId');
    values = { member_id: m.id, name: null, phone: null };
    audit = { memberId: m.id, name: m.name };
  } else {
    if (!input.name) throw fieldError('name', '请填写志愿者姓名');
    if (!input.phone) throw fieldError('phone', '请填写志愿者手机号');
    values = { member_id: null, name: input.name, phone: input.phone };
    // The audit log keeps the name and a masked phone: enough to tell who, no more.
    audit = { name: input.name, phone: maskPhone(input.phone) };
  }
  try {
    await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('service_team_member')
        .values({ tenant_id: actor.tenantId, team_id: teamId, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'team.member_add', entity: 'service_team', entityId: teamId, after: { ...audit, rowId: row.id } });
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', '已在本服务队中');
    throw err;
  }
  return getTeam(db, ctx, teamId);
}

/** Removes a member from the team (left_at: the row stays for the team's history). */
export async function removeTeamMember(db: Database, ctx: RequestContext, teamId: string, rowId: string): Promise<TeamDetail> {
  const { actor } = ctx;
  await requireManaged(db, ctx, teamId);
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('service_team_member')
      .set({ left_at: clock.now() })
      .where('tenant_id', '=', actor.tenantId)
      .where('team_id', '=', teamId)
      .where('id', '=', rowId)
      .where('left_at', 'is', null)
      .returning(['id', 'member_id', 'name'])
      .executeTakeFirst();
    if (!row) throw notFound('队员');
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'team.member_remove', entity: 'service_team', entityId: teamId, before: { rowId: row.id, memberId: row.member_id, name: row.name } });
  });
  return getTeam(db, ctx, teamId);
}
