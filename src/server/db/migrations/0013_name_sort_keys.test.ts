import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openTestDatabase } from '../../../../test/support/harness.ts';
import { nameSortKey } from '../../name-sort-key.ts';
import * as migration from './0013_name_sort_keys.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
});
afterAll(async () => env?.close());

describe('migration 0013', () => {
  it('gives members who were there before it their pinyin sort key, and the list index its order', async () => {
    // Back to the database before 0013, with the members the demo made, then forward again.
    // Migrations are written against an untyped Kysely, as the Migrator hands them one.
    const untyped = env.db as unknown as Kysely<unknown>;
    await migration.down(untyped);
    await migration.up(untyped);
    const rows = await env.db.selectFrom('member').select(['name', 'name_sort_key']).execute();
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) expect(r.name_sort_key).toBe(nameSortKey(r.name));
    const index = await sql<{ def: string }>`SELECT pg_get_indexdef('member_name_order_idx'::regclass) AS def`.execute(env.db);
    expect(index.rows[0]?.def).toContain('(tenant_id, name_sort_key, name, id)');
  });
});
