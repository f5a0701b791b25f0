import { sql, type Kysely } from 'kysely';

/**
 * An article's recorded audio (its read-aloud for phones that cannot speak Chinese): a stored file
 * of the same tenant, uploaded or recorded by a secretary, or made by a speech synthesis provider
 * when one is configured. `speech_wanted` marks an article published without an audio while a
 * provider was configured (the library.speech job makes it); `speech_attempts` stops retrying a
 * provider that keeps failing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE study_item ADD COLUMN audio_file_id uuid;
    ALTER TABLE study_item ADD CONSTRAINT study_item_audio_file_fk FOREIGN KEY (tenant_id, audio_file_id) REFERENCES stored_file(tenant_id, id);
    ALTER TABLE study_item ADD CONSTRAINT study_item_audio_article_check CHECK (audio_file_id IS NULL OR kind = 'article');
    ALTER TABLE study_item ADD COLUMN speech_wanted boolean NOT NULL DEFAULT false;
    ALTER TABLE study_item ADD COLUMN speech_attempts integer NOT NULL DEFAULT 0;
    CREATE INDEX study_item_audio_file_idx ON study_item (tenant_id, audio_file_id) WHERE audio_file_id IS NOT NULL;
    CREATE INDEX study_item_speech_wanted_idx ON study_item (tenant_id) WHERE speech_wanted;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX study_item_speech_wanted_idx;
    DROP INDEX study_item_audio_file_idx;
    ALTER TABLE study_item DROP COLUMN speech_attempts;
    ALTER TABLE study_item DROP COLUMN speech_wanted;
    ALTER TABLE study_item DROP CONSTRAINT study_item_audio_article_check;
    ALTER TABLE study_item DROP CONSTRAINT study_item_audio_file_fk;
    ALTER TABLE study_item DROP COLUMN audio_file_id;
  `.execute(db);
}
