import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, secretaryPaths } from '../../auth/policy.ts';
import { getOrg } from '../orgs/service.ts';

/**
 * The subtrees a care list across units covers (care tasks, mentoring, trips, cards, birthdays):
 * `orgId`'s, with care.manage on that unit, or else every unit the caller is secretary of
 * (care.manage on the tenant; 'all' for the tenant admin).
 */
export async function careManageScope(db: Executor, ctx: RequestContext, orgId: string | undefined): Promise<string[] | 'all'> {
  const { actor } = ctx;
  if (orgId) {
    const org = await getOrg(db, actor.tenantId, orgId);
    authorize(actor, 'care.manage', { kind: 'org', tenantId: actor.tenantId, path: org.path });
    return [org.path];
  }
  authorize(actor, 'care.manage', { kind: 'tenant', tenantId: actor.tenantId });
  return secretaryPaths(actor);
}
