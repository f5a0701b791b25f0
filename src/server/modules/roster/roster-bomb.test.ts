import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { PHONES, login, openTestApp, openTestDatabase, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { withDatabase } from '../../../../test/support/template.ts';
import type { ImportJob } from '../../../shared/api.ts';
import { buildApp } from '../../app.ts';
import { openDatabase, type OpenedDatabase } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { INTERRUPTED_MESSAGE, ImportQueue, MAX_QUEUED_PER_TENANT, type ClaimedImport, type ImportOutcome } from './import-jobs.ts';
import { IMPORT_COLUMNS } from './schema.ts';
import { readImportSheet } from './sheet-reader.ts';
import { deflated, workbookParts, xlsxBomb, zipOf } from './test-zips.ts';

/**
 * Defence against spreadsheet bombs (the archive is checked before exceljs loads it, and exceljs
 * runs in a thread with a capped heap) and the import queue (jobs in the database, one at a time
 * per organization, readable and runnable from any server process).
 */

const onPostgres = Boolean(process.env.LIANXIN_TEST_PG_URL);
const GB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

let env: TestEnv;
let general: Session;

beforeAll(async () => {
  env = await openTestApp();
  general = await login(env.app, PHONES.generalSecretary);
});
afterAll(async () => env?.close());

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----lianxin${crypto.randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(app: TestEnv['app'], session: Session, content: Buffer, fileName = 'roster.xlsx'): Promise<LightMyRequestResponse> {
  const body = multipart(fileName, content);
  return app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...session.headers, ...body.headers } });
}

async function waitForJob(app: TestEnv['app'], session: Session, id: string): Promise<ImportJob> {
  for (let i = 0; i < 600; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: session.headers });
    expect(res.statusCode).toBe(200);
    const job = res.json<ImportJob>();
    if (job.phase === 'finished') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

async function jobCount(db: OpenedDatabase['db']): Promise<number> {
  const r = await db.selectFrom('import_job').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

let phoneSeq = 0;
/** A valid roster of `n` people in the demo's first party group (no ID numbers: phones are unique). */
async function rosterOf(n: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('党员名册');
  const headers = IMPORT_COLUMNS.map((c) => c.header);
  sheet.addRow(headers);
  for (let i = 0; i < n; i++) {
    const row: Record<string, string | Date> = {
      姓名: `排队${phoneSeq}`,
      性别: '女',
      出生日期: new Date(Date.UTC(1990, 4, 1)),
      手机号: `1760000${String(1000 + phoneSeq++).padStart(4, '0')}`,
      党员状态: '正式党员',
      所在组织: '第一党小组',
      是否流动: '否',
    };
    sheet.addRow(headers.map((h) => row[h] ?? null));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------- the archive check ----------

describe('spreadsheet bombs', () => {
  it('refuses a 10 MB workbook that inflates to 1.5 GB with 413 and a clear message, queuing nothing', async () => {
    const bomb = xlsxBomb(1.5 * GB);
    expect(bomb.length).toBeLessThan(20 * MB);
    const before = await jobCount(env.db);
    const res = await upload(env.app, general, bomb);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ ok: false, error: 'payload_too_large', message: expect.stringContaining('文件解压后超过 50 MB') });
    expect(await jobCount(env.db)).toBe(before);
  });

  it('catches a header that understates the inflated size, stopping at the limit', async () => {
    // The compressed data turns invalid after 1.5 GB: had the check inflated it all, it would
    // have found the file broken (422) instead of too large.
    const liar = xlsxBomb(1.5 * GB, { lie: true, garbageAfter: true });
    const res = await upload(env.app, general, liar);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('文件解压后超过 50 MB') });

    // A lie below the limit is still a lie: the file is refused as broken.
    const smallLiar = xlsxBomb(2 * MB, { lie: true });
    const small = await upload(env.app, general, smallLiar);
    expect(small.statusCode).toBe(422);
    expect(small.json()).toMatchObject({ error: 'import_invalid', message: expect.stringContaining('已损坏') });
  });

  it('refuses archives of too many entries, zips that are not workbooks, and files that are not zips', async () => {
    const many = zipOf([...workbookParts(), ...Array.from({ length: 1001 }, (_, i) => deflated(`xl/media/${i}.xml`, '<x/>'))]);
    const manyRes = await upload(env.app, general, many);
    expect(manyRes.statusCode).toBe(413);
    expect(manyRes.json<{ message: string }>().message).toContain('1000 个内部文件');

    const notWorkbook = zipOf([deflated('readme.txt', '这不是表格')]);
    const notWorkbookRes = await upload(env.app, general, notWorkbook);
    expect(notWorkbookRes.statusCode).toBe(422);
    expect(notWorkbookRes.json()).toMatchObject({ error: 'import_invalid', message: expect.stringContaining('不是 Excel 工作簿') });

    const pdf = await upload(env.app, general, Buffer.from('%PDF-1.7\n这不是表格'));
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json()).toMatchObject({ error: 'unsupported_file', message: expect.stringContaining('只支持 Excel .xlsx 文件') });
  });

  it('reads a workbook that needs more than the reader thread may hold as a refusal, and the server reads on', async () => {
    // A 16 MB heap reads ten rows but not three thousand: the cap, not the thread's start, refuses.
    const small = await readImportSheet(await rosterOf(10), '姓名', 100_000, () => {}, { heapMb: 16 });
    expect(small?.rows).toHaveLength(10);
    const file = await rosterOf(3000);
    const err = await readImportSheet(file, '姓名', 100_000, () => {}, { heapMb: 16 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('文件内容过多') });
    const sheet = await readImportSheet(file, '姓名', 100_000, () => {});
    expect(sheet?.rows).toHaveLength(3000);
  });
});

// ---------- the queue over HTTP ----------

describe('import queue', () => {
  it('runs three uploads of one organization one after another, in upload order, and finishes them all', async () => {
    const files = await Promise.all([rosterOf(400), rosterOf(400), rosterOf(400)]);
    const responses = await Promise.all(files.map((f) => upload(env.app, general, f)));
    for (const r of responses) {
      expect(r.statusCode).toBe(202);
      expect(['queued', 'running']).toContain(r.json<ImportJob>().state);
    }
    const ids = responses.map((r) => r.json<ImportJob>().id);
    const jobs = await Promise.all(ids.map((id) => waitForJob(env.app, general, id)));
    for (const job of jobs) expect(job).toMatchObject({ state: 'done', imported: 400, queuePosition: null });

    const rows = await env.db
      .selectFrom('import_job')
      .select(['id', 'seq', 'started_at', 'finished_at', 'upload'])
      .where('tenant_id', '=', env.tenantId)
      .where('id', 'in', ids)
      .orderBy('seq')
      .execute();
    expect(rows).toHaveLength(3);
    for (const [i, row] of rows.entries()) {
      expect(row.upload).toBeNull();
      const next = rows[i + 1];
      if (next) expect((next.started_at as Date).getTime()).toBeGreaterThanOrEqual((row.finished_at as Date).getTime());
    }
  });
});

// ---------- the queue itself, on a database no server polls ----------

interface Gate {
  job: ClaimedImport;
  release: (outcome?: ImportOutcome) => void;
}

/** A runner that records each job it starts and finishes it only when the test says so. */
function gatedRunner(): { run: ConstructorParameters<typeof ImportQueue>[1]; started: Gate[] } {
  const started: Gate[] = [];
  return {
    started,
    run: (job) =>
      new Promise<ImportOutcome>((resolve) => {
        started.push({ job, release: (outcome = { imported: 1, issues: [] }) => resolve(outcome) });
      }),
  };
}

async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: never happened`);
}

describe('import queue across processes', () => {
  let opened: OpenedDatabase & { tenantId: string };
  let owner: { tenantId: string; accountId: string; ip: string | null };
  let branchAccount: string;
  let adminAccount: string;
  const queues: ImportQueue[] = [];
  const quiet = { onUnexpectedError: (err: unknown) => console.error(err), soleProcess: false, pollMs: 60_000 };
  const newQueue = (run: ConstructorParameters<typeof ImportQueue>[1], opts: Partial<typeof quiet> = {}): ImportQueue => {
    const q = new ImportQueue(opened.db, run, { ...quiet, ...opts });
    queues.push(q);
    return q;
  };
  const accountOf = async (phone: string) =>
    (await opened.db.selectFrom('account').select('id').where('tenant_id', '=', opened.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow()).id;
  const viewer = (accountId: string, isTenantAdmin = false) => ({ tenantId: opened.tenantId, accountId, isTenantAdmin });

  beforeAll(async () => {
    opened = await openTestDatabase();
    owner = { tenantId: opened.tenantId, accountId: await accountOf(PHONES.generalSecretary), ip: '127.0.0.1' };
    branchAccount = await accountOf(PHONES.branchSecretary);
    adminAccount = await accountOf(PHONES.tenantAdmin);
  });
  afterAll(async () => {
    for (const q of queues) await q.stop();
    await opened?.close();
  });

  it('lets one process run one job of a tenant; the others wait with their place, whichever process queued them', async () => {
    const one = gatedRunner();
    const two = gatedRunner();
    const q1 = newQueue(one.run);
    const q2 = newQueue(two.run);
    q1.start();
    q2.start();
    const a = await q1.enqueue(owner, 'a.xlsx', Buffer.from('a'));
    const first = await eventually('first job claimed', () => one.started[0] ?? two.started[0]);
    expect(first.job.id).toBe(a.id);
    expect(first.job.upload.toString()).toBe('a');
    const b = await q2.enqueue(owner, 'b.xlsx', Buffer.from('b'));
    const c = await q1.enqueue(owner, 'c.xlsx', Buffer.from('c'));
    expect(b).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(c).toMatchObject({ state: 'queued', queuePosition: 2, message: expect.stringContaining('前面还有 2 个导入') });
    expect(await q2.get(viewer(owner.accountId), a.id)).toMatchObject({ state: 'running', queuePosition: null });
    // Nobody starts b while a runs, however often they look.
    await eventually('both queues looked', async () => ((await q2.get(viewer(owner.accountId), b.id)).state === 'queued' ? true : undefined));
    expect(one.started.length + two.started.length).toBe(1);

    first.release();
    const second = await eventually('second job claimed', () => [...one.started, ...two.started][1]);
    expect(second.job.id).toBe(b.id);
    expect(await q1.get(viewer(owner.accountId), c.id)).toMatchObject({ state: 'queued', queuePosition: 1 });
    second.release({ imported: 0, issues: [{ row: 2, column: '姓名', message: '姓名必填' }] });
    const third = await eventually('third job claimed', () => [...one.started, ...two.started][2]);
    expect(third.job.id).toBe(c.id);
    third.release();
    const done = await eventually('third job finished', async () => {
      const job = await q2.get(viewer(owner.accountId), c.id);
      return job.state === 'done' ? job : undefined;
    });
    expect(done).toMatchObject({ phase: 'finished', imported: 1, message: '已导入 1 名党员' });
    expect(await q1.get(viewer(owner.accountId), b.id)).toMatchObject({ state: 'failed', issues: [{ row: 2, column: '姓名' }], message: expect.stringContaining('发现 1 个问题') });
  });

  it('when the server stops, ends the read in progress and fails its job with a message to upload again', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    let claimed = false;
    const q = newQueue(async (job, _report, signal) => {
      claimed = true;
      await gate;
      await readImportSheet(job.upload, '姓名', 100_000, () => {}, { signal });
      return { imported: 0, issues: [] };
    });
    q.start();
    const job = await q.enqueue(owner, 'stop.xlsx', await rosterOf(10));
    await eventually('job claimed', () => (claimed ? true : undefined));
    const stopped = q.stop();
    release();
    await stopped;
    expect(await q.get(viewer(owner.accountId), job.id)).toMatchObject({ state: 'failed', phase: 'finished', message: expect.stringContaining('请重新上传文件') });
  });

  it('refuses an upload while the organization already has the most uploads waiting', async () => {
    const storeOnly = newQueue(gatedRunner().run);
    const ids: string[] = [];
    for (let i = 0; i < MAX_QUEUED_PER_TENANT; i++) ids.push((await storeOnly.enqueue(owner, `${i}.xlsx`, Buffer.from('q'))).id);
    await expect(storeOnly.enqueue(owner, 'one-more.xlsx', Buffer.from('q'))).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringContaining('在排队') });
    await opened.db.deleteFrom('import_job').where('id', 'in', ids).execute();
  });

  it('shows a job only to its uploader and the tenant administrator', async () => {
    const q = newQueue(gatedRunner().run);
    const job = await q.enqueue(owner, 'x.xlsx', Buffer.from('x'));
    await expect(q.get(viewer(branchAccount), job.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(q.get(viewer(adminAccount, true), job.id)).resolves.toMatchObject({ id: job.id });
    await expect(q.get({ ...viewer(owner.accountId), tenantId: crypto.randomUUID() }, job.id)).rejects.toMatchObject({ code: 'not_found' });
    await opened.db.deleteFrom('import_job').where('id', '=', job.id).execute();
  });

  it('fails a job whose process died, with a message to upload again, and runs the next one', async () => {
    const dead = await opened.db
      .insertInto('import_job')
      .values({ tenant_id: owner.tenantId, account_id: owner.accountId, ip: null, file_name: 'dead.xlsx', upload: Buffer.from('d'), state: 'running', worker_id: crypto.randomUUID() })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Its process last wrote ten minutes ago (database time, not this machine's clock).
    await opened.db.updateTable('import_job').set({ heartbeat_at: sql<Date>`lianxin_now() - interval '10 minutes'` }).where('id', '=', dead.id).execute();
    const idle = newQueue(gatedRunner().run);
    const next = await idle.enqueue(owner, 'next.xlsx', Buffer.from('n'));
    const runner = gatedRunner();
    newQueue(runner.run).start();
    const started = await eventually('next job claimed', () => runner.started[0]);
    expect(started.job.id).toBe(next.id);
    expect(await idle.get(viewer(owner.accountId), dead.id)).toMatchObject({ state: 'failed', phase: 'finished', message: INTERRUPTED_MESSAGE });
    started.release();
    await eventually('next job finished', async () => ((await idle.get(viewer(owner.accountId), next.id)).state === 'done' ? true : undefined));
  });

  it('on the embedded database, fails at start whatever it finds running: no other process can be running it', async () => {
    const job = await opened.db
      .insertInto('import_job')
      .values({ tenant_id: owner.tenantId, account_id: owner.accountId, ip: null, file_name: 'cut.xlsx', upload: Buffer.from('c'), state: 'running', worker_id: crypto.randomUUID() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await opened.db.updateTable('import_job').set({ heartbeat_at: new Date(8.64e15) }).where('id', '=', job.id).execute();
    const q = newQueue(gatedRunner().run, { soleProcess: true });
    q.start();
    const failed = await eventually('interrupted job failed', async () => {
      const j = await q.get(viewer(owner.accountId), job.id);
      return j.state === 'failed' ? j : undefined;
    });
    expect(failed.message).toBe(INTERRUPTED_MESSAGE);
    const stored = await opened.db.selectFrom('import_job').select('upload').where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(stored.upload).toBeNull();
  });
});

// ---------- two server instances on one PostgreSQL ----------

describe.skipIf(!onPostgres)('two server instances on one PostgreSQL database', () => {
  it('answers the poll from the other instance, and runs a job another instance queued', async () => {
    const info = inject('template');
    const current = await sql<{ name: string }>`SELECT current_database() AS name`.execute(env.db);
    const url = withDatabase(info.serverUrl as string, current.rows[0]?.name as string);
    const second = await openDatabase({ databaseUrl: url, poolSize: 3 });
    const app2 = await buildApp({ services: { ...env.services, db: second.db }, serveWeb: false });
    await app2.ready();
    try {
      // Sessions live in the database: the same cookie works on both.
      const res = await upload(env.app, general, await rosterOf(50));
      expect(res.statusCode).toBe(202);
      const job = await waitForJob(app2, general, res.json<ImportJob>().id);
      expect(job).toMatchObject({ state: 'done', imported: 50 });

      // A job stored by a process that does not run jobs is run by one that does.
      const account = await second.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.generalSecretary).executeTakeFirstOrThrow();
      const storeOnly = new ImportQueue(second.db, () => Promise.reject(new Error('never runs here')), { onUnexpectedError: () => {}, soleProcess: false });
      const queued = await storeOnly.enqueue({ tenantId: env.tenantId, accountId: account.id, ip: null }, 'r.xlsx', await rosterOf(20));
      expect(queued.state).toBe('queued');
      const ran = await waitForJob(app2, general, queued.id);
      expect(ran).toMatchObject({ state: 'done', imported: 20 });
    } finally {
      await app2.close();
      await second.close();
    }
  });
});
