import { sql, type Kysely } from 'kysely';

/**
 * 长辈模式 set by the secretary for a member (larger text, bigger buttons in the member app). The
 * member's own choice on the phone wins over it; this is what a phone starts in when nothing was chosen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE member ADD COLUMN elder_mode boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE member DROP COLUMN elder_mode`.execute(db);
}
