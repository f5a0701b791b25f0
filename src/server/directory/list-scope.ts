import type { Executor } from '../db/database.ts';
import type { OrgRow } from '../db/tables.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize, authorizeList, scopePaths, type Action, type ListAction } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { getOrg, topUnit } from './units.ts';

/** The unit `orgId`, after checking the caller may do `action` on it (404 组织, else 403). */
export async function unitFor(db: Executor, ctx: RequestContext, action: Action, orgId: string): Promise<OrgRow> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, action, { kind: 'org', tenantId: actor.tenantId, path: org.path });
  return org;
}

/**
 * The unit subtrees a list across units covers: `orgId`'s, when the caller may do `action` on that
 * unit, or else the whole scope `auth/policy.ts` grants for `action` ('all' for the tenant admin;
 * 403 when it is empty).
 */
export async function listSubtrees(db: Executor, ctx: RequestContext, action: ListAction, orgId?: string): Promise<string[] | 'all'> {
  if (orgId) return [(await unitFor(db, ctx, action, orgId)).path];
  return scopePaths(authorizeList(ctx.actor, action));
}

/**
 * The unit a summary describes (the dashboard, the coverage view): `orgId`, or else the widest unit
 * of the caller's scope for `action` (the top unit for the tenant admin); then checked with
 * `action` on that unit.
 */
export async function summaryUnit(db: Executor, ctx: RequestContext, action: ListAction, orgId: string | undefined): Promise<OrgRow> {
  const { actor } = ctx;
  let root: OrgRow;
  if (orgId) root = await getOrg(db, actor.tenantId, orgId);
  else {
    const paths = scopePaths(authorizeList(actor, action));
    if (paths === 'all') root = await topUnit(db, actor.tenantId);
    else {
      // A unit's path ends with its own id; the shortest path is the widest unit (the first of equals).
      const widest = [...paths].sort((a, b) => a.length - b.length)[0];
      const id = widest?.split('/').filter(Boolean).at(-1);
      if (!id) throw new AppError('forbidden', '无权执行此操作');
      root = await getOrg(db, actor.tenantId, id);
    }
  }
  authorize(actor, action, { kind: 'org', tenantId: actor.tenantId, path: root.path });
  return root;
}
