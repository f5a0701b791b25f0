import { sql } from 'kysely';
import type { RequestContext } from '../../auth/actor.ts';
import type { MobilityInput } from '../../../shared/api.ts';
import { getMember, recordDestination, recordReturn, type MemberDeps } from '../members/index.ts';
import { requireMember } from '../../directory/index.ts';

/** The member app's view of oneself: profile, branch, group, mentor, branch secretary. */
export async function getMyProfile(deps: MemberDeps, ctx: RequestContext) {
  const memberId = requireMember(ctx);
  const member = await getMember(deps, ctx, memberId);
  const branch = [...member.orgPath].reverse().find((o) => o.kind === 'branch' || o.kind === 'general_branch') ?? null;
  const group = member.orgPath.find((o) => o.kind === 'group') ?? null;
  // The nearest secretary up the tree (branch first, then general branch, then committee), in one query.
  const pathIds = member.orgPath.map((o) => o.id);
  const row = pathIds.length
    ? await deps.db
        .selectFrom('role_assignment as r')
        .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.account_id'))
        .select(['a.display_name', 'a.phone'])
        .where('r.tenant_id', '=', ctx.actor.tenantId)
        .where('r.org_id', 'in', pathIds)
        .where('r.role', '=', 'secretary')
        .where('a.disabled_at', 'is', null)
        .orderBy(sql`array_position(${pathIds}::uuid[], r.org_id)`, 'desc')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  return {
    member,
    branch: branch ? { id: branch.id, name: branch.name } : null,
    group: group ? { id: group.id, name: group.name } : null,
    secretary: row ? { name: row.display_name, phone: row.phone } : null,
    elderMode: member.elderMode,
  };
}

export async function updateMyDestination(deps: MemberDeps, ctx: RequestContext, input: MobilityInput) {
  await recordDestination(deps, ctx, requireMember(ctx), input);
  return getMyProfile(deps, ctx);
}

export async function recordMyReturn(deps: MemberDeps, ctx: RequestContext, returnedOn: string) {
  await recordReturn(deps, ctx, requireMember(ctx), returnedOn);
  return getMyProfile(deps, ctx);
}
