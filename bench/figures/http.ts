import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import type { GeneratedCounty } from '../generate.ts';
import { loginCookie, startBenchApp } from '../lib/app.ts';
import { log, median, pct, rps } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';

/**
 * GET /api/members throughput of the real app (session cookie, authorization, settings, list +
 * count, zod serialisation) against a bare Fastify hello-world served by the same process,
 * both loaded by autocannon in a child process (so the load tool does not share the event loop).
 */
export const HTTP_TARGET_SHARE = 0.25;

const require = createRequire(import.meta.url);
const AUTOCANNON = require.resolve('autocannon/autocannon.js');

interface CannonResult {
  rps: number;
  non2xx: number;
  errors: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  /** requests not answered within autocannon's 10 s (counted among the errors too) */
  timeouts: number;
}

interface AutocannonJson {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number };
  timeouts: number;
  non2xx: number;
  errors: number;
}

/** Runs the autocannon CLI in a child process and returns its averages. */
export function autocannon(url: string, opts: { connections: number; seconds: number; headers?: Record<string, string> }): Promise<CannonResult> {
  const args = [AUTOCANNON, '-c', String(opts.connections), '-d', String(opts.seconds), '-j', '-n'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.trim()}`));
      try {
        const j = JSON.parse(out) as AutocannonJson;
        resolve({ rps: j.requests.average, non2xx: j.non2xx, errors: j.errors, latencyP50: j.latency.p50, latencyP99: j.latency.p99, latencyMax: j.latency.max, timeouts: j.timeouts });
      } catch (e) {
        reject(new Error(`autocannon output unreadable: ${String(e)} ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function startHelloWorld(): Promise<{ url: string; close(): Promise<void> }> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world' }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `${address}/hello`, close: () => app.close() };
}

export async function benchHttp(opts: {
  engine: 'PostgreSQL' | 'PGlite';
  opened: OpenedDatabase;
  county: GeneratedCounty;
  hello: { url: string };
  repeats: number;
  seconds: number;
  scale: string;
}): Promise<Row[]> {
  const { opened, county, engine } = opts;
  const server = await startBenchApp(opened, county);
  const address = server.address;
  try {
    const cookie = await loginCookie(address, county.logins.villageSecretary, county.password);
    const url = `${address}/api/members?mobile=true&pageSize=20`;
    const probe = await fetch(url, { headers: { cookie } });
    if (probe.status !== 200) throw new Error(`GET /api/members answered ${probe.status}: ${await probe.text()}`);
    const body = (await probe.json()) as { total: number; items: unknown[] };
    log(`  ${engine} http: village secretary sees ${body.total} mobile members, ${body.items.length} on the page`);

    const load = { connections: 10, seconds: opts.seconds };
    // Warm both servers up (JIT, pool connections) before measuring.
    await autocannon(opts.hello.url, { ...load, seconds: 2 });
    await autocannon(url, { ...load, seconds: 2, headers: { cookie } });
    const hello: number[] = [];
    const members: number[] = [];
    let bad = 0;
    for (let i = 0; i < opts.repeats; i++) {
      const h = await autocannon(opts.hello.url, load);
      const m = await autocannon(url, { ...load, headers: { cookie } });
      bad += m.non2xx + m.errors + h.non2xx + h.errors;
      hello.push(h.rps);
      members.push(m.rps);
      log(`  ${engine} http run ${i + 1}/${opts.repeats}: hello ${Math.round(h.rps)} req/s, members ${Math.round(m.rps)} req/s (p50 ${m.latencyP50} ms)`);
    }
    const h = median(hello);
    const m = median(members);
    const share = m / h;
    return [
      {
        figure: `${engine} ${opts.scale}: GET /api/members?mobile=true (village secretary, 10 conn, ${opts.seconds} s, median of ${opts.repeats})`,
        value: rps(m) + (bad ? ` ⚠ ${bad} errors/non-2xx` : ''),
        target: `≥ ${pct(HTTP_TARGET_SHARE)} of hello-world`,
        limit: `hello-world ${rps(h)}`,
        ratio: pct(share),
        pass: passMark(bad === 0 && share >= HTTP_TARGET_SHARE),
      },
    ];
  } finally {
    await server.close();
  }
}
