import os from 'node:os';
import { openDatabase, type OpenedDatabase } from '../src/server/db/database.ts';
import { COUNTY, generateCounty, type GeneratedCounty } from './generate.ts';
import { benchBundle } from './figures/bundle.ts';
import { benchHttp, startHelloWorld } from './figures/http.ts';
import { benchImport, importUnits } from './figures/import.ts';
import { benchSearch } from './figures/search.ts';
import { ensurePostgres, recreateDatabase, dropDatabase, type BenchPostgres } from './lib/postgres.ts';
import { copyPgliteCounty, ensurePgliteCounty, removeAllWorkDirs, removeWorkDir } from './lib/pglite-cache.ts';
import { log, ratio, secs } from './lib/stats.ts';
import { passMark, renderTable, unavailable, type Row } from './lib/table.ts';

/**
 * `npm run bench`: the figures named in the issues, on native PostgreSQL and on PGlite, as one
 * markdown table on stdout (progress on stderr). Targets are information: a miss is marked ✗
 * and the exit code stays 0; only a crash of the bench itself exits non-zero.
 *
 * Knobs (environment): BENCH_RUNS (search runs per query, default 200), BENCH_REPEATS (HTTP and
 * import repeats, default 3), BENCH_HTTP_SECONDS (default 10), BENCH_ONLY (comma list of
 * postgres,pglite,bundle), BENCH_DATABASE_URL (use this server instead of starting one).
 */
const intEnv = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const RUNS = intEnv('BENCH_RUNS', 200);
const REPEATS = intEnv('BENCH_REPEATS', 3);
const HTTP_SECONDS = intEnv('BENCH_HTTP_SECONDS', 10);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'postgres,pglite,bundle').split(',').map((s) => s.trim()));
const GENERATE_TARGET_S = 120;
const SCALE = `county (${COUNTY.members.toLocaleString('en-US')} members)`;
const PG_DB = 'lianxin_bench';

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.toReversed()) await c().catch((e: unknown) => log(`cleanup: ${String(e)}`));
    removeAllWorkDirs();
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

function generationRow(engine: string, county: GeneratedCounty, note: string): Row {
  return {
    figure: `${engine}: generate the county (${county.counts.members.toLocaleString('en-US')} members, ${county.counts.orgs.toLocaleString('en-US')} units, ${county.counts.mobilityRows.toLocaleString('en-US')} stays)${note}`,
    value: secs(county.seconds),
    target: `≤ ${GENERATE_TARGET_S} s`,
    limit: '—',
    ratio: ratio(county.seconds / GENERATE_TARGET_S),
    pass: passMark(county.seconds <= GENERATE_TARGET_S),
  };
}

async function section(name: string, rows: Row[], body: () => Promise<void>): Promise<void> {
  const t = performance.now();
  log(`== ${name}`);
  try {
    await body();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`${name} failed: ${e instanceof Error && e.stack ? e.stack : msg}`);
    rows.push(unavailable(`${name}`, '—', `not available: ${msg.split('\n')[0]?.slice(0, 160)}`));
  }
  log(`== ${name} done in ${secs((performance.now() - t) / 1000)}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  const hello = await startHelloWorld();
  cleanups.push(() => hello.close());

  if (ONLY.has('postgres')) {
    await section('PostgreSQL', rows, async () => {
      const server: BenchPostgres = await ensurePostgres();
      cleanups.push(() => server.stop());
      const url = await recreateDatabase(server.serverUrl, PG_DB);
      cleanups.push(() => dropDatabase(server.serverUrl, PG_DB));
      let opened: OpenedDatabase | undefined = await openDatabase({ databaseUrl: url, poolSize: 10 });
      try {
        log('generating the county on PostgreSQL');
        const county = await generateCounty(opened.db, { progress: (m) => log(`  postgres: ${m}`) });
        rows.push(generationRow('PostgreSQL', county, ''));
        rows.push(...(await benchSearch({ engine: 'PostgreSQL', opened, county, databaseUrl: url, runs: RUNS, scale: SCALE })));
        rows.push(...(await benchHttp({ engine: 'PostgreSQL', opened, county, hello, repeats: REPEATS, seconds: HTTP_SECONDS, scale: SCALE })));
        const units = await importUnits(opened.db, county.tenantId);
        // The import copies the bench database as a template, which needs it free of connections.
        await opened.close();
        opened = undefined;
        rows.push(...(await benchImport({ engine: 'PostgreSQL', county, repeats: REPEATS, units, postgres: { serverUrl: server.serverUrl, templateDb: PG_DB } })));
      } finally {
        await opened?.close();
      }
    });
  }

  if (ONLY.has('pglite')) {
    await section('PGlite', rows, async () => {
      const cache = await ensurePgliteCounty();
      rows.push(generationRow('PGlite', cache.county, cache.generatedNow ? '' : ' (cached in .bench-data, time of its generation)'));
      const work = copyPgliteCounty(cache.dir, 'pglite');
      const opened = await openDatabase({ dataDir: work });
      let units: string[] = [];
      try {
        const county = cache.county;
        rows.push(...(await benchSearch({ engine: 'PGlite', opened, county, pglite: opened.pglite, runs: RUNS, scale: SCALE })));
        rows.push(...(await benchHttp({ engine: 'PGlite', opened, county, hello, repeats: REPEATS, seconds: HTTP_SECONDS, scale: SCALE })));
        units = await importUnits(opened.db, county.tenantId);
      } finally {
        await opened.close();
        removeWorkDir(work);
      }
      rows.push(...(await benchImport({ engine: 'PGlite', county: cache.county, repeats: REPEATS, units, pgliteCacheDir: cache.dir })));
    });
  }

  if (ONLY.has('bundle')) {
    await section('member app bundle', rows, async () => {
      rows.push(...(await benchBundle()));
    });
  }

  await cleanup();
  const took = (performance.now() - started) / 1000;
  process.stdout.write(renderTable(rows) + '\n');
  process.stdout.write(
    `\n${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}; the load tool shares the cores with the server. ` +
      `Search: ${RUNS} runs per query; HTTP and import: median of ${REPEATS}. Bench took ${secs(took)}.\n`,
  );
}

main().catch(async (e: unknown) => {
  log(`bench crashed: ${e instanceof Error && e.stack ? e.stack : String(e)}`);
  await cleanup();
  process.exit(1);
});
