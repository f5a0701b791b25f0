import { sql, type Kysely } from 'kysely';

/**
 * The outbox's dispatcher asks two questions of every claim of rows, which must not read every row
 * of a large fan-out:
 *  - has the member already opened another notice of the same source? (few rows are ever opened)
 *  - how many SMS went to each member this China day? (the daily cap)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX notification_opened_idx ON notification (tenant_id, source_kind, source_id, member_id) WHERE opened_at IS NOT NULL;
    CREATE INDEX notification_sms_sent_idx ON notification (tenant_id, member_id, sent_at) WHERE channel = 'sms' AND sent_at IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX notification_sms_sent_idx;
    DROP INDEX notification_opened_idx;
  `.execute(db);
}
