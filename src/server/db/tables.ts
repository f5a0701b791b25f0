import type { Insertable, Selectable, Updateable } from 'kysely';
import type * as Schema from './schema.generated.ts';

/**
 * Table types for Kysely. The tables themselves are generated from the migrated schema
 * (schema.generated.ts, `npm run db:types`): add a migration, run `npm run db:types`, commit both.
 * Never edit the generated file; this file only names what code imports:
 * - `DB`, the database Kysely is typed with;
 * - the value lists of CHECK-constrained columns (`OrgKind` is `org.kind`'s CHECK list), read
 *   from the generated tables so they follow the migrations;
 * - row types (`OrgRow`, `NewMember`…) and table aliases older code uses.
 * A JSON column whose shape code relies on would be refined here (`Omit<Schema.X, 'col'> & {…}`);
 * today every json/jsonb column selects as `unknown` and is written as JSON text.
 */
export type DB = Schema.DB;

/** A table's row as selected: `Row<'org'>`. */
export type Row<T extends keyof DB> = Selectable<DB[T]>;

export type OrgKind = Row<'org'>['kind'];
export type StudyItemKind = Row<'study_item'>['kind'];
export type StudyCategory = Row<'study_item'>['category'];
export type PushAudience = Row<'push'>['audience'];
export type SessionKind = Row<'study_session'>['kind'];
export type AttendanceStatus = Row<'attendance'>['status'];
export type CareTaskKind = Row<'care_task'>['kind'];
export type CareTaskEventKind = Row<'care_task_event'>['kind'];
export type TalkChannel = Row<'talk'>['channel'];
export type CardOccasion = Row<'card_campaign'>['occasion'];
export type CardChannel = Row<'card'>['channel'];
export type CardPostStatus = Row<'card'>['post_status'];

export type MemberTable = DB['member'];
export type MobilityTable = DB['mobility'];
export type StudySessionTable = DB['study_session'];
export type ImportJobTable = DB['import_job'];

export type OrgRow = Row<'org'>;
export type MemberRow = Row<'member'>;
export type NewMember = Insertable<DB['member']>;
export type MemberUpdate = Updateable<DB['member']>;
export type MobilityRow = Row<'mobility'>;
export type AccountRow = Row<'account'>;
