import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

/** A port nobody listens on right now: bind port 0, read what the kernel chose, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no free port'))));
    });
  });
}

/** Resident and peak resident memory of a process in bytes, from /proc (Linux). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Sets the process's peak resident memory back to its current one, so the next peak is the next step's own. */
export const resetPeak = (pid: number): void => fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Ends the process and deletes its data folder. */
  stop: () => Promise<void>;
}

/**
 * The real server process (`src/server/main.ts`, as `npm start` runs it) on a free port, on a fresh
 * embedded database in a temporary data folder with the demo village, its accounts signed in with
 * `password`; resolves once /healthz answers. `nodeArgs` go after tsx's loader (so they may be .ts); its stderr is
 * kept for the error if it fails to start, or passed through with `stderr: 'inherit'`.
 */
export async function startServer(opts: { password: string; nodeArgs?: string[]; stderr?: 'pipe' | 'inherit' }): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-bench-server-'));
  const port = await freePort();
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'LIANXIN_TRUST_PROXY']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', ...(opts.nodeArgs ?? []), path.join(REPO, 'src/server/main.ts')], {
    cwd: REPO,
    env: { ...env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LIANXIN_DATA_DIR: dataDir, LIANXIN_DEMO: 'auto', LIANXIN_DEMO_PASSWORD: opts.password, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', opts.stderr ?? 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
      const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server not ready in 120 s: ${err}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, pid: child.pid as number, baseUrl, stop };
}
