import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, secretaryPaths } from '../../auth/policy.ts';
import type { OrgRow } from '../../db/tables.ts';
import { getOrg } from '../../directory/index.ts';

/** The unit `orgId`, after checking the caller manages care in it (care.manage on its subtree). */
export async function managedOrg(db: Executor, ctx: RequestContext, orgId: string): Promise<OrgRow> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'care.manage', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  return org;
}

/**
 * The subtrees a care list across units covers (care tasks, mentoring, trips, cards, birthdays):
 * `orgId`'s, with care.manage on that unit, or else every unit the caller is secretary of
 * (care.manage on the tenant; 'all' for the tenant admin).
 */
export async function careManageScope(db: Executor, ctx: RequestContext, orgId: string | undefined): Promise<string[] | 'all'> {
  if (orgId) return [(await managedOrg(db, ctx, orgId)).path];
  authorize(ctx.actor, 'care.manage', { kind: 'tenant', tenantId: ctx.actor.tenantId });
  return secretaryPaths(ctx.actor);
}
