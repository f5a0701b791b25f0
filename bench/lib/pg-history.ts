import pg from 'pg';
import { openDatabase } from '../../src/server/db/database.ts';
import { GENERATOR_VERSION, generateCounty, type GeneratedCounty } from '../generate.ts';
import { HISTORY_VERSION, generateHistory, type GeneratedHistory } from '../history.ts';
import { schemaKey } from './pglite-cache.ts';
import { adminQuery, withDatabase } from './postgres.ts';
import { log } from './stats.ts';

/**
 * The county with a year of learning history on PostgreSQL (~22 million deliveries, several GB)
 * takes minutes to build, so it is built once per bench server and kept as a database named by
 * the generator version, the history version and the migrations' hash
 * (`lianxin_bench_hist_g<N>_h<M>_<hash>`), with what the figures need to know about it (tenant,
 * logins, key, counts, generation time) in the database's comment. It is never opened for writing
 * by the figures: each run works on a `CREATE DATABASE … TEMPLATE` copy. Older versions are dropped.
 */
export interface PgHistory {
  templateDb: string;
  county: GeneratedCounty;
  history: GeneratedHistory;
  generatedNow: boolean;
}

const PREFIX = 'lianxin_bench_hist_';

async function withClient<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function historyDbName(): string {
  return `${PREFIX}g${GENERATOR_VERSION}_h${HISTORY_VERSION}_${schemaKey()}`;
}

export async function ensurePgHistory(serverUrl: string): Promise<PgHistory> {
  const name = historyDbName();
  const existing = await withClient(serverUrl, async (c) => {
    const r = await c.query<{ datname: string; meta: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS meta FROM pg_database WHERE datname LIKE $1`,
      [`${PREFIX}%`],
    );
    return r.rows;
  });
  const found = existing.find((r) => r.datname === name && r.meta);
  if (found?.meta) {
    const saved = JSON.parse(found.meta) as { county: GeneratedCounty; history: GeneratedHistory };
    log(`PostgreSQL history: reusing the database ${name}`);
    return { templateDb: name, ...saved, generatedNow: false };
  }
  // Older versions and half-built databases go (each is several GB).
  for (const r of existing) {
    if (r.datname !== name) {
      log(`PostgreSQL history: dropping ${r.datname}`);
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    }
  }
  const building = `${name}_building`;
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${building} WITH (FORCE)`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${building}`);
  log(`PostgreSQL history: generating the county and a year of learning into ${building} (kept for later runs)`);
  const opened = await openDatabase({ databaseUrl: withDatabase(serverUrl, building), poolSize: 2 });
  let county: GeneratedCounty;
  let history: GeneratedHistory;
  try {
    county = await generateCounty(opened.db, { progress: (m) => log(`  postgres: ${m}`) });
    history = await generateHistory(opened.db, county, { engine: 'postgres', progress: (m) => log(`  postgres: ${m}`) });
  } finally {
    await opened.close();
  }
  const meta = JSON.stringify({ county, history }).replaceAll("'", "''");
  await adminQuery(serverUrl, `COMMENT ON DATABASE ${building} IS '${meta}'`, `ALTER DATABASE ${building} RENAME TO ${name}`);
  return { templateDb: name, county, history, generatedNow: true };
}

/** A private copy of the history database for one run (file copy: fast for a large database). */
export async function cloneHistory(serverUrl: string, templateDb: string, name: string): Promise<string> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  try {
    await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${templateDb} STRATEGY FILE_COPY`);
  } catch (e) {
    // Before PostgreSQL 15 there is no STRATEGY, and the copy is always a file copy.
    if (!/strategy/i.test(String(e))) throw e;
    await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${templateDb}`);
  }
  return withDatabase(serverUrl, name);
}
