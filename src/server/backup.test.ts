import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { openTestDatabase } from '../../test/support/harness.ts';
import { ARCHIVE_VERSION, BACKUP_FORMAT, backupDatabase, inspectBackup, restoreBackup, RestoreRefused, saveBackup, tableDigests, type BackupHeader } from './backup.ts';
import { tarEnd, tarHeader, tarPadding } from './tar.ts';
import { requestControl, serverControlHandlers, startControlServer, type ControlServer } from './control.ts';
import { LocalFileStorage } from './storage.ts';
import { runCli } from './cli.ts';
import { recordAudit } from './audit-log.ts';
import { MIGRATION_NAMES } from './db/migrate.ts';
import { seedLearningDemo } from './demo/learning.ts';
import { seedCareDemo } from './demo/care.ts';
import { seedCardsDemo } from './demo/cards.ts';
import { seedDeliveriesDemo } from './demo/deliveries.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let source: Awaited<ReturnType<typeof openTestDatabase>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-backup-'));
const v1File = path.join(dir, 'lianxin.backup.jsonl.gz');
/** Empty in-memory databases to restore into, closed at the end. */
const targets: { opened: OpenedDatabase; pglite: PGlite }[] = [];

async function emptyDatabase(): Promise<OpenedDatabase> {
  const pglite = await PGlite.create();
  const opened = await openDatabase({ pglite });
  targets.push({ opened, pglite });
  return opened;
}

beforeAll(async () => {
  source = await openTestDatabase();
  // Learning history: push deliveries whose monthly rollup is kept by a trigger, which a restore
  // must not run a second time.
  await seedLearningDemo(source.db, source.tenantId);
  // Care records: talks, tasks with their history (identity ids), trips and holiday cards.
  await seedCareDemo(source.db, source.tenantId);
  await seedCardsDemo(source.db, source.tenantId);
  await seedDeliveriesDemo(source.db, source.tenantId);
  // Enough audit entries to page through a table (2000 rows a page) and to check identity ids.
  await sql`INSERT INTO audit_log (tenant_id, action, entity, after)
    SELECT ${source.tenantId}::uuid, 'test.filler', 'test', jsonb_build_object('n', g, 'note', '含中文 "quotes"')
    FROM generate_series(1, 2100) AS g`.execute(source.db);
});
afterAll(async () => {
  for (const t of targets) {
    await t.opened.close();
    await t.pglite.close();
  }
  await source?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('database-only backups (version 1, as earlier versions wrote them)', () => {
  let target: OpenedDatabase;

  it('writes a gzip JSON-lines file with a header in foreign-key order', async () => {
    const summary = await backupDatabase(source.db, v1File);
    const lines = zlib.gunzipSync(fs.readFileSync(v1File)).toString('utf8').trim().split('\n');
    const header = JSON.parse(lines[0] as string) as BackupHeader;
    expect(header).toMatchObject({ format: 'lianxin-backup', version: 1, migrations: MIGRATION_NAMES });
    const names = header.tables.map((t) => t.name);
    expect(names.indexOf('tenant')).toBeLessThan(names.indexOf('org'));
    expect(names.indexOf('org')).toBeLessThan(names.indexOf('member'));
    expect(names.indexOf('member')).toBeLessThan(names.indexOf('mobility'));
    expect(names.indexOf('account')).toBeLessThan(names.indexOf('session'));
    expect(summary.tables.find((t) => t.name === 'talk')?.rows).toBeGreaterThan(0);
    expect(names).not.toContain('kysely_migration');
    expect(summary.tables.find((t) => t.name === 'member')?.rows).toBe(113);
    expect(lines.length).toBe(1 + header.tables.reduce((n, t) => n + t.rows, 0));
    expect(await inspectBackup(v1File)).toMatchObject({ version: 1, files: null, tables: summary.tables });
  });

  it('still restores into an empty database with the same data in every table, saying it held no files', async () => {
    target = await emptyDatabase();
    const restored = await restoreBackup(target.db, v1File, path.join(dir, 'v1-files'));
    expect(restored.version).toBe(1);
    expect(restored.files).toBeNull();
    expect(restored.warnings.join()).toMatch(/database only/);
    const [before, after] = await Promise.all([tableDigests(source.db), tableDigests(target.db)]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after).toEqual(before);
    expect(after.member?.rows).toBe(113);
    expect(after.audit_log?.rows).toBeGreaterThanOrEqual(2100);
  });

  it('continues audit ids after the restored ones', async () => {
    const tenant = await target.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow();
    const maxBefore = await target.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow();
    await recordAudit(target.db, null, { tenantId: tenant.id, action: 'test.after_restore', entity: 'test' });
    const added = await target.db.selectFrom('audit_log').select('id').where('action', '=', 'test.after_restore').executeTakeFirstOrThrow();
    expect(Number(added.id)).toBeGreaterThan(Number(maxBefore.m ?? 0));
  });

  it('refuses to restore into a database that has data', async () => {
    await expect(restoreBackup(source.db, v1File, path.join(dir, 'unused-files'))).rejects.toBeInstanceOf(RestoreRefused);
  });

  it('refuses a file that is not a backup', async () => {
    const bogus = path.join(dir, 'bogus.gz');
    fs.writeFileSync(bogus, zlib.gzipSync('{"hello":"world"}\n'));
    await expect(inspectBackup(bogus)).rejects.toThrow(/not a Lianxin backup/);
    fs.writeFileSync(bogus, 'plain text');
    await expect(inspectBackup(bogus)).rejects.toThrow(/not a gzip file/);
  });

  it('refuses a hostile archive: a huge manifest, a file entry outside files/, a link', async () => {
    const hostile = path.join(dir, 'hostile.tar.gz');
    const at = new Date(Date.UTC(2026, 0, 1));
    // A manifest announcing 64 MiB is refused before any of it is read into memory.
    fs.writeFileSync(hostile, zlib.gzipSync(Buffer.concat([tarHeader('lianxin-backup.json', 64 << 20, at), tarEnd()])));
    await expect(inspectBackup(hostile)).rejects.toThrow(/lianxin-backup.json is too large/);
    const manifest = Buffer.from(JSON.stringify({ format: BACKUP_FORMAT, version: ARCHIVE_VERSION, createdAt: at.toISOString(), migrations: [], tables: [], files: { count: 0, bytes: 0 } }));
    const archive = (name: string, type = '0'): Buffer => {
      const header = tarHeader(name, 1, at);
      if (type !== '0') {
        header.write(type, 156, 'latin1');
        header.write('        ', 148, 'latin1');
        let sum = 0;
        for (const b of header) sum += b;
        header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
      }
      return zlib.gzipSync(Buffer.concat([tarHeader('lianxin-backup.json', manifest.length, at), manifest, tarPadding(manifest.length), header, Buffer.from('x'), tarPadding(1), tarEnd()]));
    };
    const uuid = '00000000-0000-4000-8000-000000000000';
    const into = await emptyDatabase();
    for (const name of [`files/../${uuid}/${uuid}`, `files/${uuid}/../../../etc/passwd`, `/etc/${uuid}`]) {
      fs.writeFileSync(hostile, archive(name));
      await expect(inspectBackup(hostile)).rejects.toThrow(/unexpected entry/);
      await expect(restoreBackup(into.db, hostile, path.join(dir, 'hostile-files'))).rejects.toThrow(/unexpected entry/);
    }
    fs.writeFileSync(hostile, archive(`files/${uuid}/${uuid}`, '2'));
    await expect(inspectBackup(hostile)).rejects.toThrow(/a kind a backup never holds/);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('hostile-files'))).toEqual([]);
  });
});

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file under `root` by its path inside it, with its SHA-256. */
function fileHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(root)) return out;
  for (const d of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (d.isFile()) out[path.relative(root, path.join(d.parentPath, d.name))] = sha256(path.join(d.parentPath, d.name));
  }
  return out;
}

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

describe('full backups (database and uploaded files) through the running server', () => {
  const dataDir = path.join(dir, 'data');
  const filesDir = path.join(dataDir, 'files');
  let storage: LocalFileStorage;
  let control: ControlServer;
  const quiet = { info: () => {}, warn: () => {} };

  /** An upload as the library makes it: the bytes into storage, then the row (and an audit entry) in one transaction. */
  async function upload(n: number): Promise<void> {
    const bytes = crypto.randomBytes(1000 + ((Math.abs(n) * 7919) % 200_000));
    const stored = await storage.put(source.tenantId, Readable.from([bytes]), 1 << 20);
    await source.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('stored_file')
        .values({ tenant_id: source.tenantId, storage_key: stored.key, file_name: `照片${n}.png`, mime_type: 'image/png', size_bytes: stored.sizeBytes, sha256: stored.sha256 })
        .execute();
      await recordAudit(tx, null, { tenantId: source.tenantId, action: 'test.write', entity: 'test', after: { n } });
    });
  }

  beforeAll(async () => {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    storage = new LocalFileStorage(filesDir);
    for (let n = 1; n <= 3; n++) await upload(-n);
    control = await startControlServer(dataDir, serverControlHandlers({ db: source.db, cipher: source.cipher, filesDir }), quiet);
  });
  afterAll(async () => {
    await control?.close();
  });

  const backupThroughServer = async (file: string) => saveBackup((await requestControl(dataDir, { command: 'backup' })).body, file);

  it('listens on a socket only its owner may use', () => {
    expect(mode(control.path)).toBe(0o600);
    expect(fs.statSync(control.path).isSocket()).toBe(true);
    expect(path.dirname(control.path)).toBe(path.resolve(dataDir));
  });

  it('takes a consistent snapshot while writes continue, and the restore has every file its rows name', async () => {
    const writes = { acknowledged: 0, stop: false };
    const writer = (async () => {
      while (!writes.stop) {
        await upload(writes.acknowledged + 1);
        writes.acknowledged++; // committed
      }
    })();
    const waitFor = async (count: number): Promise<void> => {
      while (writes.acknowledged < count) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(5);
    const before = writes.acknowledged;
    const file = path.join(dir, 'during-writes.tar.gz');
    const contents = await backupThroughServer(file);
    await waitFor(writes.acknowledged + 3);
    writes.stop = true;
    await writer;
    const { acknowledged } = writes;

    expect(contents.version).toBe(2);
    expect(contents.files?.count).toBeGreaterThanOrEqual(3 + before);
    expect(mode(file)).toBe(0o600);

    const target = await emptyDatabase();
    const targetFiles = path.join(dir, 'restored-during', 'files');
    const restored = await restoreBackup(target.db, file, targetFiles);
    expect(restored.warnings).toEqual([]);
    expect(restored.tables).toEqual(contents.tables);
    // A snapshot: the writes it holds are exactly the first K, with nothing missing in between.
    const written = await target.db.selectFrom('audit_log').select('after').where('action', '=', 'test.write').execute();
    const ns = written.map((w) => (w.after as { n: number }).n).filter((n) => n > 0).sort((a, b) => a - b);
    expect(ns.length).toBeGreaterThanOrEqual(before);
    expect(ns.length).toBeLessThan(acknowledged);
    expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1));
    // Every file the restored rows name is there, byte for byte.
    const rows = await target.db.selectFrom('stored_file').select(['storage_key', 'sha256']).execute();
    expect(rows.length).toBe(ns.length + 3);
    for (const r of rows) expect(sha256(path.join(targetFiles, r.storage_key))).toBe(r.sha256);
    // Private, like everything in a data folder.
    expect(mode(targetFiles)).toBe(0o700);
    for (const r of rows) {
      expect(mode(path.join(targetFiles, r.storage_key))).toBe(0o600);
      expect(mode(path.dirname(path.join(targetFiles, r.storage_key)))).toBe(0o700);
    }
    expect(fs.readdirSync(path.dirname(targetFiles))).toEqual(['files']); // no unpacking folder left
  });

  it('restores exactly what the server had: every table, every file', async () => {
    const file = path.join(dir, 'quiet.tar.gz');
    const contents = await backupThroughServer(file);
    const target = await emptyDatabase();
    const targetFiles = path.join(dir, 'restored-quiet', 'files');
    await restoreBackup(target.db, file, targetFiles);
    const [before, after] = await Promise.all([tableDigests(source.db), tableDigests(target.db)]);
    expect(after).toEqual(before);
    const [filesBefore, filesAfter] = [fileHashes(filesDir), fileHashes(targetFiles)];
    expect(Object.keys(filesAfter).length).toBe(contents.files?.count);
    expect(filesAfter).toEqual(filesBefore);
    // The measurement the issue asks for: rows per table and files, server vs restored copy.
    const rows = Object.entries(before).map(([name, d]) => `  ${name.padEnd(20)} ${String(d.rows).padStart(6)} ${String(after[name]?.rows).padStart(6)} ${d.md5 === after[name]?.md5 ? 'same' : 'DIFFERENT'}`);
    console.log(`backup ↔ restore, server running:\n  ${'table'.padEnd(20)} ${'server'.padStart(6)} ${'copy'.padStart(6)}\n${rows.join('\n')}\n  files: ${Object.keys(filesBefore).length} on the server, ${Object.keys(filesAfter).length} restored, SHA-256 all equal`);
  });

  it('never leaves a backup cut short under its name', async () => {
    const whole = fs.readFileSync(path.join(dir, 'quiet.tar.gz'));
    const cut = path.join(dir, 'cut.tar.gz');
    await expect(saveBackup(Readable.from([whole.subarray(0, Math.floor(whole.length / 2))]), cut)).rejects.toThrow(/damaged or incomplete/);
    expect(fs.existsSync(cut)).toBe(false);
    expect(fs.existsSync(`${cut}.partial`)).toBe(false);
    // A flipped byte inside the compressed stream is caught as well.
    const flipped = Buffer.from(whole);
    const at = Math.floor(flipped.length / 3);
    flipped[at] = (flipped[at] as number) ^ 0xff;
    await expect(saveBackup(Readable.from([flipped]), cut)).rejects.toBeInstanceOf(RestoreRefused);
  });
});

describe('commands that write, while a server holds the data folder', () => {
  let server: ChildProcess;
  let serverPid = 0;
  const dataDir = path.join(dir, 'held');

  beforeAll(async () => {
    // Another process holding the folder as the server does (test/support/hold-data-folder.ts).
    server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/hold-data-folder.ts'), dataDir, 'server'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => server.stdout?.once('data', (c: Buffer) => resolve(c.toString())));
    serverPid = (JSON.parse(line) as { pid: number }).pid;
  });
  afterAll(async () => {
    server.stdin?.end();
    await new Promise((r) => server.once('exit', r));
  });

  it('refuse plainly, naming the server pid', async () => {
    const env = { LIANXIN_DATA_DIR: process.env.LIANXIN_DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
    process.env.LIANXIN_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await runCli(['restore', v1File])).toBe(1);
      expect(errors.mock.calls.flat().join('\n')).toContain(`服务正在运行（pid ${serverPid}），请先停止服务再恢复`);
      errors.mockClear();
      expect(await runCli(['create-admin', '--org', '测试镇党委', '--phone', '13900000000', '--name', '管理员'])).toBe(1);
      expect(errors.mock.calls.flat().join('\n')).toContain(`服务正在运行（pid ${serverPid}），请先停止服务再创建管理员`);
    } finally {
      errors.mockRestore();
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    // Nothing was opened: the folder holds the lock and nothing else.
    expect(fs.readdirSync(dataDir)).toEqual(['lianxin.lock']);
  });
});
