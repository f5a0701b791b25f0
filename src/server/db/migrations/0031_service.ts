import { sql, type Kysely } from 'kysely';

/**
 * 志愿服务: service projects with tasks members sign up for, and the service logs members write.
 *
 * - `service_project`: a unit's project (每周探访独居老人, 村道环境整治), maybe run by a volunteer
 *   team (`team_id`; `grid_id` is then the team's grid). `status` open → closed | cancelled.
 * - `service_task`: a task of a project with its capacity; `remote` marks what a member in another
 *   city can do from there (a call, a video visit, a job lead).
 * - `service_signup`: one member on one task: 'confirmed' within capacity, else 'waiting' in the
 *   order of `created_at, id`; a cancel keeps the row ('cancelled'). At most one active sign-up
 *   per member and task (a partial unique index). A sign-up locks its task row (FOR UPDATE) before
 *   counting, so two phones taking the last place give one confirmed and one waiting.
 * - `service_log`: who served (`member_id`), for which project/task or team, whom (`recipient_id`,
 *   a person the team looks after), the China day `served_on`, whole `minutes`, what was done.
 *   `org_id` / `org_path` are the member's unit when logged (hours roll up by unit from the path);
 *   `grid_id` and `team_id` are derived from the project or team. `voided_at` / `void_reason`: a
 *   secretary took a wrong log out of every sum (kept for the audit).
 * - `service_log_photo`: a log's photos in their order (≤ 6).
 *
 * - `service_minutes_month`: the minutes and number of non-voided logs per unit path (the member's
 *   unit when logged) and China month, kept by statement triggers on `service_log` in the same
 *   transaction as every insert, void or correction: a county's year rolls up by town and month
 *   from a few thousand rows instead of hundreds of thousands of logs.
 *
 * `team_id` and `recipient_id` name rows of teams' tables (migration 0030), with foreign keys; who
 * may name them is checked by the use cases, which read those tables through teams' index.ts.
 *
 * `org_path` is a copy of the unit's path: moving a unit (orgs' moveOrg) re-paths the logs in the
 * same transaction, and the roll-up follows through the update trigger.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE service_project (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      team_id uuid,
      grid_id uuid,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
      place text NOT NULL DEFAULT '' CHECK (length(place) <= 200),
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed','cancelled')),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, team_id) REFERENCES service_team(tenant_id, id),
      FOREIGN KEY (tenant_id, grid_id) REFERENCES grid(tenant_id, id),
      CHECK (ends_on >= starts_on)
    );
    CREATE INDEX service_project_org_idx ON service_project (tenant_id, org_id, starts_on DESC);
    CREATE INDEX service_project_team_idx ON service_project (tenant_id, team_id) WHERE team_id IS NOT NULL;

    CREATE TABLE service_task (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      project_id uuid NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
      remote boolean NOT NULL DEFAULT false,
      capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
      starts_at timestamptz,
      position integer NOT NULL DEFAULT 0,
      retired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, project_id) REFERENCES service_project(tenant_id, id)
    );
    CREATE INDEX service_task_project_idx ON service_task (tenant_id, project_id, position);

    CREATE TABLE service_signup (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      task_id uuid NOT NULL,
      member_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('confirmed','waiting','cancelled')),
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      cancelled_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, task_id) REFERENCES service_task(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX service_signup_active_uq ON service_signup (tenant_id, task_id, member_id) WHERE status <> 'cancelled';
    CREATE INDEX service_signup_task_idx ON service_signup (tenant_id, task_id, status, created_at, id);
    CREATE INDEX service_signup_member_idx ON service_signup (tenant_id, member_id, created_at DESC);

    CREATE TABLE service_log (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      org_id uuid NOT NULL,
      org_path text NOT NULL,
      project_id uuid,
      task_id uuid,
      team_id uuid,
      grid_id uuid,
      recipient_id uuid,
      served_on date NOT NULL,
      minutes integer NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
      remote boolean NOT NULL DEFAULT false,
      what text NOT NULL CHECK (length(what) BETWEEN 1 AND 1000),
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      voided_at timestamptz,
      void_reason text CHECK (void_reason IS NULL OR length(void_reason) BETWEEN 1 AND 500),
      voided_by uuid,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, project_id) REFERENCES service_project(tenant_id, id),
      FOREIGN KEY (tenant_id, task_id) REFERENCES service_task(tenant_id, id),
      FOREIGN KEY (tenant_id, team_id) REFERENCES service_team(tenant_id, id),
      FOREIGN KEY (tenant_id, grid_id) REFERENCES grid(tenant_id, id),
      FOREIGN KEY (tenant_id, recipient_id) REFERENCES care_recipient(tenant_id, id),
      CHECK ((voided_at IS NULL) = (void_reason IS NULL))
    );
    -- roll-ups over a unit's subtree by day (the console's hours, the bench's town × month)
    CREATE INDEX service_log_path_day_idx ON service_log (tenant_id, org_path text_pattern_ops, served_on) INCLUDE (minutes) WHERE voided_at IS NULL;
    CREATE INDEX service_log_day_idx ON service_log (tenant_id, served_on);
    CREATE INDEX service_log_team_idx ON service_log (tenant_id, team_id, served_on DESC) WHERE team_id IS NOT NULL;
    CREATE INDEX service_log_grid_idx ON service_log (tenant_id, grid_id, served_on DESC) WHERE grid_id IS NOT NULL;
    CREATE INDEX service_log_member_idx ON service_log (tenant_id, member_id, served_on DESC, created_at DESC);
    CREATE INDEX service_log_project_idx ON service_log (tenant_id, project_id) WHERE project_id IS NOT NULL;

    CREATE TABLE service_log_photo (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      log_id uuid NOT NULL,
      file_id uuid NOT NULL,
      position integer NOT NULL CHECK (position BETWEEN 0 AND 5),
      PRIMARY KEY (tenant_id, log_id, file_id),
      FOREIGN KEY (tenant_id, log_id) REFERENCES service_log(tenant_id, id),
      FOREIGN KEY (tenant_id, file_id) REFERENCES stored_file(tenant_id, id)
    );
    CREATE UNIQUE INDEX service_log_photo_position_uq ON service_log_photo (tenant_id, log_id, position);
    CREATE INDEX service_log_photo_file_idx ON service_log_photo (tenant_id, file_id);

    CREATE TABLE service_minutes_month (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      org_path text NOT NULL,
      month date NOT NULL CHECK (extract(day FROM month) = 1),
      -- no CHECK (>= 0): an upsert's proposed row carries a negative change (a void) before it is added
      minutes bigint NOT NULL,
      logs integer NOT NULL,
      PRIMARY KEY (tenant_id, org_path, month)
    );
    CREATE INDEX service_minutes_month_path_idx ON service_minutes_month (tenant_id, org_path text_pattern_ops, month);

    -- A change to service_log: old rows counted negative, new rows positive, summed per unit path and month and added in.
    CREATE FUNCTION service_minutes_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO service_minutes_month AS r (tenant_id, org_path, month, minutes, logs)
        SELECT tenant_id, org_path, date_trunc('month', served_on)::date, -sum(minutes), -count(*)
          FROM old_rows WHERE voided_at IS NULL GROUP BY 1, 2, 3
        ON CONFLICT (tenant_id, org_path, month) DO UPDATE SET minutes = r.minutes + excluded.minutes, logs = r.logs + excluded.logs;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO service_minutes_month AS r (tenant_id, org_path, month, minutes, logs)
        SELECT tenant_id, org_path, date_trunc('month', served_on)::date, sum(minutes), count(*)
          FROM new_rows WHERE voided_at IS NULL GROUP BY 1, 2, 3
        ON CONFLICT (tenant_id, org_path, month) DO UPDATE SET minutes = r.minutes + excluded.minutes, logs = r.logs + excluded.logs;
      END IF;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER service_minutes_insert AFTER INSERT ON service_log REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION service_minutes_apply();
    CREATE TRIGGER service_minutes_update AFTER UPDATE ON service_log REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION service_minutes_apply();
    CREATE TRIGGER service_minutes_delete AFTER DELETE ON service_log REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION service_minutes_apply();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE service_minutes_month;
    DROP TABLE service_log_photo;
    DROP TABLE service_log;
    DROP FUNCTION service_minutes_apply();
    DROP TABLE service_signup;
    DROP TABLE service_task;
    DROP TABLE service_project;
  `.execute(db);
}
