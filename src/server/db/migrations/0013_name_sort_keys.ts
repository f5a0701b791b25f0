import { sql, type Kysely } from 'kysely';
import { nameSortKey } from '../../name-sort-key.ts';

/**
 * Members are listed in pinyin order. PGlite has no Chinese collation, so each member keeps a sort
 * key (`nameSortKey`, computed in Node on every write of the name) in collation "C", which orders
 * the same bytes the same way on PGlite and PostgreSQL. Existing members get theirs here, a batch
 * at a time; the list's index follows the new order.
 */
const BATCH = 1000;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE member ADD COLUMN name_sort_key text COLLATE "C"`.execute(db);
  for (;;) {
    const rows = await sql<{ tenant_id: string; id: string; name: string }>`
      SELECT tenant_id, id, name FROM member WHERE name_sort_key IS NULL LIMIT ${BATCH}`.execute(db);
    if (rows.rows.length === 0) break;
    const keys = rows.rows.map((r) => nameSortKey(r.name));
    await sql`
      UPDATE member m SET name_sort_key = k.key
      FROM unnest(${rows.rows.map((r) => r.tenant_id)}::uuid[], ${rows.rows.map((r) => r.id)}::uuid[], ${keys}::text[]) AS k(tenant_id, id, key)
      WHERE m.tenant_id = k.tenant_id AND m.id = k.id`.execute(db);
  }
  await sql`ALTER TABLE member ALTER COLUMN name_sort_key SET NOT NULL`.execute(db);
  await sql`DROP INDEX member_name_order_idx`.execute(db);
  await sql`CREATE INDEX member_name_order_idx ON member (tenant_id, name_sort_key, name, id) WHERE left_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX member_name_order_idx`.execute(db);
  await sql`CREATE INDEX member_name_order_idx ON member (tenant_id, name, id) WHERE left_at IS NULL`.execute(db);
  await sql`ALTER TABLE member DROP COLUMN name_sort_key`.execute(db);
}
