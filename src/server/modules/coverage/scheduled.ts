import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { getSettings } from '../settings/index.ts';

/**
 * Follow-up tasks raised by learning, for every tenant with its own settings, in set-based SQL
 * (a county has 60,000 members: no loop per member):
 *
 *  - absence streak: the member's last N closed sessions they were invited to (N =
 *    absenceStreakSessions) were all absent or excused, none made up;
 *  - unread streak: pushes were delivered in the last unreadStreakDays days and the member read
 *    none of them (nor anything else in that time), and they had deliveries before the window too
 *    (a member added last week is not flagged).
 *
 * De-duplication: one open or snoozed task per member and kind (the partial unique index
 * care_task_open_uq, ON CONFLICT DO NOTHING), so runs repeat harmlessly. A streak already handled
 * (a closed task of that kind) is not raised again for the same sessions: an absence streak needs a
 * session closed after the last such task was closed; an unread streak needs a whole window of
 * silence after it was closed. The task goes to the current mentor (and the secretaries above the
 * member, who see every task in their units), due in 7 days, with its 'created' history event
 * written in the same statement (as raiseCareTask in care/raise.ts writes it). A rule has nothing
 * new to add to a task already open, so a repeat writes no 'merged' event either. Snoozed tasks
 * coming back is the care module's job (care/scheduled.ts).
 */
export async function raiseStreakTasks(db: Database, now: Date): Promise<number> {
  let handled = 0;
  const tenants = await db.selectFrom('tenant').select('id').execute();
  for (const { id: tenantId } of tenants) {
    const settings = await getSettings(db, tenantId);
    handled += await raiseAbsenceStreaks(db, tenantId, settings.absenceStreakSessions, now);
    handled += await raiseUnreadStreaks(db, tenantId, settings.unreadStreakDays, now);
  }
  return handled;
}

const today = (now: Date) => sql`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date`;

/** The 'created' history event of each task the CTE `created` opened (one row per new task). */
const createdEvents = sql`
    INSERT INTO care_task_event (tenant_id, task_id, kind, actor_name, note, detail)
    SELECT tenant_id, id, 'created', '系统', reason, jsonb_build_object('dueOn', due_on, 'sourceTalkId', NULL)
    FROM created
    RETURNING task_id`;

async function raiseAbsenceStreaks(db: Database, tenantId: string, n: number, now: Date): Promise<number> {
  const { rows } = await sql<{ task_id: string }>`
    WITH ranked AS (
      SELECT a.member_id, a.status, s.title, s.starts_at, coalesce(s.closed_at, s.ends_at) AS closed_at,
             row_number() OVER (PARTITION BY a.member_id ORDER BY s.starts_at DESC, s.id DESC) AS rn
      FROM attendance a
      JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id
      WHERE a.tenant_id = ${tenantId} AND s.status = 'closed'
    ),
    streak AS (
      SELECT member_id, string_agg(title, '、' ORDER BY starts_at) AS titles, max(closed_at) AS last_closed
      FROM ranked
      WHERE rn <= ${n}
      GROUP BY member_id
      HAVING count(*) = ${n} AND bool_and(status IN ('absent', 'excused'))
    ),
    created AS (
      INSERT INTO care_task (tenant_id, member_id, kind, reason, assignee_member_id, due_on)
      SELECT ${tenantId}, st.member_id, 'absence_streak', ${`连续 ${n} 次缺课：`} || st.titles, ms.mentor_member_id, ${today(now)} + 7
      FROM streak st
      JOIN member m ON m.tenant_id = ${tenantId} AND m.id = st.member_id AND m.left_at IS NULL
      LEFT JOIN mentorship ms ON ms.tenant_id = ${tenantId} AND ms.member_id = st.member_id AND ms.ended_on IS NULL
      WHERE NOT EXISTS (
        SELECT 1 FROM care_task c
        WHERE c.tenant_id = ${tenantId} AND c.member_id = st.member_id AND c.kind = 'absence_streak'
          AND c.status IN ('done', 'dropped') AND c.closed_at >= st.last_closed
      )
      ON CONFLICT (tenant_id, member_id, kind) WHERE status IN ('open', 'snoozed') DO NOTHING
      RETURNING tenant_id, id, reason, due_on
    )
    ${createdEvents}
  `.execute(db);
  return rows.length;
}

async function raiseUnreadStreaks(db: Database, tenantId: string, days: number, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - days * 86_400_000);
  const { rows } = await sql<{ task_id: string }>`
    WITH silent AS (
      SELECT pd.member_id, count(*) AS delivered
      FROM push_delivery pd
      WHERE pd.tenant_id = ${tenantId} AND pd.delivered_at > ${windowStart} AND pd.delivered_at <= ${now}
      GROUP BY pd.member_id
      HAVING bool_and(pd.read_at IS NULL)
    ),
    created AS (
      INSERT INTO care_task (tenant_id, member_id, kind, reason, assignee_member_id, due_on)
      SELECT ${tenantId}, si.member_id, 'unread_streak',
             ${`连续 ${days} 天未读学习推送（期间推送 `} || si.delivered || ' 条，均未读）', ms.mentor_member_id, ${today(now)} + 7
      FROM silent si
      JOIN member m ON m.tenant_id = ${tenantId} AND m.id = si.member_id AND m.left_at IS NULL
      LEFT JOIN mentorship ms ON ms.tenant_id = ${tenantId} AND ms.member_id = si.member_id AND ms.ended_on IS NULL
      WHERE EXISTS (
          SELECT 1 FROM push_delivery o
          WHERE o.tenant_id = ${tenantId} AND o.member_id = si.member_id AND o.delivered_at <= ${windowStart}
        )
        AND NOT EXISTS (
          SELECT 1 FROM push_delivery r
          WHERE r.tenant_id = ${tenantId} AND r.member_id = si.member_id AND r.read_at > ${windowStart}
        )
        AND NOT EXISTS (
          SELECT 1 FROM care_task c
          WHERE c.tenant_id = ${tenantId} AND c.member_id = si.member_id AND c.kind = 'unread_streak'
            AND c.status IN ('done', 'dropped') AND c.closed_at > ${windowStart}
        )
      ON CONFLICT (tenant_id, member_id, kind) WHERE status IN ('open', 'snoozed') DO NOTHING
      RETURNING tenant_id, id, reason, due_on
    )
    ${createdEvents}
  `.execute(db);
  return rows.length;
}

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const coverageJobs: ScheduledJob[] = [{ name: 'learning-streaks', everyMs: 60 * 60 * 1000, run: raiseStreakTasks }];
