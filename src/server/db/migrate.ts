import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_member_list_indexes.ts';
import * as m0003 from './migrations/0003_learning.ts';
import * as m0004 from './migrations/0004_learning_rollup.ts';
import * as m0004p from './migrations/0004_pushes_indexes.ts';
import * as m0005l from './migrations/0005_library_item_files.ts';
import * as m0006 from './migrations/0006_session_close_index.ts';
import * as m0007 from './migrations/0007_makeup_member_index.ts';
import * as m0008 from './migrations/0008_care.ts';
import * as m0009t from './migrations/0009_talks_follow_up_task.ts';
import * as m0010i from './migrations/0010_import_jobs.ts';
import * as m0011 from './migrations/0011_login_attempts.ts';
import * as m0012o from './migrations/0012_job_run_owner.ts';
import * as m0013 from './migrations/0013_name_sort_keys.ts';
import * as m0014 from './migrations/0014_clock.ts';
import * as m0015 from './migrations/0015_reach.ts';
import * as m0021 from './migrations/0021_notice_marks.ts';
import * as m0017 from './migrations/0017_outbox_indexes.ts';
import * as m0020 from './migrations/0020_channel_health.ts';
import * as m0022 from './migrations/0022_idempotency.ts';
import * as m0023 from './migrations/0023_member_elder_mode.ts';
import * as m0024 from './migrations/0024_article_audio.ts';
import * as m0025 from './migrations/0025_shares.ts';
import * as m0026 from './migrations/0026_questions.ts';
import * as m0027 from './migrations/0027_reviews.ts';
import * as m0028 from './migrations/0028_evaluations.ts';
import * as m0029 from './migrations/0029_news.ts';
import * as m0030 from './migrations/0030_teams.ts';
import * as m0031 from './migrations/0031_service.ts';
import * as m0032 from './migrations/0032_pledges.ts';
import * as m0033 from './migrations/0033_donations_duty.ts';
import * as m0034 from './migrations/0034_disclosure.ts';

/** Migrations are listed in code (not read from disk) so bundlers and tests see the same set. */
// Kysely records applied migrations by name: a released name never changes, and this list is the
// order. A new migration takes the next free number and goes last (the two 0004s are historical).
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_member_list_indexes': m0002,
  '0003_learning': m0003,
  '0004_learning_rollup': m0004,
  '0004_pushes_indexes': m0004p,
  '0005_library_item_files': m0005l,
  '0006_session_close_index': m0006,
  '0007_makeup_member_index': m0007,
  '0008_care': m0008,
  '0009_talks_follow_up_task': m0009t,
  '0010_import_jobs': m0010i,
  '0011_login_attempts': m0011,
  '0012_job_run_owner': m0012o,
  '0013_name_sort_keys': m0013,
  '0014_clock': m0014,
  '0015_reach': m0015,
  '0017_outbox_indexes': m0017,
  '0020_channel_health': m0020,
  '0021_notice_marks': m0021,
  '0022_idempotency': m0022,
  '0023_member_elder_mode': m0023,
  '0024_article_audio': m0024,
  '0025_shares': m0025,
  '0026_questions': m0026,
  '0027_reviews': m0027,
  '0028_evaluations': m0028,
  '0029_news': m0029,
  '0030_teams': m0030,
  '0031_service': m0031,
  '0032_pledges': m0032,
  '0033_donations_duty': m0033,
  '0034_disclosure': m0034,
};

/** Every migration, oldest first. */
export const MIGRATION_NAMES = Object.keys(migrations);

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
