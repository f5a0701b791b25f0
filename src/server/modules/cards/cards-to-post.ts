import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';

/**
 * Cards still to go into the post (待寄出) in the campaigns of these subtrees: the dashboard's
 * 党内关怀 figure. The caller has authorized its reader on the subtrees.
 */
export async function countCardsToPost(db: Executor, tenantId: string, paths: string[]): Promise<number> {
  const row = await db
    .selectFrom('card as k')
    .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
    .where('k.tenant_id', '=', tenantId)
    .where('k.post_status', '=', 'pending')
    .where(inSubtrees(tenantId, paths, 'c.org_id'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}
