import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One process per data folder. PGlite cannot share its files: a second process that opens a live
 * folder (a CLI backup, a second server) silently loses the first one's later writes and can leave
 * the folder unopenable. So whoever opens the embedded database first takes `<dataDir>/lianxin.lock`;
 * everybody else is refused with the holder's pid, host and start time, and reaches the running
 * server through its control socket instead (control.ts).
 *
 * The lock is a file created atomically with its whole content (written aside, then hard-linked
 * into place, which fails if the name exists). It names the holder: pid, host, the kernel's boot
 * id and the process's start time, so a lock left by a crash (kill -9, power loss) is recognised
 * as stale even when its pid has since been given to another process, and is taken over. Two
 * processes taking over the same stale lock at once are serialised by a second exclusive file
 * named after that lock's content: only its creator may delete that exact stale lock.
 *
 * The folder is also kept private: 0700 folders, 0600 files (the data includes ID numbers, care
 * notes and the generated encryption key).
 */

export const LOCK_FILE = 'lianxin.lock';

export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** What holds it: 'server', or the command ('lianxin backup'). */
  purpose: string;
  /** Linux: the kernel's boot id and the process's start time (clock ticks since boot): a reused pid has another start time. */
  bootId?: string;
  pidStart?: string;
  /** Unique to this taking of the lock. */
  nonce: string;
}

export class DataFolderBusy extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
    readonly where: 'here' | 'this-host' | 'other-host',
  ) {
    super(busyMessage(dataDir, lockFile, holder, where));
    this.name = 'DataFolderBusy';
  }
}

function busyMessage(dataDir: string, lockFile: string, h: LockHolder, where: DataFolderBusy['where']): string {
  if (where === 'here') return `The data folder ${dataDir} is already open in this process (${h.purpose}): close it before opening it again.`;
  const since = new Date(h.since).toLocaleString('zh-CN', { hour12: false });
  const lines = [
    `数据目录 ${dataDir} 正被另一个进程使用：pid ${h.pid}（${h.purpose}，主机 ${h.host}，${since} 起）。同一数据目录只能由一个进程打开。`,
    `The data folder ${dataDir} is in use by pid ${h.pid} (${h.purpose}, host ${h.host}, since ${h.since}). Only one process may open it at a time.`,
  ];
  if (where === 'other-host') {
    lines.push(
      `该进程在另一台主机上，无法判断它是否仍在运行；确认它已停止后，删除 ${lockFile}。`,
      `It runs on another host, so this one cannot tell whether it is still alive; once you are sure it has stopped, delete ${lockFile}.`,
    );
  }
  return lines.join('\n');
}

export interface DataFolderLock {
  readonly dataDir: string;
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock if it is still this one. Safe to call twice. */
  release(): void;
}

/** Locks this process holds, by lock file: refused when opened again here, removed on exit. */
const heldHere = new Map<string, LockHolder>();
let exitHookInstalled = false;

/**
 * Takes the data folder for this process (creating it, private, if needed), or throws
 * DataFolderBusy naming the live holder. A holder that is gone is taken over.
 */
export function lockDataFolder(dataDir: string, purpose: string): DataFolderLock {
  const dir = path.resolve(dataDir);
  ensurePrivateDir(dir);
  const file = path.join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), purpose, ...processIdentity(process.pid), nonce: crypto.randomUUID() };
  // Every turn either takes the lock, refuses, or removes a stale one; a lock being written by a
  // writer without hard links is waited for (up to its 5 s of youth).
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (createExclusive(file, me)) {
      heldHere.set(file, me);
      installExitHook();
      removeLeftovers(dir);
      let released = false;
      return {
        dataDir: dir,
        file,
        holder: me,
        release: () => {
          if (released) return;
          released = true;
          releaseLock(file, me);
        },
      };
    }
    const found = readLock(file);
    if (!found) continue; // released between our attempt and the read: try again
    const state = found.holder ? holderState(file, found.holder) : unreadableState(file);
    if (state === 'starting') {
      sleep(20);
      continue;
    }
    if (state !== 'gone') throw new DataFolderBusy(dir, file, found.holder as LockHolder, state);
    removeStale(file, found.raw, me, 0);
  }
  throw new Error(`could not take ${file}: it keeps changing hands`);
}

/** Who holds the folder now, if anyone alive does (for messages and for choosing the control socket). */
export function dataFolderHolder(dataDir: string): LockHolder | null {
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  const found = readLock(file);
  if (!found?.holder) return null;
  const state = holderState(file, found.holder);
  return state === 'gone' ? null : found.holder;
}

// ---------- liveness ----------

type HolderState = 'here' | 'this-host' | 'other-host' | 'gone';

function holderState(file: string, h: LockHolder): HolderState {
  if (typeof h.pid !== 'number' || typeof h.host !== 'string') return 'gone';
  if (h.host !== os.hostname()) return 'other-host';
  // The machine has restarted since: nothing from before is running.
  const bootId = currentBootId();
  if (h.bootId && bootId && h.bootId !== bootId) return 'gone';
  if (h.pid === process.pid) return heldHere.get(file)?.nonce === h.nonce ? 'here' : 'gone';
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    // EPERM: the pid exists but belongs to another user. It still counts as alive.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  // Same pid, another process (the pid was reused after a crash), or a zombie not yet reaped.
  const now = procStat(h.pid);
  if (h.pidStart && now?.start && now.start !== h.pidStart) return 'gone';
  if (now?.state === 'Z') return 'gone';
  return 'this-host';
}

/** A lock file without a readable holder: being written by a fallback writer (young) or damaged (old). */
function unreadableState(file: string): 'starting' | 'gone' {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < 5_000 ? 'starting' : 'gone';
  } catch {
    return 'starting';
  }
}

let bootIdCache: string | null | undefined;
function currentBootId(): string | null {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache;
}

/** Fields 3 (state) and 22 (start time) of /proc/<pid>/stat, after the command name in parentheses. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return null;
  }
}

function processIdentity(pid: number): { bootId?: string; pidStart?: string } {
  const bootId = currentBootId();
  const stat = procStat(pid);
  return { ...(bootId ? { bootId } : {}), ...(stat?.start ? { pidStart: stat.start } : {}) };
}

// ---------- the files ----------

/**
 * Creates `file` holding `content` whole, or returns false if the name exists: the content is
 * written to a private temporary file beside it first and hard-linked into place, so nobody ever
 * reads it half-written. Throws where hard links are not supported (see createExclusive).
 */
export function linkNewFile(file: string, content: string): boolean {
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Creates `file` holding `holder`, or returns false if the name exists (linkNewFile). Where hard
 * links are not supported, an exclusive create is the fallback (a reader that finds it still empty
 * waits a moment: see unreadableState).
 */
function createExclusive(file: string, holder: LockHolder): boolean {
  const content = `${JSON.stringify(holder)}\n`;
  try {
    return linkNewFile(file, content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readLock(file: string): { raw: string; holder: LockHolder | null } | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(raw) as LockHolder;
    return { raw, holder: parsed && typeof parsed === 'object' && typeof parsed.nonce === 'string' ? parsed : null };
  } catch {
    return { raw, holder: null };
  }
}

/**
 * Deletes the stale lock whose content is `raw`, unless another process is already doing so.
 * The right to delete it is an exclusive file named after that content: whoever creates it checks
 * the lock still has that content and removes it. A later lock has other content (its own nonce),
 * so it can never be mistaken for the stale one. A taker that died holding that right is itself a
 * stale lock, taken over the same way (one level further).
 */
function removeStale(file: string, raw: string, me: LockHolder, depth: number): void {
  if (depth > 5) throw new Error(`could not take over the stale lock ${file}`);
  const marker = `${file}.takeover-${crypto.createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  if (createExclusive(marker, { ...me, nonce: crypto.randomUUID() })) {
    try {
      if (readLock(file)?.raw === raw) fs.rmSync(file, { force: true });
    } finally {
      fs.rmSync(marker, { force: true });
    }
    return;
  }
  const taker = readLock(marker);
  if (!taker) return;
  const state = taker.holder ? holderState(marker, taker.holder) : unreadableState(marker);
  if (state === 'gone') removeStale(marker, taker.raw, me, depth + 1);
  else sleep(20); // another process is taking it over right now
}

function releaseLock(file: string, me: LockHolder): void {
  if (heldHere.get(file)?.nonce === me.nonce) heldHere.delete(file);
  try {
    if (readLock(file)?.holder?.nonce === me.nonce) fs.rmSync(file, { force: true });
  } catch {
    // the folder is gone or unreadable: nothing left to release
  }
}

/** A process that exits without closing the database (process.exit, an uncaught error) still lets go. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, me] of heldHere) releaseLock(file, me);
  });
}

/** Temporary files of lock writers that crashed between writing and linking. */
function removeLeftovers(dir: string): void {
  const old = Date.now() - 60_000;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(`${LOCK_FILE}.`) || !name.endsWith('.tmp')) continue;
    try {
      const p = path.join(dir, name);
      if (fs.statSync(p).mtimeMs < old) fs.rmSync(p, { force: true });
    } catch {
      // taken care of by someone else
    }
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---------- private files ----------

const POSIX = process.platform !== 'win32';

/** Creates `dir` (and missing parents) as 0700, and narrows an existing one that others can enter. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!POSIX) return;
  const st = fs.statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(dir, 0o700);
}

/**
 * Folders 0700 and files 0600 under `root` (symbolic links and what belongs to other users left
 * alone). PGlite unpacks a new database with files readable by everyone; PostgreSQL itself creates
 * later files 0600. `onlyIfOpen`: walk only when `root` itself is not private yet (a folder made by
 * an earlier version), so a big folder is not walked at every start.
 */
export function makeTreePrivate(root: string, opts: { onlyIfOpen?: boolean } = {}): void {
  if (!POSIX) return;
  const uid = process.getuid?.();
  if (opts.onlyIfOpen) {
    const st = fs.statSync(root, { throwIfNoEntry: false });
    if (!st || (st.mode & 0o077) === 0) return;
  }
  const walk = (p: string): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return; // removed meanwhile
    }
    if (st.isSymbolicLink() || st.uid !== uid) return;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== 0o700) fs.chmodSync(p, 0o700);
      let names: string[] = [];
      try {
        names = fs.readdirSync(p);
      } catch {
        // removed meanwhile
      }
      for (const name of names) walk(path.join(p, name));
    } else if ((st.mode & 0o077) !== 0) {
      fs.chmodSync(p, st.mode & 0o700);
    }
  };
  walk(root);
}
