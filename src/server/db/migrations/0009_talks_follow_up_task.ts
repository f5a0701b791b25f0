import { sql, type Kysely } from 'kysely';

/**
 * A talk that needs follow-up names the care task it opened — or joined, when the member already
 * had an open follow-up task (care_task.source_talk_id then names an earlier talk or none). The
 * talk keeps that link itself, so a list of talks shows each one's task without reading the tasks'
 * history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE talk
      ADD COLUMN follow_up_task_id uuid,
      ADD FOREIGN KEY (tenant_id, follow_up_task_id) REFERENCES care_task(tenant_id, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE talk DROP COLUMN follow_up_task_id`.execute(db);
}
