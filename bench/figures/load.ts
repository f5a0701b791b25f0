import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loginCookie } from '../lib/app.ts';
import { log, mb, ms, ratio } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';
import { autocannon } from './http.ts';
import { freePort, memoryOf, resetPeak } from '../lib/process.ts';

/**
 * The server under a crowd: the real server process (`src/server/main.ts` on a fresh embedded
 * database with the demo village, as `npm start` runs it) loaded by 200 connections at once on the
 * member app's today and on the secretary's member list, then its memory read from /proc. The
 * limit is a bare Fastify hello-world loaded by the same 200 connections in the same run.
 */
export const LOAD_CONNECTIONS = 200;
/** Memory the process may reach during the crowd: PGlite alone takes 300–450 MB. */
export const LOAD_RSS_TARGET_BYTES = 1024 ** 3;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Started {
  child: ChildProcess;
  baseUrl: string;
  password: string;
  dataDir: string;
}

async function startServer(port: number): Promise<Started> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-bench-load-'));
  const password = `bench-${crypto.randomBytes(6).toString('hex')}`;
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'LIANXIN_TRUST_PROXY']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LIANXIN_DATA_DIR: dataDir, LIANXIN_DEMO: 'auto', LIANXIN_DEMO_PASSWORD: password, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server not ready in 120 s: ${err}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { child, baseUrl, password, dataDir };
}

export async function benchLoad(opts: { hello: { url: string }; seconds: number }): Promise<Row[]> {
  const server = await startServer(await freePort());
  const pid = server.child.pid as number;
  try {
    const member = await loginCookie(server.baseUrl, '13800000003', server.password);
    const secretary = await loginCookie(server.baseUrl, '13800000000', server.password);
    // The crowd's own peak: loading the demo village at boot has its own, higher one.
    const idle = memoryOf(pid);
    resetPeak(pid);
    log(`load: ${LOAD_CONNECTIONS} connections, ${opts.seconds} s each`);
    const limit = await autocannon(opts.hello.url, { connections: LOAD_CONNECTIONS, seconds: opts.seconds });
    const today = await autocannon(`${server.baseUrl}/api/me/today`, { connections: LOAD_CONNECTIONS, seconds: opts.seconds, headers: { cookie: member } });
    const list = await autocannon(`${server.baseUrl}/api/members?pageSize=20`, { connections: LOAD_CONNECTIONS, seconds: opts.seconds, headers: { cookie: secretary } });
    const after = memoryOf(pid);
    const row = (what: string, r: typeof today): Row => ({
      figure: `load: ${what}, ${LOAD_CONNECTIONS} connections for ${opts.seconds} s (real server process, PGlite, demo village)`,
      value: `${Math.round(r.rps)} req/s; p99 ${ms(r.latencyP99)}, max ${ms(r.latencyMax)}; ${r.errors} errors (${r.timeouts} unanswered in 10 s), ${r.non2xx} non-2xx`,
      target: '0 errors, 0 non-2xx',
      limit: `hello-world p99 ${ms(limit.latencyP99)}, ${Math.round(limit.rps)} req/s`,
      ratio: ratio(r.latencyP99 / limit.latencyP99),
      pass: passMark(r.errors === 0 && r.non2xx === 0),
    });
    return [
      row("a member's today", today),
      row("a secretary's member list", list),
      {
        figure: 'load: server memory during the crowd (peak resident; after)',
        value: `peak ${mb(after.peak)}, after ${mb(after.rss)} (before ${mb(idle.rss)})`,
        target: `≤ ${mb(LOAD_RSS_TARGET_BYTES)}`,
        limit: '—',
        ratio: ratio(after.peak / LOAD_RSS_TARGET_BYTES),
        pass: passMark(after.peak <= LOAD_RSS_TARGET_BYTES),
      },
    ];
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once('exit', r)));
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}
