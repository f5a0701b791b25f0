import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { listScope, scopePaths } from '../../auth/policy.ts';

/**
 * A photo of a service log is readable by the log's author, the members and leader of the log's
 * team, and the secretaries above the author's unit or the team's unit (and the tenant admin).
 */
export async function mayReadServiceFile(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const { actor } = ctx;
  const manages = scopePaths(listScope(actor, 'service.manage'));
  const managed =
    manages === 'all'
      ? sql`true`
      : manages.length === 0
        ? sql`false`
        : sql`(${sql.join(manages.map((p) => sql`(l.org_path LIKE ${`${p}%`} OR o.path LIKE ${`${p}%`})`), sql` OR `)})`;
  const { rows } = await sql<{ ok: number }>`
    SELECT 1 AS ok
      FROM service_log_photo f
      JOIN service_log l ON l.tenant_id = f.tenant_id AND l.id = f.log_id
      LEFT JOIN service_team t ON t.tenant_id = l.tenant_id AND t.id = l.team_id
      LEFT JOIN org o ON o.tenant_id = t.tenant_id AND o.id = t.org_id
     WHERE f.tenant_id = ${actor.tenantId} AND f.file_id = ${fileId}
       AND (${managed}
            OR l.member_id = ${actor.memberId}
            OR t.leader_member_id = ${actor.memberId}
            OR EXISTS (SELECT 1 FROM service_team_member tm
                        WHERE tm.tenant_id = l.tenant_id AND tm.team_id = l.team_id
                          AND tm.member_id = ${actor.memberId} AND tm.left_at IS NULL))
     LIMIT 1`.execute(db);
  return rows.length > 0;
}

/**
 * A service log's photos often show a person looked after (服务对象): no browser (WeChat's keeps
 * pages on disk) or proxy may keep a copy; each showing is a read of its own.
 */
export async function isServiceLogPhoto(db: Executor, tenantId: string, fileId: string): Promise<boolean> {
  const row = await db.selectFrom('service_log_photo').select('log_id').where('tenant_id', '=', tenantId).where('file_id', '=', fileId).limit(1).executeTakeFirst();
  return row !== undefined;
}
