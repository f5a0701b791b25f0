import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { log } from './stats.ts';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');

export interface BenchPostgres {
  /** Server URL (the `postgres` maintenance database). */
  serverUrl: string;
  /** True when this run started the server, so it must stop it. */
  startedHere: boolean;
  stop(): Promise<void>;
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL server of the bench: BENCH_DATABASE_URL when given (never stopped), else a
 * private server in BENCH_PG_DIR on BENCH_PG_PORT (default /tmp/lianxin-bench-pg, 54330), with
 * fsync on like a production server, started by scripts/pg-local.sh if it is not running yet.
 */
export async function ensurePostgres(): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    if (!(await reachable(given))) throw new Error(`BENCH_DATABASE_URL is not reachable: ${given}`);
    return { serverUrl: given, startedHere: false, stop: async () => undefined };
  }
  const dir = process.env.BENCH_PG_DIR ?? '/tmp/lianxin-bench-pg';
  const port = process.env.BENCH_PG_PORT ?? '54330';
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  if (await reachable(url)) {
    log(`PostgreSQL already running on ${port}: using it (and leaving it running)`);
    return { serverUrl: url, startedHere: false, stop: async () => undefined };
  }
  log(`starting PostgreSQL in ${dir} on port ${port} (fsync on)`);
  const script = path.join(REPO, 'scripts/pg-local.sh');
  await run(script, ['start', dir, port], { env: { ...process.env, PG_FSYNC: 'on' } });
  if (!(await reachable(url))) throw new Error(`PostgreSQL did not come up on ${port}; see ${dir}/server.log`);
  let stopped = false;
  return {
    serverUrl: url,
    startedHere: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      log('stopping the PostgreSQL server this run started');
      await run(script, ['stop', dir]).catch((e: unknown) => log(`could not stop PostgreSQL: ${String(e)}`));
    },
  };
}

export async function adminQuery(serverUrl: string, ...statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

export async function recreateDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
