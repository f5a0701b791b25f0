import { sql, type Kysely } from 'kysely';

/**
 * Indexes the library and the daily push read by:
 * - the reminder job looks only at deliveries still unread and not yet reminded (a county keeps
 *   millions of deliveries a year; the partial index holds just the few pending ones);
 * - a member's reader checks whether an item was pushed to them, and a file's reader whether a
 *   library item uses it: both look up by the item's or file's id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX push_delivery_unreminded_idx ON push_delivery (tenant_id, delivered_at) WHERE read_at IS NULL AND reminded_at IS NULL;
    CREATE INDEX push_item_item_idx ON push_item (tenant_id, item_id);
    CREATE INDEX study_item_file_idx ON study_item (tenant_id, file_id) WHERE file_id IS NOT NULL;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('this migration cannot be reverted');
}
