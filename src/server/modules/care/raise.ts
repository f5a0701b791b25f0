import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { CareTaskKind } from '../../db/tables.ts';
import { noticeCareAssigned } from './notices.ts';

export interface RaiseCareTask {
  tenantId: string;
  memberId: string;
  kind: CareTaskKind;
  reason: string;
  dueOn: string;
  /** a member who does it; undefined: the member's current mentor; null: the secretaries above the member */
  assigneeMemberId?: string | null | undefined;
  sourceTalkId?: string | null | undefined;
}

/**
 * Opens a care task, or joins the one already open: the same trigger never opens a second task for
 * the same member while one of its kind is open or snoozed (care_task_open_uq). Joining writes a
 * 'merged' event with the new reason to the open task's history, so nothing said is lost.
 *
 * Runs inside the caller's transaction (`tx`); `ctx` is null for scheduled work.
 */
export async function raiseCareTask(tx: Executor, ctx: RequestContext | null, input: RaiseCareTask): Promise<{ taskId: string; created: boolean }> {
  const { tenantId, memberId } = input;
  const assignee =
    input.assigneeMemberId !== undefined
      ? sql<string | null>`${input.assigneeMemberId}::uuid`
      : sql<string | null>`(SELECT mentor_member_id FROM mentorship WHERE tenant_id = ${tenantId} AND member_id = ${memberId} AND ended_on IS NULL)`;
  const actor = { account_id: ctx?.actor.accountId ?? null, actor_name: ctx?.actor.displayName ?? '系统' };
  const detail = JSON.stringify({ dueOn: input.dueOn, sourceTalkId: input.sourceTalkId ?? null });
  // Twice at most: the open task that blocked the insert may be closed before we read it.
  for (let attempt = 0; ; attempt++) {
    const inserted = await sql<{ id: string; assignee_member_id: string | null }>`
      INSERT INTO care_task (tenant_id, member_id, kind, reason, assignee_member_id, due_on, source_talk_id, created_by)
      VALUES (${tenantId}, ${memberId}, ${input.kind}, ${input.reason}, ${assignee}, ${input.dueOn}, ${input.sourceTalkId ?? null}, ${ctx?.actor.accountId ?? null})
      ON CONFLICT (tenant_id, member_id, kind) WHERE status IN ('open', 'snoozed') DO NOTHING
      RETURNING id, assignee_member_id
    `.execute(tx);
    const created = inserted.rows[0];
    if (created) {
      await tx.insertInto('care_task_event').values({ tenant_id: tenantId, task_id: created.id, kind: 'created', note: input.reason, ...actor, detail }).execute();
      await noticeCareAssigned(tx, tenantId, created.id, created.assignee_member_id);
      return { taskId: created.id, created: true };
    }
    const open = await tx
      .selectFrom('care_task')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', memberId)
      .where('kind', '=', input.kind)
      .where('status', 'in', ['open', 'snoozed'])
      .executeTakeFirst();
    if (open) {
      await tx.insertInto('care_task_event').values({ tenant_id: tenantId, task_id: open.id, kind: 'merged', note: input.reason, ...actor, detail }).execute();
      return { taskId: open.id, created: false };
    }
    if (attempt > 0) throw new Error(`care task of kind ${input.kind} neither opened nor found`);
  }
}
