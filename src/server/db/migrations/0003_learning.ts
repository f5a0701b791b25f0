import { sql, type Kysely } from 'kysely';

/**
 * Learning (不缺课、不漏学): the study library and its files, daily pushes with per-member delivery
 * and read tracking, classes and meetings with one attendance row per (session, member), make-ups,
 * follow-up tasks raised by absence streaks, and the monthly learning rollup the coverage view reads.
 *
 * Idempotency lives in primary keys: (push, member) for deliveries, (session, member) for
 * attendance and make-ups, and one open task per (member, kind). Every scheduled job writes with
 * ON CONFLICT DO NOTHING, so a restart or a retry never sends or records twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE member ADD COLUMN last_active_at timestamptz;

    -- Uploaded files (audio, video, PDF, images). The bytes live in the storage (the data folder by
    -- default); the row keeps what is needed to serve and check them.
    CREATE TABLE stored_file (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      storage_key text NOT NULL,
      file_name text NOT NULL,
      mime_type text NOT NULL,
      size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
      sha256 text NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );

    CREATE TABLE study_item (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      -- the unit that owns the item: its secretaries edit it; it can be pushed anywhere below
      org_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('article','audio','video','pdf')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      category text NOT NULL CHECK (category IN ('party_history','theory','policy','micro_lecture','home_news','other')),
      tags text[] NOT NULL DEFAULT '{}',
      author text,
      summary text,
      body_html text,
      media_url text,
      file_id uuid,
      -- expected reading or listening time; "read" needs the end or this long (min 30 s)
      minutes integer NOT NULL DEFAULT 5 CHECK (minutes BETWEEN 1 AND 600),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, file_id) REFERENCES stored_file(tenant_id, id)
    );
    CREATE INDEX study_item_org_idx ON study_item (tenant_id, org_id, created_at DESC);

    -- 每日一推送: a plan for one moment, one or more items, one audience.
    CREATE TABLE push (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      planned_at timestamptz NOT NULL,
      audience text NOT NULL CHECK (audience IN ('subtree','mobile','list')),
      audience_member_ids uuid[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','delivered','cancelled')),
      delivered_at timestamptz,
      delivered_count integer NOT NULL DEFAULT 0,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX push_due_idx ON push (planned_at) WHERE status = 'planned';
    CREATE INDEX push_org_idx ON push (tenant_id, org_id, planned_at DESC);

    CREATE TABLE push_item (
      tenant_id uuid NOT NULL,
      push_id uuid NOT NULL,
      item_id uuid NOT NULL,
      position integer NOT NULL,
      PRIMARY KEY (tenant_id, push_id, item_id),
      FOREIGN KEY (tenant_id, push_id) REFERENCES push(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, item_id) REFERENCES study_item(tenant_id, id)
    );

    -- One row per (push, member): the inbox entry. Its key is the idempotency record of delivery.
    CREATE TABLE push_delivery (
      tenant_id uuid NOT NULL,
      push_id uuid NOT NULL,
      member_id uuid NOT NULL,
      delivered_at timestamptz NOT NULL DEFAULT now(),
      opened_at timestamptz,
      -- items of the push this member has read (to the end or for the minimum time)
      read_item_ids uuid[] NOT NULL DEFAULT '{}',
      read_at timestamptz,
      reminded_at timestamptz,
      PRIMARY KEY (tenant_id, push_id, member_id),
      FOREIGN KEY (tenant_id, push_id) REFERENCES push(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX push_delivery_member_idx ON push_delivery (tenant_id, member_id, delivered_at DESC);

    -- 三会一课, 云课堂, 主题党日 …
    CREATE TABLE study_session (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('online_class','members_meeting','committee_meeting','group_meeting','party_lecture','theme_day')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      mode text NOT NULL CHECK (mode IN ('online','on_site','both')),
      meeting_url text,
      location text,
      agenda text,
      replay_url text,
      checkin_opens_at timestamptz NOT NULL,
      checkin_closes_at timestamptz NOT NULL,
      -- secret behind the rotating check-in QR code (never sent to members)
      qr_secret text NOT NULL,
      audience text NOT NULL CHECK (audience IN ('subtree','list')),
      status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','closed','cancelled')),
      closed_at timestamptz,
      minutes text,
      makeup_days integer NOT NULL DEFAULT 30 CHECK (makeup_days BETWEEN 1 AND 365),
      makeup_questions jsonb NOT NULL DEFAULT '[]',
      series_id uuid,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      CHECK (ends_at > starts_at),
      CHECK (checkin_closes_at > checkin_opens_at)
    );
    CREATE INDEX study_session_org_idx ON study_session (tenant_id, org_id, starts_at DESC);
    CREATE INDEX study_session_due_idx ON study_session (ends_at) WHERE status = 'planned';

    CREATE TABLE session_material (
      tenant_id uuid NOT NULL,
      session_id uuid NOT NULL,
      item_id uuid NOT NULL,
      position integer NOT NULL,
      PRIMARY KEY (tenant_id, session_id, item_id),
      FOREIGN KEY (tenant_id, session_id) REFERENCES study_session(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, item_id) REFERENCES study_item(tenant_id, id)
    );

    CREATE TABLE session_attachment (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('minutes','photo','other')),
      file_id uuid NOT NULL,
      caption text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, session_id) REFERENCES study_session(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, file_id) REFERENCES stored_file(tenant_id, id)
    );

    -- One row per (session, invitee): invited at planning, then present / late / excused / absent /
    -- made up. The key makes a double tap, a retry or a second device harmless.
    CREATE TABLE attendance (
      tenant_id uuid NOT NULL,
      session_id uuid NOT NULL,
      member_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited','present','late','excused','absent','made_up')),
      -- full members vote; the quorum of a members' meeting counts them
      voting boolean NOT NULL,
      checked_in_at timestamptz,
      method text CHECK (method IN ('self','qr','marked')),
      marked_by uuid,
      leave_reason text,
      leave_status text CHECK (leave_status IN ('requested','approved','rejected')),
      leave_requested_at timestamptz,
      leave_decided_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, session_id, member_id),
      FOREIGN KEY (tenant_id, session_id) REFERENCES study_session(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX attendance_member_idx ON attendance (tenant_id, member_id);

    -- 补学: for every absent or excused invitee of a closed session.
    CREATE TABLE makeup (
      tenant_id uuid NOT NULL,
      session_id uuid NOT NULL,
      member_id uuid NOT NULL,
      -- what the attendance was before the make-up (restored when a reflection is sent back late)
      missed_status text NOT NULL CHECK (missed_status IN ('absent','excused')),
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','submitted','returned','expired')),
      reflection text,
      answers jsonb,
      submitted_at timestamptz,
      review_note text,
      reviewed_by uuid,
      reviewed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, session_id, member_id),
      FOREIGN KEY (tenant_id, session_id, member_id) REFERENCES attendance(tenant_id, session_id, member_id) ON DELETE CASCADE
    );
    CREATE INDEX makeup_member_idx ON makeup (tenant_id, member_id) WHERE status IN ('open','returned');

    -- Follow-up work about a member (the care module grows this; learning raises absence streaks).
    -- The partial unique index is the de-duplication: one open task per member and kind.
    CREATE TABLE care_task (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('absence_streak','unread_streak','follow_up','visit','hardship','lost_contact')),
      reason text NOT NULL,
      -- the member's mentor when the task was raised (sees it in the member app); the branch
      -- secretaries above the member see it in the console
      mentor_member_id uuid,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','snoozed','done','dropped')),
      due_on date NOT NULL,
      snoozed_until date,
      note text,
      closed_at timestamptz,
      closed_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, mentor_member_id) REFERENCES member(tenant_id, id)
    );
    CREATE UNIQUE INDEX care_task_open_uq ON care_task (tenant_id, member_id, kind) WHERE status IN ('open','snoozed');
    CREATE INDEX care_task_mentor_idx ON care_task (tenant_id, mentor_member_id) WHERE status IN ('open','snoozed');

    -- Pushes delivered and read per member and month, kept by a statement trigger on push_delivery,
    -- so a county's year of coverage sums 12 rows per member instead of 365 deliveries.
    CREATE TABLE learning_month (
      tenant_id uuid NOT NULL,
      member_id uuid NOT NULL,
      month date NOT NULL,
      pushes_delivered integer NOT NULL DEFAULT 0,
      pushes_read integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, member_id, month),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );

    CREATE FUNCTION learning_month_on_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO learning_month AS lm (tenant_id, member_id, month, pushes_delivered, pushes_read)
      SELECT tenant_id, member_id, date_trunc('month', delivered_at AT TIME ZONE 'Asia/Shanghai')::date,
             count(*), count(*) FILTER (WHERE read_at IS NOT NULL)
      FROM new_rows GROUP BY 1, 2, 3
      ON CONFLICT (tenant_id, member_id, month) DO UPDATE
        SET pushes_delivered = lm.pushes_delivered + EXCLUDED.pushes_delivered,
            pushes_read = lm.pushes_read + EXCLUDED.pushes_read;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER push_delivery_rollup_insert AFTER INSERT ON push_delivery
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learning_month_on_delivery();

    CREATE FUNCTION learning_month_on_read() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO learning_month AS lm (tenant_id, member_id, month, pushes_read)
      SELECT n.tenant_id, n.member_id, date_trunc('month', n.delivered_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
      FROM new_rows n JOIN old_rows o USING (tenant_id, push_id, member_id)
      WHERE n.read_at IS NOT NULL AND o.read_at IS NULL
      GROUP BY 1, 2, 3
      ON CONFLICT (tenant_id, member_id, month) DO UPDATE SET pushes_read = lm.pushes_read + EXCLUDED.pushes_read;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER push_delivery_rollup_update AFTER UPDATE ON push_delivery
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learning_month_on_read();

    -- Each background job's last run, so an operator (and the catch-up at start) can see it.
    CREATE TABLE job_run (
      name text PRIMARY KEY,
      last_started_at timestamptz,
      last_finished_at timestamptz,
      last_error text,
      runs bigint NOT NULL DEFAULT 0
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the learning migration cannot be reverted');
}
