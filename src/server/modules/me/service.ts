import type { RequestContext } from '../../auth/actor.ts';
import { AppError } from '../../errors.ts';
import type { MobilityInput } from '../../../shared/api.ts';
import { getMember, recordDestination, recordReturn, type MemberDeps } from '../members/service.ts';

/** The member app's view of oneself: profile, branch, group, mentor, branch secretary. */
export async function getMyProfile(deps: MemberDeps, ctx: RequestContext) {
  const memberId = ctx.actor.memberId;
  if (!memberId) throw new AppError('forbidden', '该账号未关联党员信息，不能使用党员端');
  const member = await getMember(deps, ctx, memberId);
  const branch = [...member.orgPath].reverse().find((o) => o.kind === 'branch' || o.kind === 'general_branch') ?? null;
  const group = member.orgPath.find((o) => o.kind === 'group') ?? null;
  let secretary: { name: string; phone: string } | null = null;
  // The nearest secretary up the tree: branch first, then general branch, then committee.
  for (const unit of [...member.orgPath].reverse()) {
    const row = await deps.db
      .selectFrom('role_assignment as r')
      .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.account_id'))
      .select(['a.display_name', 'a.phone'])
      .where('r.tenant_id', '=', ctx.actor.tenantId)
      .where('r.org_id', '=', unit.id)
      .where('r.role', '=', 'secretary')
      .where('a.disabled_at', 'is', null)
      .executeTakeFirst();
    if (row) {
      secretary = { name: row.display_name, phone: row.phone };
      break;
    }
  }
  return {
    member,
    branch: branch ? { id: branch.id, name: branch.name } : null,
    group: group ? { id: group.id, name: group.name } : null,
    secretary,
  };
}

export async function updateMyDestination(deps: MemberDeps, ctx: RequestContext, input: MobilityInput) {
  if (!ctx.actor.memberId) throw new AppError('forbidden', '该账号未关联党员信息，不能使用党员端');
  await recordDestination(deps, ctx, ctx.actor.memberId, input);
  return getMyProfile(deps, ctx);
}

export async function recordMyReturn(deps: MemberDeps, ctx: RequestContext, returnedOn: string) {
  if (!ctx.actor.memberId) throw new AppError('forbidden', '该账号未关联党员信息，不能使用党员端');
  await recordReturn(deps, ctx, ctx.actor.memberId, returnedOn);
  return getMyProfile(deps, ctx);
}
