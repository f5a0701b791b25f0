import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { CareTaskKind } from '../../db/tables.ts';
import { SYSTEM_ACTOR } from './reason-wording.ts';

/**
 * What a rule of another module needs to keep its care tasks (raised through raiseCareTask with no
 * caller) in step with what it finds, without reading care's tables itself.
 */
export interface RuleTaskState {
  /** members with an open or snoozed task of the kind (a rule has nothing to add to it) */
  open: Set<string>;
  /**
   * per member, when their latest task of the kind that a person closed (done or dropped) was
   * created: what they closed holds back raising the same thing again; what a rule closed does not
   */
  lastClosedByPerson: Map<string, Date>;
}

/** The open tasks of `kind` and the last one a person closed, per member of the tenant. */
export async function ruleTaskState(db: Executor, tenantId: string, kind: CareTaskKind): Promise<RuleTaskState> {
  const { rows } = await sql<{ member_id: string; open: boolean; last_closed: Date | null }>`
    SELECT member_id,
           bool_or(status IN ('open', 'snoozed')) AS open,
           max(created_at) FILTER (WHERE status IN ('done', 'dropped') AND closed_by IS NOT NULL) AS last_closed
    FROM care_task
    WHERE tenant_id = ${tenantId} AND kind = ${kind}
    GROUP BY member_id`.execute(db);
  const state: RuleTaskState = { open: new Set(), lastClosedByPerson: new Map() };
  for (const r of rows) {
    if (r.open) state.open.add(r.member_id);
    if (r.last_closed) state.lastClosedByPerson.set(r.member_id, new Date(r.last_closed));
  }
  return state;
}

/**
 * Closes, as done, the open or snoozed tasks of `kind` that a rule raised (no creator) for these
 * members, each with its note and a 'done' event by the system; tasks people made are left to them.
 * Runs in the caller's transaction; rows being changed by someone right now are left for the next run.
 */
export async function closeRuleTasks(tx: Executor, tenantId: string, kind: CareTaskKind, closings: { memberId: string; note: string }[], now: Date): Promise<number> {
  if (closings.length === 0) return 0;
  const memberIds = closings.map((c) => c.memberId);
  const notes = closings.map((c) => c.note);
  const { rows } = await sql<{ task_id: string }>`
    WITH answered AS (
      SELECT c.tenant_id, c.id, x.note
      FROM care_task c
      JOIN unnest(${memberIds}::uuid[], ${notes}::text[]) AS x(member_id, note) ON x.member_id = c.member_id
      WHERE c.tenant_id = ${tenantId} AND c.kind = ${kind} AND c.status IN ('open', 'snoozed') AND c.created_by IS NULL
      FOR UPDATE OF c SKIP LOCKED
    ),
    closed AS (
      UPDATE care_task c SET status = 'done', snoozed_until = NULL, closed_at = ${now}, note = a.note
      FROM answered a
      WHERE c.tenant_id = a.tenant_id AND c.id = a.id
      RETURNING c.tenant_id, c.id, a.note
    )
    INSERT INTO care_task_event (tenant_id, task_id, kind, actor_name, note, detail)
    SELECT tenant_id, id, 'done', ${SYSTEM_ACTOR}, note, jsonb_build_object('rule', ${kind}::text)
    FROM closed
    RETURNING task_id`.execute(tx);
  return rows.length;
}
