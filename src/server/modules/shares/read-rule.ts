import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { listScope, scopePaths } from '../../auth/policy.ts';

/**
 * A photo or voice recording attached to a shared post is readable by whoever may see the post:
 * a member whose unit path starts with the post's audience path (a hidden post: only its author),
 * and the secretaries whose subtree covers the audience unit.
 */
export async function mayReadShareFile(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const { actor } = ctx;
  const moderates = scopePaths(listScope(actor, 'community.manage'));
  const moderated =
    moderates === 'all' ? sql`true` : moderates.length === 0 ? sql`false` : sql`(${sql.join(moderates.map((p) => sql`p.audience_path LIKE ${`${p}%`}`), sql` OR `)})`;
  const { rows } = await sql<{ ok: number }>`
    SELECT 1 AS ok
      FROM share_post_file f
      JOIN share_post p ON p.tenant_id = f.tenant_id AND p.id = f.post_id AND p.deleted_at IS NULL
      LEFT JOIN member m ON m.tenant_id = p.tenant_id AND m.id = ${actor.memberId} AND m.left_at IS NULL
      LEFT JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
     WHERE f.tenant_id = ${actor.tenantId} AND f.file_id = ${fileId}
       AND (${moderated}
            OR p.member_id = ${actor.memberId}
            OR (p.hidden_at IS NULL AND o.path LIKE p.audience_path || '%'))
     LIMIT 1`.execute(db);
  return rows.length > 0;
}
