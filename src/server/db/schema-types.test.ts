import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSchemaTypesCurrent, checkedValues, SCHEMA_TYPES_FILE, schemaTypesOf } from '../../../scripts/db-types.ts';
import { openDatabase, type OpenedDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

// The CI check of the generated table types: schema.generated.ts must be exactly what
// `npm run db:types` writes for the schema the migrations produce.

describe('schema.generated.ts', () => {
  let opened: OpenedDatabase;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    opened = await openDatabase({ pglite: await PGlite.create() });
    await migrateToLatest(opened.db);
    db = opened.db as unknown as Kysely<unknown>;
  });
  afterAll(async () => {
    await opened.close();
  });

  it('is what npm run db:types generates from the migrated schema', async () => {
    const committed = readFileSync(SCHEMA_TYPES_FILE, 'utf8');
    assertSchemaTypesCurrent(await schemaTypesOf(db), committed);
  });

  it('is reported stale, with the command that fixes it, once the schema changes', async () => {
    const committed = readFileSync(SCHEMA_TYPES_FILE, 'utf8');
    await sql`ALTER TABLE tenant ADD COLUMN motto text`.execute(db);
    await sql`ALTER TABLE org DROP CONSTRAINT org_kind_check, ADD CONSTRAINT org_kind_check CHECK (kind IN ('committee','branch'))`.execute(db);
    const changed = await schemaTypesOf(db);
    expect(changed).toContain('  motto: string | null;\n');
    expect(changed).toContain('  kind: "committee" | "branch";\n');
    expect(() => assertSchemaTypesCurrent(changed, committed)).toThrow(/run npm run db:types[\s\S]*committed: {3}kind: "committee" \| "general_branch" \| "branch" \| "group";\n {2}generated: {3}kind: "committee" \| "branch";/);
  });
});

describe('the value list of a CHECK constraint', () => {
  it('is read from IN lists, single values and quoted quotes', () => {
    expect(checkedValues("CHECK ((kind = ANY (ARRAY['committee'::text, 'general_branch'::text])))", 'kind')).toEqual(['committee', 'general_branch']);
    expect(checkedValues("CHECK ((scope = 'pair'::text))", 'scope')).toEqual(['pair']);
    expect(checkedValues("CHECK ((note = ANY (ARRAY['it''s'::text, 'b'::text])))", 'note')).toEqual(["it's", 'b']);
    expect(checkedValues(`CHECK (("order" = ANY (ARRAY['a'::text, 'b'::text])))`, 'order')).toEqual(['a', 'b']);
  });

  it('is nothing for any other check, or a check of another column', () => {
    expect(checkedValues('CHECK (((length(name) >= 1) AND (length(name) <= 100)))', 'name')).toBeNull();
    expect(checkedValues("CHECK ((kind = ANY (ARRAY['a'::text])))", 'status')).toBeNull();
    expect(checkedValues("CHECK (((kind = ANY (ARRAY['a'::text])) OR (note IS NULL)))", 'kind')).toBeNull();
  });
});
