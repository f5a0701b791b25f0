/**
 * One process per embedded data folder, with real processes: the server on a PGlite folder takes
 * its lock; a second server is refused with the first one's pid; the CLI backs up through the
 * running server while talks keep being recorded, and refuses to restore. Then the server is
 * killed with SIGKILL, restarts on the same folder (taking over the stale lock) with every
 * acknowledged talk there, and the backup restores into a fresh folder with the rows it announced
 * and the very same files.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/database.ts';
import { LOCK_FILE, type LockHolder } from '../../src/server/db/data-lock.ts';
import { inspectBackup, tableDigests } from '../../src/server/backup.ts';
import { freePort, ROOT, startServer, type RunningServer } from './support/server.ts';
import { clock } from '../../src/server/clock.ts';

const PASSWORD = 'data-folder-1';
const SECRETARY = '13800000000';
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-folder-'));
const dataDir = path.join(base, 'data');
const restoredDir = path.join(base, 'restored');
const backupFile = path.join(base, 'lianxin.tar.gz');
let server: RunningServer | null = null;

afterAll(async () => {
  await server?.stop();
  fs.rmSync(base, { recursive: true, force: true });
});

/** The environment of a process on `dir` only: nothing from the caller's may point elsewhere. */
function envFor(dir: string, more: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'LIANXIN_TRUST_PROXY', 'LIANXIN_SESSION_DAYS']) delete env[name];
  return { ...env, NODE_ENV: 'development', LIANXIN_DATA_DIR: dir, LOG_LEVEL: 'warn', ...more };
}

interface Run {
  code: number | null;
  out: string;
}

/** A process to its end: `npm run lianxin -- …` or a second server. */
function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
const cli = (args: string[], dir = dataDir): Promise<Run> => run(['src/server/cli.ts', ...args], envFor(dir));

const holder = (): LockHolder => JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

interface Session {
  headers: Record<string, string>;
}

async function login(baseUrl: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: SECRETARY, password: PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** Yesterday in China: a talk may not be dated after today there, whatever the clock of this machine says. */
function yesterdayInChina(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(clock.now());
  return new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

async function uploadPhoto(baseUrl: string, s: Session, n: number): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([PNG, crypto.randomBytes(5000 + n * 1000)]), `合影${n}.png`);
  const res = await fetch(`${baseUrl}/api/files?purpose=attachment`, { method: 'POST', headers: s.headers, body: form });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('a data folder used by several processes', () => {
  let pid = 0;
  let session: Session;
  let memberIds: string[] = [];
  /** Talks the server answered 200 for, in order. */
  const acknowledged: string[] = [];
  let beforeBackup = 0;

  it('is held by the running server, and a second server is refused with its pid', async () => {
    server = await startServer({ dataDir, keepData: true, password: PASSWORD });
    pid = holder().pid;
    expect(holder()).toMatchObject({ purpose: 'server', host: os.hostname() });
    const second = await run(['src/server/main.ts'], envFor(dataDir, { PORT: String(await freePort()), HOST: '127.0.0.1' }));
    expect(second.code).toBe(1);
    expect(second.out).toContain(`pid ${pid}`);
    expect(second.out).toContain('正被另一个进程使用');
    expect(holder().pid).toBe(pid);
    for (const name of ['.', 'pgdata', 'files'].filter((n) => fs.existsSync(path.join(dataDir, n)))) expect(fs.statSync(path.join(dataDir, name)).mode & 0o777).toBe(0o700);
    for (const name of [LOCK_FILE, 'secret.key', 'control.sock']) expect(fs.statSync(path.join(dataDir, name)).mode & 0o777).toBe(0o600);
  });

  it('backs up through the running server while talks are being recorded, and refuses a restore', async () => {
    const { baseUrl } = server as RunningServer;
    session = await login(baseUrl);
    const members = (await (await fetch(`${baseUrl}/api/members?pageSize=100`, { headers: session.headers })).json()) as { items: { id: string }[] };
    memberIds = members.items.map((m) => m.id);
    for (let n = 1; n <= 3; n++) await uploadPhoto(baseUrl, session, n);

    const talkedOn = yesterdayInChina();
    const writing = { stop: false, ended: false };
    const writer = (async () => {
      for (let n = 0; !writing.stop; n++) {
        const res = await fetch(`${baseUrl}/api/talks`, {
          method: 'POST',
          headers: { ...session.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ id: crypto.randomUUID(), memberId: memberIds[n % memberIds.length], talkedOn, channel: 'phone', summary: `备份期间的谈话 ${n}` }),
        });
        expect(res.status, await res.clone().text()).toBe(200);
        acknowledged.push(((await res.json()) as { id: string }).id);
      }
    })().finally(() => {
      writing.ended = true;
    });
    try {
      while (acknowledged.length < 10 && !writing.ended) await new Promise((r) => setTimeout(r, 50));
      beforeBackup = acknowledged.length;
      const backup = await cli(['backup', backupFile]);
      expect(backup.code, backup.out).toBe(0);
      expect(backup.out).toContain(`by the running server (pid ${pid})`);
      expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);

      const restore = await cli(['restore', backupFile]);
      expect(restore.code).toBe(1);
      expect(restore.out).toContain(`服务正在运行（pid ${pid}），请先停止服务再恢复`);

      const xlsx = path.join(base, 'roster.xlsx');
      const exported = await cli(['export', xlsx, '--as', SECRETARY]);
      expect(exported.code, exported.out).toBe(0);
      expect(exported.out).toContain('已导出 113 名党员');
      expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');

      // A second backup while the server runs (the "second try").
      const again = await cli(['backup', path.join(base, 'again.tar.gz')]);
      expect(again.code, again.out).toBe(0);
    } finally {
      const target = acknowledged.length + 50;
      while (acknowledged.length < target && !writing.ended) await new Promise((r) => setTimeout(r, 50));
      writing.stop = true;
      await writer;
    }
    expect(holder().pid).toBe(pid);
  });

  it('loses nothing acknowledged when the server is killed with SIGKILL, and restarts on the same folder', async () => {
    process.kill(pid, 'SIGKILL');
    await (server as RunningServer).stop();
    expect(holder().pid).toBe(pid); // left behind by the crash
    server = await startServer({ dataDir, keepData: true, password: PASSWORD });
    expect(holder().pid).not.toBe(pid);
    const { baseUrl } = server;
    session = await login(baseUrl);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await fetch(`${baseUrl}/api/talks/${id}`, { headers: session.headers });
      if (res.status !== 200) missing.push(`${id}: ${res.status}`);
    }
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(beforeBackup + 50);
    const stopped = await server.stop();
    expect(stopped.graceful).toBe(true);
    server = null;
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'control.sock'))).toBe(false);
  });

  it('restores the backup into a fresh folder: the rows it announced and the very same files', async () => {
    const restore = await cli(['restore', backupFile], restoredDir);
    expect(restore.code, restore.out).toBe(0);
    const contents = await inspectBackup(backupFile);
    const opened = await openDatabase({ dataDir: restoredDir });
    try {
      const digests = await tableDigests(opened.db);
      const rows = Object.fromEntries(Object.entries(digests).map(([name, d]) => [name, d.rows]));
      expect(rows).toEqual(Object.fromEntries(contents.tables.map((t) => [t.name, t.rows])));
      // Every talk acknowledged before the backup started is in it.
      const talks = new Set((await opened.db.selectFrom('talk').select('id').execute()).map((t) => t.id));
      expect(acknowledged.slice(0, beforeBackup).filter((id) => !talks.has(id))).toEqual([]);
      // The files, byte for byte, as the server stored them.
      const files = await opened.db.selectFrom('stored_file').select(['storage_key', 'sha256']).execute();
      expect(files.length).toBe(contents.files?.count);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const f of files) {
        expect(sha256(path.join(restoredDir, 'files', f.storage_key))).toBe(f.sha256);
        expect(sha256(path.join(dataDir, 'files', f.storage_key))).toBe(f.sha256);
      }
      console.log(
        `backup made by the running server while talks were recorded: ${contents.tables.reduce((n, t) => n + t.rows, 0)} rows in ${contents.tables.length} tables, ` +
          `${contents.files?.count} files; restored: the same count in every table, every file's SHA-256 equal; ` +
          `${acknowledged.length} talks acknowledged (${beforeBackup} before the backup), none lost to SIGKILL`,
      );
    } finally {
      await opened.close();
    }
  });
});
