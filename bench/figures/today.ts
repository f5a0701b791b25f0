import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import type { GeneratedCounty } from '../generate.ts';
import type { CannonInput, CannonOutput } from '../autocannon-child.ts';
import { memberLogins, startBenchApp } from '../lib/app.ts';
import { log, median, pct, rps } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * The member app's home, GET /api/me/today (today's study, open make-ups, the next class,
 * check-ins open now), on the county with a year of history: autocannon (10 connections, in a
 * child process) as 5,000 different members in turn (each request another member's session, so
 * mostly answers not yet cached, as in the morning when everyone opens the app once), and as one
 * member (the app polling). Limit: a bare Fastify hello-world served by the same process, loaded
 * the same way, alternating with the app runs. Target ≥ 40% of hello-world.
 */
export const TODAY_TARGET_SHARE = 0.4;
const TODAY_MEMBERS = 5_000;

const REPO = path.resolve(import.meta.dirname, '../..');

function cannon(input: CannonInput): Promise<CannonOutput> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-bench-cannon-'));
  const file = path.join(dir, 'in.json');
  fs.writeFileSync(file, JSON.stringify(input));
  return new Promise<CannonOutput>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/autocannon-child.ts'), file], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`autocannon child exited ${code}: ${err.trim().slice(0, 300)}`));
      try {
        resolve(JSON.parse(out) as CannonOutput);
      } catch (e) {
        reject(new Error(`autocannon child output unreadable: ${String(e)} ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function benchToday(opts: { opened: OpenedDatabase; county: GeneratedCounty; hello: { url: string }; repeats: number; seconds: number }): Promise<Row[]> {
  const { opened, county } = opts;
  const target = `≥ ${pct(TODAY_TARGET_SHARE)} of hello-world`;
  const label = `PostgreSQL county + year: GET /api/me/today (10 conn, ${opts.seconds} s, median of ${opts.repeats})`;
  // Members spread over the county (every 12th by id), with a year of pushes and classes behind them.
  const picked = await sql<{ id: string }>`
    SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM member WHERE tenant_id = ${county.tenantId} AND left_at IS NULL) x
    WHERE n % 12 = 5 LIMIT ${TODAY_MEMBERS}::int`.execute(opened.db);
  const logins = await memberLogins(opened, county.tenantId, picked.rows.map((r) => r.id));
  const server = await startBenchApp(opened, county);
  try {
    const url = `${server.address}/api/me/today`;
    const first = logins[0];
    if (!first) throw new Error('no member logins');
    const probe = await fetch(url, { headers: { cookie: first.cookie } });
    if (probe.status === 404) return [unavailable(label, target, 'not available: GET /api/me/today is not registered yet')];
    if (probe.status !== 200) throw new Error(`GET /api/me/today answered ${probe.status}: ${await probe.text()}`);
    const body = (await probe.json()) as { pushes: unknown[]; makeups: unknown[]; nextSession: unknown };
    log(`  today: a member sees ${body.pushes.length} pushes, ${body.makeups.length} open make-ups, next class ${body.nextSession ? 'yes' : 'none'}`);

    const many = logins.map((l) => ({ cookie: l.cookie }));
    const one = [{ cookie: first.cookie }];
    const load = (headerSets: Record<string, string>[], seconds = opts.seconds) => cannon({ url, connections: 10, seconds, headerSets });
    const helloLoad = (seconds = opts.seconds) => cannon({ url: opts.hello.url, connections: 10, seconds, headerSets: [] });
    await helloLoad(2);
    await load(one, 2);
    const hello: number[] = [];
    const manyRps: number[] = [];
    const oneRps: number[] = [];
    let bad = 0;
    for (let i = 0; i < opts.repeats; i++) {
      const h = await helloLoad();
      const m = await load(many);
      const o = await load(one);
      bad += h.non2xx + h.errors + m.non2xx + m.errors + o.non2xx + o.errors;
      hello.push(h.rps);
      manyRps.push(m.rps);
      oneRps.push(o.rps);
      log(`  today run ${i + 1}/${opts.repeats}: hello ${Math.round(h.rps)} req/s, ${logins.length} members ${Math.round(m.rps)} req/s (p99 ${m.p99} ms), one member ${Math.round(o.rps)} req/s`);
    }
    const h = median(hello);
    const rows: Row[] = [];
    for (const [who, values] of [
      [`${logins.length.toLocaleString('en-US')} members in turn`, manyRps],
      ['one member polling', oneRps],
    ] as const) {
      const v = median([...values]);
      rows.push({
        figure: `${label}, ${who}`,
        value: rps(v) + (bad ? ` ⚠ ${bad} errors/non-2xx` : ''),
        target,
        limit: `hello-world ${rps(h)}`,
        ratio: pct(v / h),
        pass: passMark(bad === 0 && v / h >= TODAY_TARGET_SHARE),
      });
    }
    return rows;
  } finally {
    await server.close();
  }
}
