import { sql, type Kysely } from 'kysely';

/**
 * The member list is ordered by name: an index in that order lets a page of 20 be read without
 * sorting the whole county, and makes counting members an index-only scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX member_name_order_idx ON member (tenant_id, name, id) WHERE left_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX member_name_order_idx`.execute(db);
}
