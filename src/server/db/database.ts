import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, type DatabaseConnection, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type Transaction, type UnknownRow } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DB } from './tables.ts';
import { lockDataFolder, makeTreePrivate, type DataFolderLock } from './data-lock.ts';
import { clock as processClock, clockOffsetStatement, type Clock } from '../clock.ts';

// Same value shapes on PGlite and on a server: dates as 'YYYY-MM-DD', bigint as number
// (counts and audit ids stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Either the database or a transaction on it: use cases accept both so callers can compose them. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface OpenedDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Only for the embedded engine: the PGlite instance (backup, clone). */
  pglite: PGlite | undefined;
  close(): Promise<void>;
}

/**
 * PGlite computes on this thread. Without a pause, one query's answer starts the next waiting
 * query within the same run of promise callbacks, so under load a queue of requests keeps the
 * thread to itself and sockets with new requests are not read for seconds (measured: 1.5% of
 * requests unanswered after 10 s at 200 connections, while every admitted request finished in
 * under a second). Letting the event loop turn after each query keeps admission fair.
 */
class YieldAfterQuery implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return args.result;
  }
}

/**
 * Opens the embedded PGlite in `dataDir`, or the PostgreSQL server at `databaseUrl`.
 * Both go through node-postgres and Kysely's PostgresDialect, so queries and value parsing are
 * identical. PGlite has a single connection: the pool of one serialises its use, so a
 * transaction never interleaves with another request's statements.
 */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  pglite?: PGlite;
  poolSize?: number;
  /** Who opens the data folder ('server', 'lianxin backup'): named to a second process that is refused. */
  purpose?: string;
  /** Whose "now" `lianxin_now()` reads on these connections: the process clock unless given. */
  clock?: Clock;
}): Promise<OpenedDatabase> {
  // Every connection learns the clock's shift when it opens (clock.ts, migration 0014); nothing to
  // say when the clock is real time.
  const clock = opts.clock ?? processClock;
  const onCreateConnection = clock.offsetMs === 0 ? undefined : async (connection: DatabaseConnection) => {
    await connection.executeQuery(CompiledQuery.raw(clockOffsetStatement(clock)));
  };
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection the server ends (a restart, a dropped database) is removed from the pool
    // and the next query opens a new one; without a listener its error would end the process.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool, onCreateConnection }) });
    return { db, kind: 'postgres', pglite: undefined, close: () => db.destroy() };
  }
  let pglite = opts.pglite;
  const owned = !pglite;
  let lock: DataFolderLock | undefined;
  if (!pglite) {
    // One process per data folder (data-lock.ts): refused here, before PGlite touches a live folder.
    lock = lockDataFolder(opts.dataDir ?? './data', opts.purpose ?? 'lianxin');
    const dir = path.join(lock.dataDir, 'pgdata');
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      pglite = await PGlite.create(dir);
    } catch (err) {
      lock.release();
      throw err;
    }
    makeTreePrivate(dir);
  }
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool, onCreateConnection }), plugins: [new YieldAfterQuery()] });
  const instance = pglite;
  return {
    db,
    kind: 'pglite',
    pglite: instance,
    close: async () => {
      await db.destroy();
      if (owned) await instance.close();
      lock?.release();
    },
  };
}
