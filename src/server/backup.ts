import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type RawBuilder } from 'kysely';
import type { Database, Executor } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';

/**
 * Logical backup and restore of the whole database (every tenant), the same on PGlite and on
 * PostgreSQL: one gzip file of JSON lines, a header line, then each table's rows in an order
 * that satisfies foreign keys. Rows travel as PostgreSQL's own JSON rendering (row_to_json) and
 * come back through json_populate_recordset, so every type (uuid, date, timestamptz, jsonb)
 * round-trips exactly without per-type code here.
 *
 * The secret key that encrypts ID numbers is deliberately not in the file.
 */
export const BACKUP_FORMAT = 'lianxin-backup';
export const BACKUP_VERSION = 1;

export interface BackupTable {
  name: string;
  columns: string[];
  primaryKey: string[];
  rows: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  migrations: string[];
  tables: BackupTable[];
}

interface ForeignKey {
  refTable: string;
  columns: { name: string; notNull: boolean }[];
}

interface TableShape {
  name: string;
  /** Insertable columns in table order (generated columns left out). */
  columns: string[];
  primaryKey: string[];
  identityColumns: string[];
  foreignKeys: ForeignKey[];
}

const PAGE_ROWS = 2000;
const INSERT_ROWS = 1000;

/** The application's tables (Kysely's migration bookkeeping excluded: migrations recreate it). */
async function describeTables(db: Executor): Promise<Map<string, TableShape>> {
  const columns = await sql<{ table_name: string; column_name: string; is_identity: string; is_generated: string }>`
    SELECT c.table_name, c.column_name, c.is_identity, c.is_generated
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'kysely\\_migration%'
    ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const constraints = await sql<{ table_name: string; contype: string; ref_table: string | null; cols: { name: string; notNull: boolean }[] }>`
    SELECT cl.relname AS table_name, c.contype, rf.relname AS ref_table,
      json_agg(json_build_object('name', a.attname, 'notNull', a.attnotnull) ORDER BY k.ord) AS cols
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    LEFT JOIN pg_class rf ON rf.oid = c.confrelid
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
    WHERE n.nspname = current_schema() AND c.contype IN ('p', 'f') AND cl.relname NOT LIKE 'kysely\\_migration%'
    GROUP BY c.oid, cl.relname, c.contype, rf.relname
    ORDER BY cl.relname, c.oid`.execute(db);
  const tables = new Map<string, TableShape>();
  for (const c of columns.rows) {
    let t = tables.get(c.table_name);
    if (!t) {
      t = { name: c.table_name, columns: [], primaryKey: [], identityColumns: [], foreignKeys: [] };
      tables.set(c.table_name, t);
    }
    if (c.is_generated === 'ALWAYS') continue;
    t.columns.push(c.column_name);
    if (c.is_identity === 'YES') t.identityColumns.push(c.column_name);
  }
  for (const c of constraints.rows) {
    const t = tables.get(c.table_name);
    if (!t) continue;
    if (c.contype === 'p') t.primaryKey = c.cols.map((x) => x.name);
    else if (c.ref_table) t.foreignKeys.push({ refTable: c.ref_table, columns: c.cols });
  }
  return tables;
}

/** An FK can wait (be filled in after every table is loaded) when one of its columns may be null. */
const deferrable = (fk: ForeignKey): boolean => fk.columns.some((c) => !c.notNull);

/**
 * Referenced tables first. Self-references and cycles (grid ↔ member) are broken at a nullable
 * foreign key: such a column is loaded as NULL and set once the whole backup is in.
 */
export function loadOrder(tables: Map<string, TableShape>): string[] {
  const order: string[] = [];
  const remaining = new Set([...tables.keys()].sort());
  const pending = (t: TableShape): ForeignKey[] => t.foreignKeys.filter((fk) => fk.refTable !== t.name && remaining.has(fk.refTable));
  while (remaining.size) {
    let ready = [...remaining].filter((name) => pending(tables.get(name) as TableShape).length === 0);
    if (ready.length === 0) {
      const breakable = [...remaining].find((name) => pending(tables.get(name) as TableShape).every(deferrable));
      if (!breakable) throw new Error(`cannot order tables for backup: a foreign-key cycle without a nullable column among ${[...remaining].join(', ')}`);
      ready = [breakable];
    }
    for (const name of ready) {
      order.push(name);
      remaining.delete(name);
    }
  }
  return order;
}

const columnList = (cols: string[]): RawBuilder<unknown> => sql.join(cols.map((c) => sql.id(c)));
const qualified = (alias: string, cols: string[]): RawBuilder<unknown> => sql.join(cols.map((c) => sql.ref(`${alias}.${c}`)));

async function appliedMigrations(db: Executor): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('kysely_migration')::text AS t`.execute(db);
  if (!exists.rows[0]?.t) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

// ---------- backup ----------

export interface BackupSummary {
  file: string;
  tables: { name: string; rows: number }[];
}

/** Writes a consistent snapshot (one repeatable-read transaction) of every table to `file`. */
export async function backupDatabase(db: Database, file: string): Promise<BackupSummary> {
  const tmp = `${file}.partial`;
  const gzip = createGzip();
  const out = fs.createWriteStream(tmp, { mode: 0o600 });
  gzip.pipe(out);
  const write = async (line: string): Promise<void> => {
    if (!gzip.write(line + '\n')) await once(gzip, 'drain');
  };
  try {
    const header = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
        const shapes = await describeTables(tx);
        const order = loadOrder(shapes);
        const tables: BackupTable[] = [];
        for (const name of order) {
          const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(tx);
          const shape = shapes.get(name) as TableShape;
          tables.push({ name, columns: shape.columns, primaryKey: shape.primaryKey, rows: count.rows[0]?.n ?? 0 });
        }
        const head: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), migrations: await appliedMigrations(tx), tables };
        await write(JSON.stringify(head));
        for (const t of tables) await dumpTable(tx, t, write);
        return head;
      });
    gzip.end();
    await finished(out);
    fs.renameSync(tmp, file);
    return { file, tables: header.tables.map((t) => ({ name: t.name, rows: t.rows })) };
  } catch (err) {
    gzip.destroy();
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Pages through a table by primary key so a big table never sits in memory whole. */
async function dumpTable(db: Executor, t: BackupTable, write: (line: string) => Promise<void>): Promise<void> {
  const prefix = `{"t":${JSON.stringify(t.name)},"r":`;
  if (t.primaryKey.length === 0) {
    const all = await sql<{ j: string }>`SELECT row_to_json(x)::text AS j FROM ${sql.table(t.name)} AS x`.execute(db);
    for (const r of all.rows) await write(`${prefix}${r.j}}`);
    return;
  }
  const keyCols = qualified('x', t.primaryKey);
  const keyText = sql.join(t.primaryKey.map((c) => sql`${sql.ref(`x.${c}`)}::text`));
  let after: string[] | null = null;
  for (;;) {
    const where: RawBuilder<unknown> = after ? sql`WHERE (${keyCols}) > (${sql.join(after)})` : sql``;
    const page = await sql<{ j: string; k: string[] }>`
      SELECT row_to_json(x)::text AS j, json_build_array(${keyText}) AS k
      FROM ${sql.table(t.name)} AS x ${where}
      ORDER BY ${keyCols} LIMIT ${PAGE_ROWS}`.execute(db);
    for (const r of page.rows) await write(`${prefix}${r.j}}`);
    if (page.rows.length < PAGE_ROWS) return;
    after = (page.rows[page.rows.length - 1] as { k: string[] }).k;
  }
}

// ---------- restore ----------

export class RestoreRefused extends Error {}

interface Loading {
  table: BackupTable;
  shape: TableShape;
  /** Nullable foreign-key columns loaded as NULL and set at the end. */
  deferred: string[];
  held: Record<string, unknown>[];
  batch: Record<string, unknown>[];
}

async function* backupLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file).pipe(createGunzip());
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) if (line) yield line;
}

export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const line of backupLines(file)) return parseHeader(line);
  throw new RestoreRefused('the backup file is empty');
}

function parseHeader(line: string): BackupHeader {
  let head: Partial<BackupHeader>;
  try {
    head = JSON.parse(line) as Partial<BackupHeader>;
  } catch {
    throw new RestoreRefused('not a Lianxin backup (the first line is not JSON)');
  }
  if (head.format !== BACKUP_FORMAT || !Array.isArray(head.tables) || !Array.isArray(head.migrations)) {
    throw new RestoreRefused('not a Lianxin backup file');
  }
  if (head.version !== BACKUP_VERSION) throw new RestoreRefused(`backup format version ${head.version} is not supported (expected ${BACKUP_VERSION})`);
  return head as BackupHeader;
}

/**
 * Restores a backup into an empty database: runs the migrations, then loads every row in one
 * transaction (all or nothing), fills in the foreign keys that had to wait, moves identity
 * sequences past the restored ids and checks every table's row count against the header.
 */
export async function restoreDatabase(db: Database, file: string): Promise<BackupSummary> {
  const lines = backupLines(file);
  const first = await lines.next();
  if (first.done) throw new RestoreRefused('the backup file is empty');
  const header = parseHeader(first.value);

  await migrateToLatest(db);
  const known = new Set(await appliedMigrations(db));
  const unknown = header.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new RestoreRefused(`the backup comes from a newer version of Lianxin (migrations ${unknown.join(', ')}); upgrade first`);
  const shapes = await describeTables(db);
  for (const t of shapes.values()) {
    const any = await sql<{ one: number }>`SELECT 1 AS one FROM ${sql.table(t.name)} LIMIT 1`.execute(db);
    if (any.rows.length) throw new RestoreRefused(`the database is not empty (table ${t.name} has rows): restore only into an empty database`);
  }
  for (const t of header.tables) {
    const shape = shapes.get(t.name);
    if (!shape) throw new RestoreRefused(`the backup has a table this version does not know: ${t.name}`);
    const missing = t.columns.filter((c) => !shape.columns.includes(c));
    if (missing.length) throw new RestoreRefused(`table ${t.name} has no column ${missing.join(', ')} in this version`);
  }

  await db.transaction().execute(async (tx) => {
    // Rollups kept by triggers (learning_month) are restored as they were backed up: the triggers
    // must not count the restored events a second time. Re-enabled before commit.
    for (const name of shapes.keys()) await sql`ALTER TABLE ${sql.table(name)} DISABLE TRIGGER USER`.execute(tx);
    const loaded = new Set<string>();
    /** Rows whose waiting foreign-key columns are set after everything is in: key + those columns. */
    const waiting = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();

    const flush = async (loading: Loading): Promise<void> => {
      if (loading.batch.length === 0) return;
      const { table, shape, batch } = loading;
      const overriding = shape.identityColumns.length ? sql`OVERRIDING SYSTEM VALUE` : sql``;
      await sql`
        INSERT INTO ${sql.table(table.name)} (${columnList(table.columns)}) ${overriding}
        SELECT ${columnList(table.columns)} FROM json_populate_recordset(NULL::${sql.table(table.name)}, ${JSON.stringify(batch)}::json)`.execute(tx);
      loading.batch = [];
    };
    const begin = (name: string): Loading => {
      const table = header.tables.find((t) => t.name === name);
      const shape = shapes.get(name);
      if (!table || !shape) throw new RestoreRefused(`the backup has rows for an undeclared table: ${name}`);
      if (loaded.has(name)) throw new RestoreRefused(`the rows of table ${name} are not together in the backup`);
      // Foreign keys to itself or to a table not loaded yet wait; only their nullable columns are held back.
      const deferred = shape.foreignKeys
        .filter((fk) => fk.refTable === name || !loaded.has(fk.refTable))
        .flatMap((fk) => {
          if (!deferrable(fk)) throw new RestoreRefused(`table ${name} references ${fk.refTable}, which the backup has not loaded yet`);
          return fk.columns.filter((c) => !c.notNull).map((c) => c.name);
        });
      const unique = [...new Set(deferred)];
      if (unique.length && shape.primaryKey.length === 0) throw new RestoreRefused(`table ${name} needs a primary key to be restored`);
      const held: Record<string, unknown>[] = [];
      if (unique.length) waiting.set(name, { columns: unique, rows: held });
      return { table, shape, deferred: unique, held, batch: [] };
    };

    let current: Loading | null = null;
    for await (const line of lines) {
      const { t: name, r: row } = JSON.parse(line) as { t: string; r: Record<string, unknown> };
      if (!current || current.table.name !== name) {
        if (current) {
          await flush(current);
          loaded.add(current.table.name);
        }
        current = begin(name);
      }
      if (current.deferred.some((c) => row[c] !== null && row[c] !== undefined)) {
        const held: Record<string, unknown> = {};
        for (const k of current.shape.primaryKey) held[k] = row[k];
        for (const c of current.deferred) {
          held[c] = row[c];
          row[c] = null;
        }
        current.held.push(held);
      }
      current.batch.push(row);
      if (current.batch.length >= INSERT_ROWS) await flush(current);
    }
    if (current) await flush(current);

    for (const [name, w] of waiting) {
      const shape = shapes.get(name) as TableShape;
      for (let i = 0; i < w.rows.length; i += INSERT_ROWS) {
        const batch = JSON.stringify(w.rows.slice(i, i + INSERT_ROWS));
        const set = sql.join(w.columns.map((c) => sql`${sql.id(c)} = ${sql.ref(`j.${c}`)}`));
        const match = sql.join(shape.primaryKey.map((k) => sql`${sql.ref(`x.${k}`)} = ${sql.ref(`j.${k}`)}`), sql` AND `);
        await sql`
          UPDATE ${sql.table(name)} AS x SET ${set}
          FROM json_populate_recordset(NULL::${sql.table(name)}, ${batch}::json) AS j
          WHERE ${match}`.execute(tx);
      }
    }

    // Identity columns (audit_log.id) continue after the restored ids.
    for (const shape of shapes.values()) {
      for (const c of shape.identityColumns) {
        await sql`
          SELECT setval(pg_get_serial_sequence(${shape.name}, ${c}), m) FROM (SELECT max(${sql.id(c)}) AS m FROM ${sql.table(shape.name)}) s
          WHERE m IS NOT NULL`.execute(tx);
      }
    }

    for (const t of header.tables) {
      const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t.name)}`.execute(tx);
      const n = count.rows[0]?.n ?? 0;
      if (n !== t.rows) throw new RestoreRefused(`table ${t.name}: restored ${n} rows, the backup announced ${t.rows}; nothing was restored`);
    }
    for (const name of shapes.keys()) await sql`ALTER TABLE ${sql.table(name)} ENABLE TRIGGER USER`.execute(tx);
  });
  return { file, tables: header.tables.map((t) => ({ name: t.name, rows: t.rows })) };
}

// ---------- verification ----------

/** Row count and an md5 of every row in key order, per table: equal digests mean equal data. */
export async function tableDigests(db: Database): Promise<Record<string, { rows: number; md5: string }>> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
    const shapes = await describeTables(tx);
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const name of [...shapes.keys()].sort()) {
      const shape = shapes.get(name) as TableShape;
      const order = shape.primaryKey.length ? qualified('x', shape.primaryKey) : sql`row_to_json(x)::text`;
      const r = await sql<{ n: number; md5: string }>`
        SELECT count(*)::int AS n, md5(coalesce(string_agg(row_to_json(x)::text, E'\\n' ORDER BY ${order}), '')) AS md5
        FROM ${sql.table(name)} AS x`.execute(tx);
      out[name] = { rows: r.rows[0]?.n ?? 0, md5: r.rows[0]?.md5 ?? '' };
    }
    return out;
  });
}
