import { sql, type Kysely } from 'kysely';

/**
 * Files an article shows in its body (images uploaded for it, `<img src="/api/files/<id>">`): kept
 * next to the item so that reading such a file is decided like reading the item's own file (any
 * account of the tenant while the item is in the library) without searching article bodies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE study_item ADD COLUMN body_file_ids uuid[] NOT NULL DEFAULT '{}';
    UPDATE study_item SET body_file_ids = ARRAY(
      SELECT DISTINCT (regexp_matches(body_html, '/api/files/([0-9a-fA-F-]{36})', 'g'))[1]::uuid
    ) WHERE body_html LIKE '%/api/files/%';
    CREATE INDEX study_item_body_files_idx ON study_item USING gin (body_file_ids);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('this migration cannot be reverted');
}
