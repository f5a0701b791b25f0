import crypto from 'node:crypto';
import { loginCookie } from '../lib/app.ts';
import { log, mb, ms, ratio } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';
import { autocannon } from './http.ts';
import { memoryOf, resetPeak, startServer } from '../lib/process.ts';

/**
 * The server under a crowd: the real server process (`src/server/main.ts` on a fresh embedded
 * database with the demo village, as `npm start` runs it) loaded by 200 connections at once on the
 * member app's today and on the secretary's member list, then its memory read from /proc. The
 * limit is a bare Fastify hello-world loaded by the same 200 connections in the same run.
 */
export const LOAD_CONNECTIONS = 200;
/** Memory the process may reach during the crowd: PGlite alone takes 300–450 MB. */
export const LOAD_RSS_TARGET_BYTES = 1024 ** 3;

export async function benchLoad(opts: { hello: { url: string }; seconds: number }): Promise<Row[]> {
  const password = `bench-${crypto.randomBytes(6).toString('hex')}`;
  const server = await startServer({ password });
  const pid = server.pid;
  try {
    const member = await loginCookie(server.baseUrl, '13800000003', password);
    const secretary = await loginCookie(server.baseUrl, '13800000000', password);
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
    await server.stop();
  }
}
