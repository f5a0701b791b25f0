import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFolderBusy, LOCK_FILE, lockDataFolder, type LockHolder } from './data-lock.ts';
import { openDatabase } from './database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const HOLDER = path.join(ROOT, 'test/support/hold-data-folder.ts');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-lock-'));
let n = 0;
const freshDir = (): string => path.join(base, `d${++n}`);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(base, { recursive: true, force: true });
});

interface HolderLine {
  locked: boolean;
  pid: number;
  message?: string;
}

/** A second process that tries to take `dir` (test/support/hold-data-folder.ts). */
function secondProcess(dir: string, purpose: string, ...more: string[]): { child: ChildProcess; line: Promise<HolderLine> } {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir, purpose, ...more], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const line = new Promise<HolderLine>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const at = out.indexOf('\n');
      if (at >= 0) resolve(JSON.parse(out.slice(0, at)) as HolderLine);
    });
    child.on('exit', (code) => reject(new Error(`holder exited (${code}) without a line\n${err}`)));
  });
  return { child, line };
}

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

const readHolder = (dir: string): LockHolder => JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;
const mode = (p: string): number => fs.statSync(p).mode & 0o777;

/** A pid that no process has now: a child that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await exitOf(child);
  return child.pid as number;
}

function writeLock(dir: string, holder: Partial<LockHolder>, ageMs = 0): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_FILE);
  fs.writeFileSync(file, JSON.stringify({ host: os.hostname(), since: new Date().toISOString(), purpose: 'server', nonce: 'old', ...holder }));
  if (ageMs) fs.utimesSync(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
}

// Embedded folders only: the same in both test projects, so run once.
const onPglite = !process.env.LIANXIN_TEST_PG_URL;

describe.runIf(onPglite)('the data-folder lock', () => {
  it('creates the folder private and names its holder in a private lock file', () => {
    const dir = freshDir();
    const lock = lockDataFolder(dir, 'server');
    expect(mode(dir)).toBe(0o700);
    expect(mode(lock.file)).toBe(0o600);
    expect(readHolder(dir)).toMatchObject({ pid: process.pid, host: os.hostname(), purpose: 'server', nonce: lock.holder.nonce });
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
  });

  it('refuses a second process, naming the holder: pid, host, start time, purpose', async () => {
    const dir = freshDir();
    const lock = lockDataFolder(dir, 'server');
    const second = secondProcess(dir, 'lianxin backup');
    const line = await second.line;
    expect(line.locked).toBe(false);
    expect(line.message).toContain(`pid ${process.pid}`);
    expect(line.message).toContain(os.hostname());
    expect(line.message).toContain(lock.holder.since);
    expect(line.message).toContain('server');
    expect(line.message).toContain('正被另一个进程使用');
    await exitOf(second.child);
    expect(readHolder(dir).nonce).toBe(lock.holder.nonce);
    lock.release();
  });

  it('refuses a second opening in the same process', () => {
    const dir = freshDir();
    const lock = lockDataFolder(dir, 'server');
    expect(() => lockDataFolder(dir, 'again')).toThrow(/already open in this process/);
    lock.release();
    lockDataFolder(dir, 'again').release();
  });

  it('lets the next process in once released, and a release never removes a lock it does not own', async () => {
    const dir = freshDir();
    const lock = lockDataFolder(dir, 'first');
    lock.release();
    const next = secondProcess(dir, 'next');
    expect((await next.line).locked).toBe(true);
    lock.release(); // a second release of the old lock
    expect(readHolder(dir).purpose).toBe('next');
    next.child.stdin?.end();
    await exitOf(next.child);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('is let go by a process that exits without closing', async () => {
    const dir = freshDir();
    const quitter = secondProcess(dir, 'quitter', 'exit');
    expect((await quitter.line).locked).toBe(true);
    await exitOf(quitter.child);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('is taken over from a holder killed with SIGKILL', async () => {
    const dir = freshDir();
    const victim = secondProcess(dir, 'server');
    const line = await victim.line;
    expect(line.locked).toBe(true);
    victim.child.kill('SIGKILL');
    await exitOf(victim.child);
    expect(readHolder(dir).pid).toBe(line.pid); // left behind
    const lock = lockDataFolder(dir, 'after the crash');
    expect(readHolder(dir)).toMatchObject({ pid: process.pid, purpose: 'after the crash' });
    lock.release();
  });

  it('is taken over when its pid now belongs to another process (same pid, other start time)', () => {
    if (!fs.existsSync('/proc/self/stat')) return; // start times come from Linux's /proc
    const dir = freshDir();
    writeLock(dir, { pid: process.ppid, pidStart: '1' });
    const lock = lockDataFolder(dir, 'new');
    expect(readHolder(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('is taken over when it is damaged, and refused when its holder runs on another host', async () => {
    const damaged = freshDir();
    fs.mkdirSync(damaged, { recursive: true });
    fs.writeFileSync(path.join(damaged, LOCK_FILE), '{"pid": 12');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(damaged, LOCK_FILE), old, old);
    lockDataFolder(damaged, 'repair').release();

    const elsewhere = freshDir();
    writeLock(elsewhere, { pid: await deadPid(), host: 'another-machine' });
    let refused: unknown;
    try {
      lockDataFolder(elsewhere, 'here');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataFolderBusy);
    expect((refused as DataFolderBusy).where).toBe('other-host');
    expect((refused as Error).message).toContain('another-machine');
    expect((refused as Error).message).toContain(path.join(elsewhere, LOCK_FILE));
  });

  it('lets exactly one of several processes take over a stale lock at the same moment', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = freshDir();
      writeLock(dir, { pid: await deadPid(), nonce: `stale-${round}` });
      const startAt = String(Date.now() + 4_000);
      // The winner holds on until every racer has answered (however late its start).
      const racers = Array.from({ length: 6 }, () => secondProcess(dir, 'racer', '', startAt));
      const lines = await Promise.all(racers.map((r) => r.line));
      for (const r of racers) r.child.stdin?.end();
      const winners = lines.filter((l) => l.locked);
      expect(winners, JSON.stringify(lines)).toHaveLength(1);
      const winner = winners[0] as HolderLine;
      for (const l of lines.filter((x) => !x.locked)) expect(l.message).toContain(`pid ${winner.pid}`);
      await Promise.all(racers.map((r) => exitOf(r.child)));
      expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
      expect(fs.readdirSync(dir)).toEqual([]); // no takeover marker or temporary file left
    }
  });
});

describe.runIf(onPglite)('an embedded database folder', () => {
  it('is locked while open, private throughout, and unlocked when closed', async () => {
    const dir = freshDir();
    const opened = await openDatabase({ dataDir: dir, purpose: 'server' });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/already open in this process/);
      const second = secondProcess(dir, 'lianxin restore');
      expect((await second.line).message).toContain(`pid ${process.pid}`);
      const open: string[] = [];
      const walk = (p: string): void => {
        const st = fs.lstatSync(p);
        if ((st.mode & 0o777) !== (st.isDirectory() ? 0o700 : 0o600)) open.push(`${(st.mode & 0o777).toString(8)} ${p}`);
        if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
      };
      walk(dir);
      expect(open).toEqual([]);
    } finally {
      await opened.close();
    }
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
