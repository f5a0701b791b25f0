import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { PHONES, contextFor, login, openTestApp, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { completeIdNumber } from '../../../shared/id-number.ts';
import type { ImportJob } from '../../../shared/api.ts';
import { IMPORT_COLUMNS } from './schema.ts';
import { importRoster } from './service.ts';

type RowInput = Partial<Record<string, string | number | Date>>;

let env: TestEnv;
let admin: Session;
let general: Session;
let branch: Session;

beforeAll(async () => {
  env = await openTestApp();
  [admin, general, branch] = await Promise.all([login(env.app, PHONES.tenantAdmin), login(env.app, PHONES.generalSecretary), login(env.app, PHONES.branchSecretary)]);
});
afterAll(async () => env?.close());

// ---------- helpers ----------

async function xlsxOf(rows: RowInput[], opts: { headers?: string[] } = {}): Promise<Buffer> {
  const headers = opts.headers ?? IMPORT_COLUMNS.map((c) => c.header);
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('党员名册');
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(headers.map((h) => r[h] ?? null));
  wb.addWorksheet('说明').addRow(['姓名', '这里的内容不会被导入']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----lianxin${crypto.randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(session: Session, fileName: string, content: Buffer): Promise<LightMyRequestResponse> {
  const body = multipart(fileName, content);
  return env.app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...session.headers, ...body.headers } });
}

async function waitForJob(session: Session, id: string): Promise<ImportJob> {
  for (let i = 0; i < 300; i++) {
    const res = await env.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: session.headers });
    expect(res.statusCode).toBe(200);
    const job = res.json<ImportJob>();
    if (job.phase === 'finished') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

async function importViaHttp(session: Session, content: Buffer): Promise<ImportJob> {
  const res = await upload(session, 'roster.xlsx', content);
  expect(res.statusCode).toBe(202);
  return waitForJob(session, res.json<ImportJob>().id);
}

async function memberCount(): Promise<number> {
  const r = await env.db.selectFrom('member').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function readSheet(body: Buffer): Promise<{ workbook: ExcelJS.Workbook; header: string[]; rows: Record<string, unknown>[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
  });
  return { workbook, header, rows };
}

let phoneSeq = 0;
/** A fresh phone number for each generated row. */
const nextPhone = (): string => `1770000${String(1000 + phoneSeq++).padStart(4, '0')}`;
let idSeq = 0;
const nextIdNumber = (birth = '19900501'): string => completeIdNumber(`320699${birth}${String(100 + idSeq++).padStart(3, '0')}`);

/** A complete valid row; overrides replace or (with undefined) remove cells. */
function validRow(overrides: RowInput = {}): RowInput {
  const row: RowInput = {
    姓名: '测试党员',
    性别: '女',
    出生日期: new Date(Date.UTC(1990, 4, 1)),
    民族: '汉族',
    学历: '大专',
    手机号: nextPhone(),
    身份证号: nextIdNumber(),
    入党日期: '2015/7/1',
    党员状态: '正式党员',
    所在组织: '第一党小组',
    网格: '第1网格',
    家庭住址: '新桥村3组',
    职业: '电工',
    是否流动: '否',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete row[k];
    else row[k] = v;
  }
  return row;
}

// ---------- template ----------

describe('import template', () => {
  it('has the Chinese headers in order, no data rows, and a 说明 sheet with an example', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/members/import-template', headers: general.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('党员名册导入模板.xlsx'));
    const { workbook, header, rows } = await readSheet(res.rawPayload);
    expect(header).toEqual([
      '姓名', '性别', '出生日期', '民族', '学历', '手机号', '身份证号', '入党日期', '党员状态', '所在组织', '网格',
      '家庭住址', '职业', '困难情况', '是否流动', '外出省份', '外出城市', '外出区县', '工作单位', '外出时间', '联系方式',
    ]);
    expect(rows).toHaveLength(0);
    const help = workbook.getWorksheet('说明');
    expect(help).toBeDefined();
    const helpText: string[] = [];
    help?.eachRow((row) => helpText.push((row.values as unknown[]).join('|')));
    expect(helpText.join('\n')).toContain('正式党员');
    expect(helpText.join('\n')).toContain('第一党小组');
  });
});

// ---------- authorization ----------

describe('authorization', () => {
  it('refuses callers without a session', async () => {
    for (const [method, url] of [['GET', '/api/members/import-template'], ['GET', '/api/members/export'], ['POST', '/api/imports'], ['GET', `/api/imports/${crypto.randomUUID()}`]] as const) {
      const res = await env.app.inject({ method, url });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('refuses members, mentors and group leaders', async () => {
    const file = await xlsxOf([validRow()]);
    for (const phone of [PHONES.mobileMember, PHONES.mentor, PHONES.groupLeader]) {
      const s = await login(env.app, phone);
      const template = await env.app.inject({ method: 'GET', url: '/api/members/import-template', headers: s.headers });
      expect(template.statusCode, phone).toBe(403);
      const exported = await env.app.inject({ method: 'GET', url: '/api/members/export', headers: s.headers });
      expect(exported.statusCode, phone).toBe(403);
      const imported = await upload(s, 'roster.xlsx', file);
      expect(imported.statusCode, phone).toBe(403);
      expect(imported.json()).toMatchObject({ ok: false, error: 'forbidden' });
      const job = await env.app.inject({ method: 'GET', url: `/api/imports/${crypto.randomUUID()}`, headers: s.headers });
      expect(job.statusCode, phone).toBe(403);
    }
  });

  it('shows an import job only to the account that started it', async () => {
    const res = await upload(general, 'roster.xlsx', await xlsxOf([validRow({ 姓名: undefined })]));
    expect(res.statusCode).toBe(202);
    const { id } = res.json<ImportJob>();
    await waitForJob(general, id);
    const other = await env.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: branch.headers });
    expect(other.statusCode).toBe(403);
    const unknown = await env.app.inject({ method: 'GET', url: `/api/imports/${crypto.randomUUID()}`, headers: general.headers });
    expect(unknown.statusCode).toBe(404);
  });
});

// ---------- upload checks ----------

describe('upload checks', () => {
  it('refuses files that are not xlsx with 415', async () => {
    const csv = await upload(general, 'roster.csv', Buffer.from('姓名,性别\n张三,男\n'));
    expect(csv.statusCode).toBe(415);
    expect(csv.json()).toMatchObject({ error: 'unsupported_file' });
    // The right extension is not enough: the content must be a zip (xlsx) too.
    const renamed = await upload(general, 'roster.xlsx', Buffer.from('<html>not a spreadsheet</html>'));
    expect(renamed.statusCode).toBe(415);
    const xlsxNamedXls = await upload(general, 'roster.xls', await xlsxOf([validRow()]));
    expect(xlsxNamedXls.statusCode).toBe(415);
    const json = await env.app.inject({ method: 'POST', url: '/api/imports', payload: { file: 'x' }, headers: general.headers });
    expect(json.statusCode).toBe(415);
  });

  it('refuses files over 20 MB with 413', async () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 0x41);
    big.write('PK\x03\x04', 0, 'latin1');
    const res = await upload(general, 'roster.xlsx', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('refuses a file name with a NUL byte with 400, not a failure of the server', async () => {
    const res = await upload(general, 'roster\u0000.xlsx', await xlsxOf([validRow()]));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed', issues: [{ field: 'file' }] });
  });

  it('refuses a broken zip at once with 422 and a message', async () => {
    const res = await upload(general, 'roster.xlsx', Buffer.from('PK\x03\x04 broken zip', 'latin1'));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'import_invalid', message: expect.stringContaining('已损坏') });
  });
});

// ---------- validation ----------

describe('import validation', () => {
  it('reports every problem with its row and column and writes nothing', async () => {
    const existing = await env.db
      .selectFrom('member')
      .select(['phone', 'id_number_enc'])
      .where('tenant_id', '=', env.tenantId)
      .where('id_number_enc', 'is not', null)
      .executeTakeFirstOrThrow();
    const existingId = env.services.cipher.decrypt(existing.id_number_enc as string);
    const first = validRow({ 姓名: '第一行' });
    const good = completeIdNumber('32069919900501999');
    const withBadCheck = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const rows: [RowInput, string | null][] = [
      [first, null], // row 2: valid, but must not be written either
      [validRow({ 姓名: undefined }), '姓名'], // 3
      [validRow({ 性别: '男性' }), '性别'], // 4
      [validRow({ 手机号: '1380000' }), '手机号'], // 5
      [validRow({ 手机号: first['手机号'] }), '手机号'], // 6 duplicate in the file
      [validRow({ 手机号: existing.phone }), '手机号'], // 7 duplicate of a registered member
      [validRow({ 身份证号: withBadCheck }), '身份证号'], // 8 checksum
      [validRow({ 身份证号: first['身份证号'] }), '身份证号'], // 9 duplicate in the file
      [validRow({ 身份证号: existingId, 出生日期: undefined }), '身份证号'], // 10 duplicate of a registered member
      [validRow({ 出生日期: '1990-13-45' }), '出生日期'], // 11 not a date
      [validRow({ 入党日期: '2999-01-01' }), '入党日期'], // 12 future
      [validRow({ 入党日期: '1980.1.1' }), '入党日期'], // 13 before birth
      [validRow({ 所在组织: '第九十九党小组' }), '所在组织'], // 14 unknown unit
      [validRow({ 网格: '第99网格' }), '网格'], // 15 unknown grid
      [validRow({ 是否流动: '是', 外出省份: '火星', 外出时间: '2020-01-01' }), '外出省份'], // 16
      [validRow({ 是否流动: '是', 外出省份: '江苏', 外出城市: '不存在市', 外出时间: '2020-01-01' }), '外出城市'], // 17
      [validRow({ 党员状态: '党员' }), '党员状态'], // 18
      [validRow({ 所在组织: undefined }), '所在组织'], // 19 required
    ];
    const before = await memberCount();
    const job = await importViaHttp(general, await xlsxOf(rows.map(([r]) => r)));
    expect(job.state).toBe('failed');
    expect(job.imported).toBe(0);
    expect(job.total).toBe(rows.length);
    const expected = rows.flatMap(([, column], i) => (column ? [{ row: i + 2, column }] : []));
    expect(job.issues.map((i) => ({ row: i.row, column: i.column }))).toEqual(expected);
    for (const issue of job.issues) expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
    expect(job.issues.find((i) => i.row === 6)?.message).toContain('第 2 行');
    expect(await memberCount()).toBe(before);
  });

  it('reports a missing required column on row 1', async () => {
    const headers = IMPORT_COLUMNS.map((c) => c.header).filter((h) => h !== '手机号');
    const job = await importViaHttp(general, await xlsxOf([validRow()], { headers }));
    expect(job.state).toBe('failed');
    expect(job.issues).toEqual([{ row: 1, column: '手机号', message: expect.stringContaining('手机号') }]);
  });

  it("does not let a branch secretary import into another branch's unit", async () => {
    const ctx = await contextFor(env, PHONES.branchSecretary);
    const before = await memberCount();
    const outcome = await importRoster(
      { db: env.db, cipher: env.services.cipher },
      ctx,
      await xlsxOf([validRow({ 所在组织: '第一党小组' }), validRow({ 所在组织: '第五党小组' })]),
    );
    expect(outcome.imported).toBe(0);
    expect(outcome.issues).toEqual([{ row: 3, column: '所在组织', message: expect.stringContaining('不在您管理的范围内') }]);
    expect(await memberCount()).toBe(before);
  });
});

// ---------- a clean import ----------

describe('clean import', () => {
  const mobilePhone = nextPhone();
  const mobileId = nextIdNumber('19950315');
  let file: Buffer;

  it('imports every row, with mobility, encrypted and masked ID numbers and one audit entry', async () => {
    file = await xlsxOf([
      validRow({ 姓名: '导入甲', 出生日期: '1985-02-03', 身份证号: undefined }),
      validRow({ 姓名: '导入乙', 出生日期: 31_000, 身份证号: undefined, 入党日期: 20100701, 所在组织: '第一党支部/第二党小组', 网格: undefined }),
      validRow({
        姓名: '导入丙',
        性别: '男',
        出生日期: '1995.3.15',
        手机号: mobilePhone,
        身份证号: mobileId.toLowerCase(),
        党员状态: '预备党员',
        所在组织: '第七党小组',
        是否流动: '是',
        外出省份: '江苏',
        外出城市: '苏州',
        外出区县: '吴中区',
        工作单位: '苏州某电子厂',
        外出时间: new Date(Date.UTC(2021, 2, 1)),
        联系方式: '微信 daoru-bing',
      }),
    ]);
    const before = await memberCount();
    const job = await importViaHttp(general, file);
    expect(job).toMatchObject({ state: 'done', phase: 'finished', imported: 3, total: 3, issues: [] });
    expect(await memberCount()).toBe(before + 3);

    const rows = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['m.id', 'm.name', 'm.birth_date', 'm.join_date', 'm.status', 'm.id_number_enc', 'm.id_number_masked', 'm.id_number_hash', 'o.name as org_name'])
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.name', 'in', ['导入甲', '导入乙', '导入丙'])
      .orderBy('m.name')
      .execute();
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get('导入甲')).toMatchObject({ birth_date: '1985-02-03', id_number_enc: null, org_name: '第一党小组' });
    expect(byName.get('导入乙')).toMatchObject({ birth_date: '1984-11-14', join_date: '2010-07-01', org_name: '第二党小组' });
    const bing = byName.get('导入丙');
    expect(bing).toMatchObject({ birth_date: '1995-03-15', status: 'probationary', org_name: '第七党小组' });
    expect(bing?.id_number_enc).not.toContain(mobileId);
    expect(env.services.cipher.decrypt(bing?.id_number_enc as string)).toBe(mobileId);
    expect(bing?.id_number_masked).toBe(`${mobileId.slice(0, 4)}**********${mobileId.slice(-4)}`);
    expect(bing?.id_number_hash).toBe(env.services.cipher.hash(mobileId));

    const mobility = await env.db.selectFrom('mobility').selectAll().where('tenant_id', '=', env.tenantId).where('member_id', '=', bing?.id as string).execute();
    expect(mobility).toHaveLength(1);
    expect(mobility[0]).toMatchObject({ place_name: '江苏省苏州市吴中区', province_code: '32', city_code: '3205', district_code: '320506', since: '2021-03-01', workplace: '苏州某电子厂', ended_on: null });

    const audit = await env.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', env.tenantId).where('action', '=', 'roster.import').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.after).toMatchObject({ count: 3, mobile: 1 });
  });

  it('refuses the same file a second time with duplicate phones and writes nothing', async () => {
    const before = await memberCount();
    const job = await importViaHttp(general, file);
    expect(job.state).toBe('failed');
    expect(job.imported).toBe(0);
    const phoneIssues = job.issues.filter((i) => i.column === '手机号');
    expect(phoneIssues.map((i) => i.row)).toEqual([2, 3, 4]);
    expect(await memberCount()).toBe(before);
  });
});

// ---------- export ----------

describe('export', () => {
  it('exports the filtered roster with masked ID numbers, flags and an audit entry', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/members/export?mobile=true', headers: general.headers });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-disposition'])).toMatch(/%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C-\d{4}-\d{2}-\d{2}\.xlsx/);
    const { workbook, header, rows } = await readSheet(res.rawPayload);
    expect(header).toEqual(expect.arrayContaining(['姓名', '身份证号', '所在组织', '是否流动', '外出地点', '应转尽转', '失联']));
    const mobileCount = await env.db
      .selectFrom('mobility')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', env.tenantId)
      .where('ended_on', 'is', null)
      .executeTakeFirstOrThrow();
    expect(rows).toHaveLength(Number(mobileCount.n));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r['是否流动']).toBe('是');
      expect(r['外出地点']).toBeTruthy();
      if (r['身份证号']) expect(String(r['身份证号'])).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    }
    expect(rows.some((r) => r['应转尽转'] === '是')).toBe(true);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const audit = await env.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', env.tenantId).where('action', '=', 'roster.export').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ filter: { mobile: true }, rows: rows.length });
  });

  it('exports people in pinyin order: 安, 白, 陈, 张', async () => {
    const group = (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党小组').executeTakeFirstOrThrow()).id;
    for (const [i, name] of ['张导出', '陈导出', '白导出', '安导出'].entries()) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/members',
        headers: general.headers,
        payload: { name, gender: 'female', phone: `1370000020${i}`, status: 'full', orgId: group },
      });
      expect(res.statusCode).toBe(200);
    }
    const res = await env.app.inject({ method: 'GET', url: `/api/members/export?q=${encodeURIComponent('导出')}`, headers: general.headers });
    expect((await readSheet(res.rawPayload)).rows.map((r) => r['姓名'])).toEqual(['安导出', '白导出', '陈导出', '张导出']);
  });

  it("gives a branch secretary only their branch's members", async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/members/export', headers: branch.headers });
    expect(res.statusCode).toBe(200);
    const { rows } = await readSheet(res.rawPayload);
    const ctx = await contextFor(env, PHONES.branchSecretary);
    const branchPath = ctx.actor.scopes.find((s) => s.role === 'secretary')?.path as string;
    const inBranch = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['m.phone', 'o.name'])
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.left_at', 'is', null)
      .where('o.path', 'like', `${branchPath}%`)
      .execute();
    expect(rows.length).toBe(inBranch.length);
    expect(new Set(rows.map((r) => String(r['手机号'])))).toEqual(new Set(inBranch.map((m) => m.phone)));
  });

  it("refuses a branch secretary's export of another unit", async () => {
    const other = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第二党支部').executeTakeFirstOrThrow();
    const res = await env.app.inject({ method: 'GET', url: `/api/members/export?orgId=${other.id}`, headers: branch.headers });
    expect(res.statusCode).toBe(403);
    const mine = await env.app.inject({ method: 'GET', url: `/api/members/export?orgId=${other.id}`, headers: admin.headers });
    expect(mine.statusCode).toBe(200);
    const { rows } = await readSheet(mine.rawPayload);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => ['第二党支部', '第四党小组', '第五党小组'].includes(String(r['所在组织'])))).toBe(true);
  });
});

describe('Chinese text in large files', () => {
  it('keeps every character of names and addresses across the reader’s chunk boundaries', async () => {
    const names = ['龚', '陆', '顾', '施', '季', '沈'];
    const rows = Array.from({ length: 1500 }, (_, i) =>
      validRow({
        姓名: `${names[i % names.length]}${'春华秋实'.slice(0, 1 + (i % 4))}`,
        家庭住址: `新桥村${i % 12}组${'东西南北'.repeat(1 + (i % 5))}${i}号`,
        身份证号: undefined,
      }),
    );
    const file = await xlsxOf(rows);
    const outcome = await importRoster({ db: env.db, cipher: env.services.cipher }, await contextFor(env, PHONES.generalSecretary), file);
    expect(outcome.issues).toEqual([]);
    expect(outcome.imported).toBe(1500);
    const stored = await env.db.selectFrom('member').select(['phone', 'name', 'home_address']).where('tenant_id', '=', env.tenantId).where('phone', 'in', rows.map((r) => String(r['手机号']))).execute();
    const byPhone = new Map(stored.map((s) => [s.phone, s]));
    for (const r of rows) {
      expect(byPhone.get(String(r['手机号']))).toMatchObject({ name: r['姓名'], home_address: r['家庭住址'] });
    }
  });
});
