import { sql, type Kysely } from 'kysely';

/**
 * Several server processes can share one PostgreSQL database: each job's last run names the
 * process that ran it (host:pid), so an operator sees where it ran and a process can tell that
 * another one ran the job moments ago.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE job_run ADD COLUMN last_owner text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE job_run DROP COLUMN last_owner`.execute(db);
}
