import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';

/**
 * Whether the caller may see this stored file as a photo of a study-delivery trip (千里送学):
 * whoever manages care in the trip's unit (care.manage), as for the trip itself. Asked by the
 * file download (files/files.ts, through files/read-rules.ts) after its own rules.
 */
export async function mayReadDeliveryPhoto(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const { tenantId } = ctx.actor;
  const units = await db
    .selectFrom('delivery_photo as p')
    .innerJoin('delivery as d', (j) => j.onRef('d.tenant_id', '=', 'p.tenant_id').onRef('d.id', '=', 'p.delivery_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'd.tenant_id').onRef('o.id', '=', 'd.org_id'))
    .select('o.path')
    .where('p.tenant_id', '=', tenantId)
    .where('p.file_id', '=', fileId)
    .execute();
  return units.some((o) => can(ctx.actor, 'care.manage', { kind: 'org', tenantId, path: o.path }));
}
