import { sql, type Kysely } from 'kysely';

/**
 * A member's make-ups (the member app's list and its home) ask for every make-up of one member,
 * submitted ones included, which the partial index of 0003 (open and returned only) cannot answer:
 * each call scanned the whole make-up table. The index now covers every make-up by member; the
 * expire job, which looked for open and returned make-ups through the old index, gets its own
 * partial index by last day.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX makeup_member_idx;
    CREATE INDEX makeup_member_idx ON makeup (tenant_id, member_id);
    CREATE INDEX makeup_due_idx ON makeup (due_on) WHERE status IN ('open','returned');
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('this migration cannot be reverted');
}
