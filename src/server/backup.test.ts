import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { openTestDatabase } from '../../test/support/harness.ts';
import { backupDatabase, readBackupHeader, restoreDatabase, RestoreRefused, tableDigests } from './backup.ts';
import { recordAudit } from './modules/audit/service.ts';
import { MIGRATION_NAMES } from './db/migrate.ts';
import { seedLearningDemo } from './demo/learning.ts';
import { seedCareDemo } from './demo/care.ts';
import { seedCardsDemo } from './demo/cards.ts';
import { seedDeliveriesDemo } from './demo/deliveries.ts';

let source: Awaited<ReturnType<typeof openTestDatabase>>;
let target: OpenedDatabase;
let targetPglite: PGlite;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-backup-'));
const file = path.join(dir, 'lianxin.backup.jsonl.gz');

beforeAll(async () => {
  source = await openTestDatabase();
  // Learning history: push deliveries whose monthly rollup is kept by a trigger, which a restore
  // must not run a second time.
  await seedLearningDemo(source.db, source.tenantId);
  // Care records: talks, tasks with their history (identity ids), trips and holiday cards.
  await seedCareDemo(source.db, source.tenantId);
  await seedCardsDemo(source.db, source.tenantId);
  await seedDeliveriesDemo(source.db, source.tenantId);
  // Enough audit entries to page through a table (2000 rows a page) and to check identity ids.
  await sql`INSERT INTO audit_log (tenant_id, action, entity, after)
    SELECT ${source.tenantId}::uuid, 'test.filler', 'test', jsonb_build_object('n', g, 'note', '含中文 "quotes"')
    FROM generate_series(1, 2100) AS g`.execute(source.db);
  targetPglite = await PGlite.create();
  target = await openDatabase({ pglite: targetPglite });
});
afterAll(async () => {
  await source?.close();
  await target?.close();
  await targetPglite?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('writes a gzip JSON-lines file with a header in foreign-key order', async () => {
    const summary = await backupDatabase(source.db, file);
    const header = await readBackupHeader(file);
    expect(header).toMatchObject({ format: 'lianxin-backup', version: 1, migrations: MIGRATION_NAMES });
    const names = header.tables.map((t) => t.name);
    expect(names.indexOf('tenant')).toBeLessThan(names.indexOf('org'));
    expect(names.indexOf('org')).toBeLessThan(names.indexOf('member'));
    expect(names.indexOf('member')).toBeLessThan(names.indexOf('mobility'));
    expect(names.indexOf('account')).toBeLessThan(names.indexOf('session'));
    expect(summary.tables.find((t) => t.name === 'talk')?.rows).toBeGreaterThan(0);
    expect(names).not.toContain('kysely_migration');
    expect(summary.tables.find((t) => t.name === 'member')?.rows).toBe(113);
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n');
    expect(lines.length).toBe(1 + header.tables.reduce((n, t) => n + t.rows, 0));
  });

  it('restores into an empty database with the same data in every table', async () => {
    await restoreDatabase(target.db, file);
    const [before, after] = await Promise.all([tableDigests(source.db), tableDigests(target.db)]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after).toEqual(before);
    expect(after.member?.rows).toBe(113);
    expect(after.audit_log?.rows).toBeGreaterThanOrEqual(2100);
  });

  it('continues audit ids after the restored ones', async () => {
    const tenant = await target.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow();
    const maxBefore = await target.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow();
    await recordAudit(target.db, null, { tenantId: tenant.id, action: 'test.after_restore', entity: 'test' });
    const added = await target.db.selectFrom('audit_log').select('id').where('action', '=', 'test.after_restore').executeTakeFirstOrThrow();
    expect(Number(added.id)).toBeGreaterThan(Number(maxBefore.m ?? 0));
  });

  it('refuses to restore into a database that has data', async () => {
    await expect(restoreDatabase(source.db, file)).rejects.toBeInstanceOf(RestoreRefused);
  });

  it('refuses a file that is not a backup', async () => {
    const bogus = path.join(dir, 'bogus.gz');
    fs.writeFileSync(bogus, zlib.gzipSync('{"hello":"world"}\n'));
    await expect(readBackupHeader(bogus)).rejects.toThrow(/not a Lianxin backup/);
  });
});
