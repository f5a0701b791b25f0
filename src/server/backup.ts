import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Readable, pipeline as pipe, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type RawBuilder } from 'kysely';
import type { Database, Executor, Tx } from './db/database.ts';
import { ensurePrivateDir } from './db/data-lock.ts';
import { migrateToLatest } from './db/migrate.ts';
import { listStoredObjects, STORAGE_KEY } from './storage.ts';
import { readTar, TarError, tarEnd, tarHeader, tarPadding, type TarEntry } from './tar.ts';
import { clock } from './clock.ts';

/**
 * Backup and restore of everything an installation keeps, the same on PGlite and on PostgreSQL:
 * every table (all tenants) and the uploaded files, in one .tar.gz that any tar tool can open:
 *
 *   lianxin-backup.json    what the backup holds: version, time, migrations, rows per table, files
 *   files/<tenant>/<key>   the uploaded files, byte for byte
 *   database.jsonl         a header line, then each table's rows in an order that satisfies foreign keys
 *
 * Rows travel as PostgreSQL's own JSON rendering (row_to_json) and come back through
 * json_populate_recordset, so every type (uuid, date, timestamptz, jsonb) round-trips exactly
 * without per-type code here. database.jsonl on its own, gzipped, is a version-1 backup (database
 * only, what earlier versions wrote): still restorable.
 *
 * Consistency while the server runs: the database is read in one repeatable-read transaction into
 * a spool file, so PGlite's single connection is held only while reading, never while a slow
 * reader drains the archive. The files are listed after that snapshot; every file a snapshotted
 * row names is complete by then (an upload is renamed into place before its row is written, and a
 * stored file is never deleted once its row exists). Files uploaded later may ride along unnamed.
 *
 * The secret key that encrypts ID numbers is deliberately not in the file.
 */
export const BACKUP_FORMAT = 'lianxin-backup';
/** Version of the database.jsonl line format (the whole of a version-1, database-only backup). */
export const BACKUP_VERSION = 1;
/** Version of the archive: manifest, files, database. */
export const ARCHIVE_VERSION = 2;
const MANIFEST_ENTRY = 'lianxin-backup.json';
const DATABASE_ENTRY = 'database.jsonl';
const FILES_PREFIX = 'files/';
/** lianxin-backup.json is read whole into memory: a few KiB in a real backup, refused beyond this. */
const MANIFEST_LIMIT = 1 << 20;

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

/** What the archive's first entry says about the rest. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof ARCHIVE_VERSION;
  createdAt: string;
  migrations: string[];
  tables: { name: string; rows: number }[];
  files: { count: number; bytes: number };
}

/** What a backup file was found to hold, every row and byte read and counted. */
export interface BackupContents {
  /** 1: database only (earlier versions); 2: database and files. */
  version: 1 | 2;
  createdAt: string;
  tables: { name: string; rows: number }[];
  files: { count: number; bytes: number } | null;
}

const lineWriter =
  (out: Writable) =>
  async (line: string): Promise<void> => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };

/** Every table in one repeatable-read transaction (a consistent snapshot): the header line, then the rows. */
async function dumpDatabase(db: Database, write: (line: string) => Promise<void>): Promise<BackupHeader> {
  return db
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
      const head: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: clock.now().toISOString(), migrations: await appliedMigrations(tx), tables };
      await write(JSON.stringify(head));
      for (const t of tables) await dumpTable(tx, t, write);
      return head;
    });
}

/** A database-only backup (version 1: gzip JSON lines). Full backups, with the files, come from openBackup. */
export async function backupDatabase(db: Database, file: string): Promise<BackupSummary> {
  const tmp = `${file}.partial`;
  const gzip = createGzip();
  const out = fs.createWriteStream(tmp, { mode: 0o600 });
  gzip.pipe(out);
  try {
    const header = await dumpDatabase(db, lineWriter(gzip));
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

export interface OpenedBackup {
  manifest: BackupManifest;
  /** The .tar.gz, produced as it is read. Destroying it cleans up. */
  stream: Readable;
}

/**
 * Takes the snapshot (the database into a private spool file, then the list of stored files) and
 * returns the archive as a stream. Used by the CLI on a stopped server and by the running server
 * for the CLI (control.ts).
 */
export async function openBackup(db: Database, filesDir: string): Promise<OpenedBackup> {
  const spoolDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lianxin-backup-'));
  const spool = path.join(spoolDir, DATABASE_ENTRY);
  try {
    const out = fs.createWriteStream(spool, { mode: 0o600 });
    let header: BackupHeader;
    try {
      header = await dumpDatabase(db, lineWriter(out));
    } finally {
      out.end();
      await finished(out);
    }
    const files = listStoredObjects(filesDir);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: ARCHIVE_VERSION,
      createdAt: header.createdAt,
      migrations: header.migrations,
      tables: header.tables.map((t) => ({ name: t.name, rows: t.rows })),
      files: { count: files.length, bytes: files.reduce((n, f) => n + f.sizeBytes, 0) },
    };
    const createdAt = new Date(header.createdAt);
    const spoolSize = (await fs.promises.stat(spool)).size;
    async function* archive(): AsyncGenerator<Buffer> {
      const m = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      yield tarHeader(MANIFEST_ENTRY, m.length, createdAt);
      yield m;
      yield tarPadding(m.length);
      for (const f of files) yield* fileEntry(`${FILES_PREFIX}${f.key}`, f.path, f.sizeBytes, f.modifiedAt);
      yield* fileEntry(DATABASE_ENTRY, spool, spoolSize, createdAt);
      yield tarEnd();
    }
    // pipe (not .pipe()): an error reading a file reaches whoever reads the archive. The spool goes
    // when the stream closes: read to the end, failed, or destroyed before it started.
    const stream = pipe(Readable.from(archive()), createGzip(), () => {});
    stream.once('close', () => void fs.promises.rm(spoolDir, { recursive: true, force: true }));
    return { manifest, stream };
  } catch (err) {
    await fs.promises.rm(spoolDir, { recursive: true, force: true });
    throw err;
  }
}

async function* fileEntry(name: string, file: string, size: number, modifiedAt: Date): AsyncGenerator<Buffer> {
  yield tarHeader(name, size, modifiedAt);
  let sent = 0;
  if (size > 0) {
    for await (const chunk of fs.createReadStream(file, { start: 0, end: size - 1 })) {
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  if (sent !== size) throw new Error(`${name} shrank from ${size} to ${sent} bytes while it was backed up`);
  yield tarPadding(size);
}

/**
 * Writes a backup stream to `file` (private, 0600): into "<file>.partial", read back whole and
 * checked (every row and file counted against the manifest), then renamed. A backup cut short
 * (the server stopped, the disk filled) never takes the name.
 */
export async function saveBackup(stream: Readable, file: string): Promise<BackupContents> {
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await pipeline(stream, fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
    const contents = await inspectBackup(partial);
    fs.renameSync(partial, file);
    return contents;
  } catch (err) {
    stream.destroy();
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

/** A full backup (database and files) of this process's database into `file`. */
export async function writeBackup(db: Database, filesDir: string, file: string): Promise<BackupContents> {
  const opened = await openBackup(db, filesDir);
  return saveBackup(opened.stream, file);
}

// ---------- reading backup files ----------

export class RestoreRefused extends Error {}

type OpenedBackupFile =
  | { version: 1; lines: AsyncGenerator<string> }
  | { version: 2; manifest: BackupManifest; entries: AsyncGenerator<TarEntry> };

function gunzipFile(file: string): Readable {
  const gunzip = createGunzip();
  const input = fs.createReadStream(file);
  input.on('error', (err) => gunzip.destroy(err));
  return input.pipe(gunzip);
}

/** Damage found while reading (a cut or corrupted gzip stream, a broken tar) as a refusal that says so. */
function damaged(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof TarError || code.startsWith('Z_')) return new RestoreRefused(`the backup file is damaged or incomplete (${(err as Error).message})`);
  return err;
}

async function* linesOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + decoder.write(chunk)).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) if (line) yield line;
  }
  rest += decoder.end();
  if (rest) yield rest;
}

/** Opens either format: a version-1 file starts with its JSON header line, a version-2 file is a tar. */
async function openBackupFile(file: string): Promise<OpenedBackupFile> {
  const chunks = gunzipFile(file)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (err) {
    if (((err as NodeJS.ErrnoException).code ?? '').startsWith('Z_')) throw new RestoreRefused('not a Lianxin backup (not a gzip file)');
    throw err;
  }
  if (first.done || first.value.length === 0) throw new RestoreRefused('the backup file is empty');
  const all = (async function* () {
    yield first.value;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  if (first.value[0] === 0x7b /* { */) return { version: 1, lines: linesOf(all) };
  const entries = readTar(all);
  try {
    const head = await entries.next();
    if (head.done || head.value.name !== MANIFEST_ENTRY) throw new RestoreRefused('not a Lianxin backup (no lianxin-backup.json at the start)');
    if (head.value.size > MANIFEST_LIMIT) throw new RestoreRefused('not a Lianxin backup (lianxin-backup.json is too large)');
    const pieces: Buffer[] = [];
    for await (const piece of head.value.body()) pieces.push(piece);
    const text = Buffer.concat(pieces).toString('utf8');
    return { version: 2, manifest: parseManifest(text), entries };
  } catch (err) {
    throw damaged(err);
  }
}

function parseManifest(text: string): BackupManifest {
  let m: Partial<BackupManifest>;
  try {
    m = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw new RestoreRefused('not a Lianxin backup (lianxin-backup.json is not JSON)');
  }
  if (m.format !== BACKUP_FORMAT || !Array.isArray(m.tables) || !Array.isArray(m.migrations) || !m.files) throw new RestoreRefused('not a Lianxin backup file');
  if (m.version !== ARCHIVE_VERSION) {
    throw new RestoreRefused(`backup version ${m.version} is not supported (this version of Lianxin reads 1 and ${ARCHIVE_VERSION}${Number(m.version) > ARCHIVE_VERSION ? '; upgrade first' : ''})`);
  }
  return m as BackupManifest;
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

const ROW_PREFIX = /^\{"t":("(?:[^"\\]|\\.)*"),"r":/;

/** Counts the rows of database.jsonl per table and checks them against its header. */
async function countRows(lines: AsyncIterable<string>): Promise<BackupHeader> {
  let header: BackupHeader | null = null;
  const counts = new Map<string, number>();
  let current = '';
  for await (const line of lines) {
    if (!header) {
      header = parseHeader(line);
      continue;
    }
    const m = ROW_PREFIX.exec(line);
    if (!m || !line.endsWith('}')) throw new RestoreRefused('the backup has a damaged row line');
    const name = JSON.parse(m[1] as string) as string;
    if (name !== current && counts.has(name)) throw new RestoreRefused(`the rows of table ${name} are not together in the backup`);
    current = name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (!header) throw new RestoreRefused('the backup has no database header');
  for (const t of header.tables) {
    if ((counts.get(t.name) ?? 0) !== t.rows) throw new RestoreRefused(`table ${t.name}: the backup holds ${counts.get(t.name) ?? 0} rows, its header announces ${t.rows}`);
    counts.delete(t.name);
  }
  if (counts.size) throw new RestoreRefused(`the backup has rows for undeclared tables: ${[...counts.keys()].join(', ')}`);
  return header;
}

/** Reads a whole backup file (either version) and checks every count it announces. */
export async function inspectBackup(file: string): Promise<BackupContents> {
  const opened = await openBackupFile(file);
  try {
    if (opened.version === 1) {
      const header = await countRows(opened.lines);
      return { version: 1, createdAt: header.createdAt, tables: header.tables.map((t) => ({ name: t.name, rows: t.rows })), files: null };
    }
    const { manifest, entries } = opened;
    let header: BackupHeader | null = null;
    const files = { count: 0, bytes: 0 };
    for await (const entry of entries) {
      if (header) throw new RestoreRefused(`the backup has an entry after the database: ${entry.name}`);
      if (entry.name === DATABASE_ENTRY) header = await countRows(linesOf(entry.body()));
      else if (entry.name.startsWith(FILES_PREFIX) && STORAGE_KEY.test(entry.name.slice(FILES_PREFIX.length))) {
        for await (const piece of entry.body()) files.bytes += piece.length;
        files.count++;
      } else throw new RestoreRefused(`the backup has an unexpected entry: ${entry.name}`);
    }
    if (!header) throw new RestoreRefused('the backup has no database (cut short?)');
    checkAgainstManifest(manifest, header, files);
    return { version: 2, createdAt: manifest.createdAt, tables: manifest.tables, files };
  } catch (err) {
    throw damaged(err);
  }
}

function checkAgainstManifest(manifest: BackupManifest, header: BackupHeader, files: { count: number; bytes: number }): void {
  const announced = new Map(manifest.tables.map((t) => [t.name, t.rows]));
  for (const t of header.tables) {
    if (announced.get(t.name) !== t.rows) throw new RestoreRefused(`table ${t.name}: the database holds ${t.rows} rows, lianxin-backup.json announces ${announced.get(t.name)}`);
  }
  checkFilesAgainstManifest(manifest, files);
}

function checkFilesAgainstManifest(manifest: BackupManifest, files: { count: number; bytes: number }): void {
  if (files.count !== manifest.files.count || files.bytes !== manifest.files.bytes) {
    throw new RestoreRefused(`the backup holds ${files.count} files (${files.bytes} bytes), lianxin-backup.json announces ${manifest.files.count} (${manifest.files.bytes} bytes)`);
  }
}

// ---------- restore ----------

interface Loading {
  table: BackupTable;
  shape: TableShape;
  /** Nullable foreign-key columns loaded as NULL and set at the end. */
  deferred: string[];
  held: Record<string, unknown>[];
  batch: Record<string, unknown>[];
}

export interface RestoreSummary extends BackupSummary {
  version: 1 | 2;
  /** Files put back (null: a version-1 backup holds none). */
  files: { count: number; bytes: number } | null;
  /** What the restore noticed but did not refuse for (files the database names that the backup lacks). */
  warnings: string[];
}

/**
 * Restores a backup file of either version into an empty database, and its files into
 * `filesDir`. The files are unpacked into a private folder beside it first; the database is loaded
 * in one transaction (all or nothing); the files take their place only once it has committed.
 */
export async function restoreBackup(db: Database, file: string, filesDir: string): Promise<RestoreSummary> {
  const opened = await openBackupFile(file);
  if (opened.version === 1) {
    const restored = await restoreLines(db, file, opened.lines).catch((err: unknown) => Promise.reject(damaged(err)));
    return { ...restored, version: 1, files: null, warnings: ['this backup (version 1, made before files were included) holds the database only: uploaded files were not restored'] };
  }
  const { manifest, entries } = opened;
  const shapes = await prepareTarget(db, manifest.migrations);
  ensurePrivateDir(path.dirname(filesDir));
  const staging = await fs.promises.mkdtemp(`${filesDir}.restoring-`);
  const unpacked = new Map<string, { size: number; sha256: string }>();
  const unpackedFiles = () => ({ count: unpacked.size, bytes: [...unpacked.values()].reduce((n, f) => n + f.size, 0) });
  const warnings: string[] = [];
  try {
    let restored: BackupSummary | null = null;
    for (;;) {
      const next = await entries.next();
      if (next.done) break;
      const entry = next.value;
      if (restored) throw new RestoreRefused(`the backup has an entry after the database: ${entry.name}`);
      if (entry.name === DATABASE_ENTRY) {
        restored = await restoreLines(db, file, linesOf(entry.body()), {
          shapes,
          beforeCommit: async (tx) => {
            // Everything must have arrived whole before the rows commit.
            const after = await entries.next();
            if (!after.done) throw new RestoreRefused(`the backup has an entry after the database: ${after.value.name}`);
            checkFilesAgainstManifest(manifest, unpackedFiles());
            warnings.push(...(await compareStoredFiles(tx, unpacked)));
          },
        });
        continue;
      }
      const key = entry.name.slice(FILES_PREFIX.length);
      if (!entry.name.startsWith(FILES_PREFIX) || !STORAGE_KEY.test(key)) throw new RestoreRefused(`the backup has an unexpected entry: ${entry.name}`);
      const target = path.join(staging, key);
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const hash = crypto.createHash('sha256');
      let size = 0;
      const out = fs.createWriteStream(target, { mode: 0o600, flags: 'wx' });
      await pipeline(
        entry.body(),
        async function* (pieces: AsyncIterable<Buffer>) {
          for await (const piece of pieces) {
            hash.update(piece);
            size += piece.length;
            yield piece;
          }
        },
        out,
      );
      await fs.promises.utimes(target, entry.modifiedAt, entry.modifiedAt);
      unpacked.set(key, { size, sha256: hash.digest('hex') });
    }
    if (!restored) throw new RestoreRefused('the backup has no database (cut short?)');
    // Committed: the files take their place (a rename each, same file system).
    for (const key of unpacked.keys()) {
      const target = path.join(filesDir, key);
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.promises.rename(path.join(staging, key), target);
    }
    return { ...restored, version: 2, files: unpackedFiles(), warnings };
  } catch (err) {
    throw damaged(err);
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}

const someKeys = (keys: string[]): string => `${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}`;

/** Files the restored database names but the backup lacks or holds otherwise (size, SHA-256). */
async function compareStoredFiles(tx: Tx, unpacked: Map<string, { size: number; sha256: string }>): Promise<string[]> {
  const rows = await tx.selectFrom('stored_file').select(['storage_key', 'size_bytes', 'sha256']).execute();
  const missing: string[] = [];
  const different: string[] = [];
  for (const r of rows) {
    const f = unpacked.get(r.storage_key);
    if (!f) missing.push(r.storage_key);
    else if (f.size !== Number(r.size_bytes) || f.sha256 !== r.sha256) different.push(r.storage_key);
  }
  const out: string[] = [];
  if (missing.length) out.push(`${missing.length} stored file(s) named by the database are not in the backup (they were already missing when it was made): ${someKeys(missing)}`);
  if (different.length) out.push(`${different.length} stored file(s) differ from the size or SHA-256 the database records: ${someKeys(different)}`);
  return out;
}

/**
 * Ready to receive a backup: migrations run, none of the backup's unknown here, every table empty.
 */
async function prepareTarget(db: Database, migrations: string[]): Promise<Map<string, TableShape>> {
  await migrateToLatest(db);
  const known = new Set(await appliedMigrations(db));
  const unknown = migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new RestoreRefused(`the backup comes from a newer version of Lianxin (migrations ${unknown.join(', ')}); upgrade first`);
  const shapes = await describeTables(db);
  for (const t of shapes.values()) {
    const any = await sql<{ one: number }>`SELECT 1 AS one FROM ${sql.table(t.name)} LIMIT 1`.execute(db);
    if (any.rows.length) throw new RestoreRefused(`the database is not empty (table ${t.name} has rows): restore only into an empty database`);
  }
  return shapes;
}

/**
 * Loads database.jsonl lines into an empty database: runs the migrations (unless the caller did),
 * then loads every row in one transaction (all or nothing), fills in the foreign keys that had to
 * wait, moves identity sequences past the restored ids and checks every table's row count
 * against the header.
 */
async function restoreLines(
  db: Database,
  file: string,
  lines: AsyncGenerator<string>,
  opts: { shapes?: Map<string, TableShape>; beforeCommit?: (tx: Tx) => Promise<void> } = {},
): Promise<BackupSummary> {
  const first = await lines.next();
  if (first.done) throw new RestoreRefused('the backup file is empty');
  const header = parseHeader(first.value);

  const shapes = opts.shapes ?? (await prepareTarget(db, header.migrations));
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
    await opts.beforeCommit?.(tx);
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
