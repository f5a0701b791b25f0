import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { getSettings } from '../settings/index.ts';

/** The day in China at `now`, in SQL. */
const today = (now: Date) => sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date`;

/**
 * Snoozed tasks whose day has come are open again, each with a 'reopened' event (lists already
 * show them open from that day on; this makes the table and the history say so). One statement
 * for every tenant; rows being changed by someone right now are left for the next run.
 */
export async function reopenSnoozedTasks(db: Database, now: Date): Promise<number> {
  const { rows } = await sql<{ task_id: string }>`
    WITH due AS (
      SELECT tenant_id, id, snoozed_until FROM care_task
      WHERE status = 'snoozed' AND snoozed_until <= ${today(now)}
      FOR UPDATE SKIP LOCKED
    ),
    reopened AS (
      UPDATE care_task c SET status = 'open', snoozed_until = NULL
      FROM due
      WHERE c.tenant_id = due.tenant_id AND c.id = due.id AND c.status = 'snoozed'
      RETURNING c.tenant_id, c.id, due.snoozed_until
    )
    INSERT INTO care_task_event (tenant_id, task_id, kind, actor_name, note, detail)
    SELECT tenant_id, id, 'reopened', '系统', '延后的日期已到，任务重新打开', jsonb_build_object('from', 'snoozed', 'snoozedUntil', snoozed_until)
    FROM reopened
    RETURNING task_id
  `.execute(db);
  return rows.length;
}

/**
 * The lost-contact rule (失联核实), per tenant with its own lostContactDays, set-based:
 *
 *  - raise: a mobile member (an open destination) not yet confirmed lost whose last contact (or,
 *    never contacted, the start of the stay — the same rule as the members list's "suspected lost"
 *    flag, flagSql in directory/members.ts) is lostContactDays or more ago gets a 'lost_contact' task for
 *    the secretaries (no assignee), due in 7 days, with a 'created' event. One open task per member
 *    and kind (care_task_open_uq) makes a repeat harmless; a rule has nothing to add to an open task,
 *    so it writes no 'merged' event every hour. The same silence is not raised again once a task
 *    about it was closed: a closed lost-contact task created (at the run's `now`) on or after the
 *    day this silence began to count (last contact + lostContactDays) holds it back. Comparing the
 *    closing time with the last contact would not do: a task is usually closed the day contact is
 *    recorded, and would then hold back the next silence for good.
 *  - close: a task this rule raised is done by itself when its question is answered — the
 *    secretary confirmed the lost contact (POST /api/members/:id/lost-contact), or contact came
 *    back (recorded by hand, a talk, a visit, a return home), or the member is no longer mobile —
 *    with a 'done' event saying which. Tasks made by hand are left to the people who made them.
 */
export async function applyLostContactRule(db: Database, now: Date): Promise<number> {
  const tenants = await db.selectFrom('tenant').select('id').execute();
  let handled = 0;
  for (const { id: tenantId } of tenants) {
    const { lostContactDays: days } = await getSettings(db, tenantId);
    handled += await closeAnsweredLostContactTasks(db, tenantId, days, now);
    handled += await raiseLostContactTasks(db, tenantId, days, now);
  }
  return handled;
}

async function raiseLostContactTasks(db: Database, tenantId: string, days: number, now: Date): Promise<number> {
  const { rows } = await sql<{ task_id: string }>`
    WITH silent AS (
      SELECT m.id AS member_id, COALESCE(m.last_contact_at, mb.since) AS last_contact
      FROM member m
      JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL AND m.lost_contact_since IS NULL
        AND COALESCE(m.last_contact_at, mb.since) <= ${today(now)} - ${days}::int
    ),
    created AS (
      INSERT INTO care_task (tenant_id, member_id, kind, reason, assignee_member_id, due_on, created_at)
      SELECT ${tenantId}, s.member_id, 'lost_contact',
             '已 ' || (${today(now)} - s.last_contact) || ' 天未能联系上（最后联系 ' || to_char(s.last_contact, 'YYYY-MM-DD') || '），请核实并确认是否失联',
             NULL, ${today(now)} + 7, ${now}
      FROM silent s
      WHERE NOT EXISTS (
        SELECT 1 FROM care_task c
        WHERE c.tenant_id = ${tenantId} AND c.member_id = s.member_id AND c.kind = 'lost_contact'
          AND c.status IN ('done', 'dropped')
          AND (c.created_at AT TIME ZONE 'Asia/Shanghai')::date >= s.last_contact + ${days}::int
      )
      ON CONFLICT (tenant_id, member_id, kind) WHERE status IN ('open', 'snoozed') DO NOTHING
      RETURNING tenant_id, id, reason, due_on
    )
    INSERT INTO care_task_event (tenant_id, task_id, kind, actor_name, note, detail)
    SELECT tenant_id, id, 'created', '系统', reason, jsonb_build_object('dueOn', due_on, 'sourceTalkId', NULL, 'rule', 'lost_contact')
    FROM created
    RETURNING task_id
  `.execute(db);
  return rows.length;
}

async function closeAnsweredLostContactTasks(db: Database, tenantId: string, days: number, now: Date): Promise<number> {
  const { rows } = await sql<{ task_id: string }>`
    WITH answered AS (
      SELECT c.tenant_id, c.id,
             CASE
               WHEN m.lost_contact_since IS NOT NULL THEN '已确认失联（自 ' || to_char(m.lost_contact_since, 'YYYY-MM-DD') || ' 起），任务自动完成'
               WHEN mb.id IS NULL THEN '该党员已不是流动党员，任务自动完成'
               ELSE '已恢复联系（最后联系 ' || to_char(COALESCE(m.last_contact_at, mb.since), 'YYYY-MM-DD') || '），任务自动完成'
             END AS note
      FROM care_task c
      JOIN member m ON m.tenant_id = c.tenant_id AND m.id = c.member_id
      LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      WHERE c.tenant_id = ${tenantId} AND c.kind = 'lost_contact' AND c.status IN ('open', 'snoozed')
        AND c.created_by IS NULL
        AND (m.lost_contact_since IS NOT NULL OR mb.id IS NULL
             OR COALESCE(m.last_contact_at, mb.since) > ${today(now)} - ${days}::int)
      FOR UPDATE OF c SKIP LOCKED
    ),
    closed AS (
      UPDATE care_task c SET status = 'done', snoozed_until = NULL, closed_at = ${now}, note = a.note
      FROM answered a
      WHERE c.tenant_id = a.tenant_id AND c.id = a.id
      RETURNING c.tenant_id, c.id, a.note
    )
    INSERT INTO care_task_event (tenant_id, task_id, kind, actor_name, note, detail)
    SELECT tenant_id, id, 'done', '系统', note, jsonb_build_object('rule', 'lost_contact')
    FROM closed
    RETURNING task_id
  `.execute(db);
  return rows.length;
}

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const careJobs: ScheduledJob[] = [
  { name: 'care-snoozed', everyMs: 60 * 60 * 1000, run: reopenSnoozedTasks },
  { name: 'care-lost-contact', everyMs: 60 * 60 * 1000, run: applyLostContactRule },
];
