import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from './template.ts';

/**
 * A private copy of the migrated demo database on the test PostgreSQL server, by URL, for tests
 * that open several connections or processes on one database (several server processes).
 * Only in the postgres project: PGlite is one process per data folder.
 */
export async function copyTestDatabase(): Promise<{ url: string; keyHex: string; drop(): Promise<void> }> {
  const info = inject('template');
  if (info.kind !== 'postgres' || !info.serverUrl || !info.templateDb) throw new Error('copyTestDatabase needs the postgres test project');
  const serverUrl = info.serverUrl;
  const name = `lianxin_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${info.templateDb}`);
  await admin.end();
  return {
    url: withDatabase(serverUrl, name),
    keyHex: info.keyHex,
    drop: async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      // Connections left by a process that was killed would block the drop.
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
