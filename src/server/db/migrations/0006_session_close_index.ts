import { sql, type Kysely } from 'kysely';

/** The close job looks every minute for planned sessions whose check-in window has closed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX study_session_due_idx;
    CREATE INDEX study_session_close_due_idx ON study_session (checkin_closes_at) WHERE status = 'planned';
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('this migration cannot be reverted');
}
