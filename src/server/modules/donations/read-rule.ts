import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { listScope, scopePaths } from '../../auth/policy.ts';

/** A spending's receipt photo is readable by who manages the campaign's unit (service.manage). */
export async function mayReadSpendingPhoto(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const { actor } = ctx;
  const paths = scopePaths(listScope(actor, 'service.manage'));
  if (paths !== 'all' && paths.length === 0) return false;
  const covered = paths === 'all' ? sql`true` : sql`(${sql.join(paths.map((p) => sql`o.path LIKE ${`${p}%`}`), sql` OR `)})`;
  const { rows } = await sql<{ ok: number }>`
    SELECT 1 AS ok
      FROM donation_spending s
      JOIN donation_campaign c ON c.tenant_id = s.tenant_id AND c.id = s.campaign_id
      JOIN org o ON o.tenant_id = c.tenant_id AND o.id = c.org_id
     WHERE s.tenant_id = ${actor.tenantId} AND s.photo_file_id = ${fileId} AND ${covered}
     LIMIT 1`.execute(db);
  return rows.length > 0;
}
