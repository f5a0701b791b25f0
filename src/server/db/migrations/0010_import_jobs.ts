import { sql, type Kysely } from 'kysely';

/**
 * Roster import jobs live in the database, so every app process sharing it can answer a poll,
 * and the queue (one import at a time per tenant, in upload order) holds across processes and
 * restarts. The upload waits in the row until a process claims it and is cleared when the job
 * ends. At most one job of a tenant is running: the partial unique index makes two processes
 * that claim at the same moment collide instead of importing side by side.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE import_job (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY,
      account_id uuid NOT NULL,
      ip text,
      file_name text NOT NULL,
      upload bytea,
      state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'failed', 'done')),
      phase text NOT NULL DEFAULT 'reading' CHECK (phase IN ('reading', 'validating', 'writing', 'finished')),
      processed integer NOT NULL DEFAULT 0,
      total integer NOT NULL DEFAULT 0,
      imported integer NOT NULL DEFAULT 0,
      issues jsonb NOT NULL DEFAULT '[]',
      message text,
      worker_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id)
    );
    ALTER TABLE import_job ALTER COLUMN upload SET STORAGE EXTERNAL;
    CREATE UNIQUE INDEX import_job_one_running ON import_job (tenant_id) WHERE state = 'running';
    CREATE INDEX import_job_queued ON import_job (tenant_id, seq) WHERE state = 'queued';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE import_job`.execute(db);
}
