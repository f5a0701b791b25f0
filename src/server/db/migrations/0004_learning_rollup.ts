import { sql, type Kysely } from 'kysely';

/**
 * Attendance counters in the monthly learning rollup (`learning_month`), so the coverage view of a
 * county's year reads one row per member and month, pushes and sessions together, instead of
 * joining every attendance row to its session.
 *
 * An attendance row counts only while its session is closed (a planned session is not yet a gap; a
 * cancelled one never counts), in the month the session starts (Asia/Shanghai):
 *   sessions_invited   every invitee of the closed session
 *   sessions_attended  present or late
 *   sessions_made_up   made up
 *   sessions_missed    absent or excused (not made up)
 *
 * Statement triggers keep the counters:
 *   - attendance insert / update / delete: the changed rows' delta under their session's current
 *     status (a check-in on a planned session writes nothing);
 *   - study_session update (status or start changed): its attendance rows' delta between the old and
 *     the new session (closing adds them, cancelling a closed session takes them away);
 *   - a closed session deleted: BEFORE DELETE takes its counts away while its attendance still
 *     exists; the cascaded attendance delete then finds no session and adds nothing.
 * One rule for writers: change a session and its attendance in separate statements (not in one
 * statement through data-modifying CTEs), as every use case does anyway.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE learning_month
      ADD COLUMN sessions_invited integer NOT NULL DEFAULT 0,
      ADD COLUMN sessions_attended integer NOT NULL DEFAULT 0,
      ADD COLUMN sessions_made_up integer NOT NULL DEFAULT 0,
      ADD COLUMN sessions_missed integer NOT NULL DEFAULT 0;

    -- Adds signed attendance rows (one element per row: +1 counts it, -1 takes it away) to the rollup.
    CREATE FUNCTION learning_month_apply_attendance(tenant_ids uuid[], member_ids uuid[], months date[], statuses text[], signs int[])
    RETURNS void LANGUAGE sql AS $fn$
      INSERT INTO learning_month AS lm (tenant_id, member_id, month, sessions_invited, sessions_attended, sessions_made_up, sessions_missed)
      SELECT tenant_id, member_id, month, invited, attended, made_up, missed
      FROM (
        SELECT tenant_id, member_id, month,
               sum(sign)::int AS invited,
               coalesce(sum(sign) FILTER (WHERE status IN ('present','late')), 0)::int AS attended,
               coalesce(sum(sign) FILTER (WHERE status = 'made_up'), 0)::int AS made_up,
               coalesce(sum(sign) FILTER (WHERE status IN ('absent','excused')), 0)::int AS missed
        FROM unnest(tenant_ids, member_ids, months, statuses, signs) AS d(tenant_id, member_id, month, status, sign)
        GROUP BY 1, 2, 3
      ) g
      WHERE invited <> 0 OR attended <> 0 OR made_up <> 0 OR missed <> 0
      ON CONFLICT (tenant_id, member_id, month) DO UPDATE
        SET sessions_invited = lm.sessions_invited + EXCLUDED.sessions_invited,
            sessions_attended = lm.sessions_attended + EXCLUDED.sessions_attended,
            sessions_made_up = lm.sessions_made_up + EXCLUDED.sessions_made_up,
            sessions_missed = lm.sessions_missed + EXCLUDED.sessions_missed;
    $fn$;

    CREATE FUNCTION learning_month_on_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM learning_month_apply_attendance(array_agg(d.tenant_id), array_agg(d.member_id),
                  array_agg(date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Shanghai')::date), array_agg(d.status), array_agg(1))
        FROM new_rows d JOIN study_session s ON s.tenant_id = d.tenant_id AND s.id = d.session_id AND s.status = 'closed';
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM learning_month_apply_attendance(array_agg(d.tenant_id), array_agg(d.member_id),
                  array_agg(date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Shanghai')::date), array_agg(d.status), array_agg(-1))
        FROM old_rows d JOIN study_session s ON s.tenant_id = d.tenant_id AND s.id = d.session_id AND s.status = 'closed';
      ELSE
        PERFORM learning_month_apply_attendance(array_agg(d.tenant_id), array_agg(d.member_id),
                  array_agg(date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Shanghai')::date), array_agg(d.status), array_agg(d.sign))
        FROM (
          SELECT n.tenant_id, n.session_id, n.member_id, n.status, 1 AS sign FROM new_rows n
          UNION ALL
          SELECT o.tenant_id, o.session_id, o.member_id, o.status, -1 FROM old_rows o
        ) d
        JOIN study_session s ON s.tenant_id = d.tenant_id AND s.id = d.session_id AND s.status = 'closed';
      END IF;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER attendance_rollup_insert AFTER INSERT ON attendance
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learning_month_on_attendance();
    CREATE TRIGGER attendance_rollup_update AFTER UPDATE ON attendance
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learning_month_on_attendance();
    CREATE TRIGGER attendance_rollup_delete AFTER DELETE ON attendance
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION learning_month_on_attendance();

    CREATE FUNCTION learning_month_on_session_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM learning_month_apply_attendance(array_agg(d.tenant_id), array_agg(d.member_id), array_agg(d.month), array_agg(d.status), array_agg(d.sign))
      FROM (
        SELECT a.tenant_id, a.member_id, date_trunc('month', n.starts_at AT TIME ZONE 'Asia/Shanghai')::date AS month, a.status, 1 AS sign
        FROM new_rows n
        JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
        JOIN attendance a ON a.tenant_id = n.tenant_id AND a.session_id = n.id
        WHERE n.status = 'closed' AND (o.status <> 'closed' OR o.starts_at <> n.starts_at)
        UNION ALL
        SELECT a.tenant_id, a.member_id, date_trunc('month', o.starts_at AT TIME ZONE 'Asia/Shanghai')::date, a.status, -1
        FROM new_rows n
        JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
        JOIN attendance a ON a.tenant_id = o.tenant_id AND a.session_id = o.id
        WHERE o.status = 'closed' AND (n.status <> 'closed' OR o.starts_at <> n.starts_at)
      ) d;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER study_session_rollup_update AFTER UPDATE ON study_session
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learning_month_on_session_update();

    CREATE FUNCTION learning_month_on_session_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM learning_month_apply_attendance(array_agg(a.tenant_id), array_agg(a.member_id),
                array_agg(date_trunc('month', OLD.starts_at AT TIME ZONE 'Asia/Shanghai')::date), array_agg(a.status), array_agg(-1))
      FROM attendance a WHERE a.tenant_id = OLD.tenant_id AND a.session_id = OLD.id;
      RETURN OLD;
    END;
    $$;
    CREATE TRIGGER study_session_rollup_delete BEFORE DELETE ON study_session
      FOR EACH ROW WHEN (OLD.status = 'closed') EXECUTE FUNCTION learning_month_on_session_delete();

    -- Whatever attendance exists already.
    INSERT INTO learning_month AS lm (tenant_id, member_id, month, sessions_invited, sessions_attended, sessions_made_up, sessions_missed)
    SELECT a.tenant_id, a.member_id, date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Shanghai')::date,
           count(*), count(*) FILTER (WHERE a.status IN ('present','late')),
           count(*) FILTER (WHERE a.status = 'made_up'), count(*) FILTER (WHERE a.status IN ('absent','excused'))
    FROM attendance a JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id AND s.status = 'closed'
    GROUP BY 1, 2, 3
    ON CONFLICT (tenant_id, member_id, month) DO UPDATE
      SET sessions_invited = EXCLUDED.sessions_invited, sessions_attended = EXCLUDED.sessions_attended,
          sessions_made_up = EXCLUDED.sessions_made_up, sessions_missed = EXCLUDED.sessions_missed;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the learning rollup migration cannot be reverted');
}
