import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { requireMember } from '../../directory/members.ts';
import { notFound } from '../../errors.ts';

/**
 * The member opened a notice from its link (`?n=<id>`): the first open is kept. A member's own
 * notice (SMS, Web Push), or a group robot's digest over the member's unit; any other id is "not
 * found", so ids of other people's notices say nothing. Like a read, it is the member's own trace
 * and no audit entry (the in-app open and read stay the proof of reach).
 */
export async function markNoticeOpened(db: Executor, ctx: RequestContext, notificationId: string): Promise<{ openedAt: string }> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const { rows } = await sql<{ opened_at: Date }>`
    UPDATE notification n SET opened_at = COALESCE(n.opened_at, lianxin_now())
    WHERE n.tenant_id = ${tenantId} AND n.id = ${notificationId}
      AND (n.member_id = ${memberId} OR (n.robot_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM notify_robot r
        JOIN org ro ON ro.tenant_id = r.tenant_id AND ro.id = r.org_id
        JOIN member m ON m.tenant_id = r.tenant_id AND m.id = ${memberId}
        JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
        WHERE r.tenant_id = n.tenant_id AND r.id = n.robot_id AND mo.path LIKE ro.path || '%')))
    RETURNING n.opened_at`.execute(db);
  const row = rows[0];
  if (!row) throw notFound('通知');
  return { openedAt: row.opened_at.toISOString() };
}
