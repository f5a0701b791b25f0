import { sql, type Kysely } from 'kysely';

/**
 * Channel health (GET /api/notify/health) counts what the outbox sent today and over 14 days, and
 * what failed in the last 24 hours, per tenant: two partial indexes let it read those rows alone
 * instead of every notification the tenant ever had.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX notification_sent_at_idx ON notification (tenant_id, sent_at) WHERE sent_at IS NOT NULL;
    CREATE INDEX notification_failed_at_idx ON notification (tenant_id, failed_at) WHERE status = 'failed';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX notification_failed_at_idx;
    DROP INDEX notification_sent_at_idx;
  `.execute(db);
}
