import { sql, type Kysely } from 'kysely';

/**
 * When a class's "starting soon" notice was raised (the notify-starting job): set once, so the job
 * that looks every minute never raises it twice, whether or not any channel reached anyone.
 *
 * A class's change notices each have a source id of their own (one per new time or place), so the
 * per-channel report finds them by the class's path: an index on it, for those notices only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE study_session ADD COLUMN starting_noticed_at timestamptz;
    CREATE INDEX study_session_starting_idx ON study_session (starts_at) WHERE status = 'planned' AND starting_noticed_at IS NULL;
    CREATE INDEX notification_change_link_idx ON notification (tenant_id, link) WHERE source_kind = 'meeting.changed';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX notification_change_link_idx;
    DROP INDEX study_session_starting_idx;
    ALTER TABLE study_session DROP COLUMN starting_noticed_at;
  `.execute(db);
}
