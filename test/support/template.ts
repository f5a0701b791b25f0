import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { FieldCipher } from '../../src/server/secrets.ts';
import { seedDemo } from '../../src/server/demo/seed.ts';
import type { Clock } from '../../src/server/clock.ts';

/**
 * Builds, once per test run, a migrated database with the demo village in it. Every test file
 * then gets its own copy: a PGlite restored from a data-dir dump, or on PostgreSQL a
 * `CREATE DATABASE … TEMPLATE`. Tests never share rows.
 */
export const TEST_PASSWORD = 'test-password-1';

export interface TemplateInfo {
  kind: 'pglite' | 'postgres';
  /** PGlite: path of the gzip data-dir dump. PostgreSQL: server URL and template name. */
  dumpFile?: string;
  serverUrl?: string;
  templateDb?: string;
  keyHex: string;
}

/**
 * `clock` is the test project's (vitest.config.ts: LIANXIN_CLOCK_AT): the demo is seeded at its "now",
 * rows' default times included. `name` keeps the template databases of several PostgreSQL projects
 * of one run apart.
 */
export async function buildTemplate(serverUrl: string | undefined, clock: Clock, name: string): Promise<TemplateInfo> {
  const keyHex = crypto.randomBytes(32).toString('hex');
  const cipher = new FieldCipher(Buffer.from(keyHex, 'hex'));
  if (serverUrl) {
    const templateDb = `lianxin_tpl_${process.pid}_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${templateDb}`);
    await admin.query(`CREATE DATABASE ${templateDb}`);
    await admin.end();
    const opened = await openDatabase({ databaseUrl: withDatabase(serverUrl, templateDb), poolSize: 2, clock });
    await migrateToLatest(opened.db);
    await seedDemo(opened.db, cipher, TEST_PASSWORD, clock.now());
    await opened.close();
    return { kind: 'postgres', serverUrl, templateDb, keyHex };
  }
  const pglite = await PGlite.create();
  const opened = await openDatabase({ pglite, clock });
  await migrateToLatest(opened.db);
  await seedDemo(opened.db, cipher, TEST_PASSWORD, clock.now());
  await opened.close();
  const dump = await pglite.dumpDataDir('gzip');
  await pglite.close();
  const dumpFile = path.join(os.tmpdir(), `lianxin-test-template-${process.pid}-${name.replace(/[^a-z0-9]/gi, '_')}.tar.gz`);
  fs.writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  return { kind: 'pglite', dumpFile, keyHex };
}

export async function dropTemplate(info: TemplateInfo): Promise<void> {
  if (info.kind === 'pglite' && info.dumpFile) fs.rmSync(info.dumpFile, { force: true });
  if (info.kind === 'postgres' && info.serverUrl && info.templateDb) {
    const admin = new pg.Client({ connectionString: info.serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${info.templateDb}`);
    await admin.end();
  }
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
