import ExcelJS from 'exceljs';
import type { Database } from '../../db/database.ts';
import type { Actor, RequestContext } from '../../auth/actor.ts';
import { authorize, listScope } from '../../auth/policy.ts';
import { AppError } from '../../errors.ts';
import { MALFORMED_MESSAGE, malformed } from '../../input-guard.ts';
import type { FieldCipher } from '../../secrets.ts';
import type { ImportJob } from '../../../shared/api.ts';
import { recordAudit } from '../../audit-log.ts';
import { resolveFilter } from '../members/index.ts';
import { exportMemberRows } from '../members/index.ts';
import { getSettings } from '../settings/index.ts';
import { HELP_SHEET_NAME, IMPORT_COLUMNS, IMPORT_SHEET_NAME, type ExportParams } from './schema.ts';
import { loadActor } from '../../auth/sessions.ts';
import { assertSafeXlsx } from './archive.ts';
import type { ImportIssue, ImportOutcome, ImportProgress, ImportQueue, RunImport } from './import-jobs.ts';
import { readRoster } from './import-read.ts';
import { canImportInto, GridResolver, UnitResolver, withNames, type UnitRef } from './import-refs.ts';
import { checkRosterRow, HEADER, type RosterMember, type RowRules } from './import-row.ts';
import { writeRoster } from './import-write.ts';
import { activeGridNames, activeGrids, activeUnits, registeredIdHashes, registeredPhones } from './repo.ts';
import { addTableSheet, dateCell, styleHeader, workbookBuffer } from './xlsx.ts';
import { shanghaiDate } from '../../clock.ts';

export interface RosterDeps {
  db: Database;
  cipher: FieldCipher;
}

export interface XlsxFile {
  fileName: string;
  body: Buffer;
}

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** Today in China, so a date typed in the morning is never "in the future" because of UTC. */
const todayInChina = (): string => shanghaiDate();

const tenantTarget = (actor: Actor) => ({ kind: 'tenant', tenantId: actor.tenantId }) as const;

async function loadUnits(db: Database, tenantId: string): Promise<UnitRef[]> {
  return withNames(await activeUnits(db, tenantId));
}

// ---------- template ----------

export async function buildImportTemplate(deps: RosterDeps, ctx: RequestContext): Promise<XlsxFile> {
  const { actor } = ctx;
  authorize(actor, 'roster.import', tenantTarget(actor));
  const [units, grids] = await Promise.all([
    loadUnits(deps.db, actor.tenantId),
    activeGridNames(deps.db, actor.tenantId),
  ]);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '连心';
  // The import sheet has only the headers: example rows would be imported by mistake.
  addTableSheet(workbook, IMPORT_SHEET_NAME, IMPORT_COLUMNS);

  const help = workbook.addWorksheet(HELP_SHEET_NAME);
  help.columns = [{ width: 12 }, { width: 8 }, { width: 70 }, { width: 22 }];
  help.addRow([`导入说明：在“${IMPORT_SHEET_NAME}”工作表中从第 2 行起每行填写一名党员，第 1 行的列名请勿修改。本页不会被导入。`]);
  help.addRow(['有任何一行有问题时整个文件都不会导入，系统会列出所有问题（行号、列名、原因），修改后重新上传即可。']);
  help.addRow([]);
  styleHeader(help.addRow(['列名', '必填', '填写说明', '示例']));
  for (const c of IMPORT_COLUMNS) help.addRow([c.header, c.required ? '是' : '', c.help, c.example]);
  help.addRow([]);
  help.addRow(['示例行（仅供参考，请勿填在本页）：']);
  const exampleHeader = help.addRow(IMPORT_COLUMNS.map((c) => c.header));
  styleHeader(exampleHeader);
  help.addRow(IMPORT_COLUMNS.map((c) => c.example));
  help.addRow([]);
  styleHeader(help.addRow(['您可导入的组织（所在组织填名称；重名时填完整路径）']));
  for (const unit of units.filter((u) => canImportInto(actor, u))) help.addRow([unit.name, '', unit.names.join('/')]);
  if (grids.length) {
    help.addRow([]);
    styleHeader(help.addRow(['网格']));
    for (const g of grids) help.addRow([g.name]);
  }
  return { fileName: '党员名册导入模板.xlsx', body: await workbookBuffer(workbook) };
}

// ---------- import ----------

const COLUMN_ORDER = new Map(IMPORT_COLUMNS.map((c, i) => [c.header, i]));

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Notes that `row` holds `value`; when an earlier row held it, that first row (the issue names it). */
function repeated(seenAt: Map<string, number[]>, value: string, row: number): number | undefined {
  const seen = seenAt.get(value);
  if (seen) seen.push(row);
  else seenAt.set(value, [row]);
  return seen?.[0];
}

/**
 * Imports a roster spreadsheet for the actor: reads it (`readRoster`), checks every row
 * (`checkRosterRow`, collecting every problem, then duplicates within the file and against the
 * members already registered), and only when there is none writes all members in one transaction
 * (`writeRoster`). Used by the HTTP job, the CLI and the benchmark.
 */
export async function importRoster(
  deps: RosterDeps,
  ctx: RequestContext,
  buffer: Buffer,
  onProgress: (p: ImportProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<ImportOutcome> {
  const { db, cipher } = deps;
  const { actor } = ctx;
  authorize(actor, 'roster.import', tenantTarget(actor));

  // 1. reading
  const read = await readRoster(buffer, onProgress, signal);
  if ('missingColumns' in read) return { imported: 0, issues: read.missingColumns };
  const { rows } = read;
  const total = rows.length;

  // 2. checking
  onProgress({ phase: 'validating', processed: 0, total });
  const [units, grids] = await Promise.all([loadUnits(db, actor.tenantId), activeGrids(db, actor.tenantId)]);
  const rules: RowRules = {
    tenantId: actor.tenantId,
    accountId: actor.accountId,
    today: todayInChina(),
    units: new UnitResolver(units, actor),
    grids: new GridResolver(grids),
    hashIdNumber: (idNumber) => cipher.hash(idNumber),
  };
  const issues: ImportIssue[] = [];
  const checked: RosterMember[] = [];
  const phoneRows = new Map<string, number[]>();
  const idHashRows = new Map<string, number[]>();

  for (const [i, row] of rows.entries()) {
    if (i % 1000 === 999) {
      onProgress({ phase: 'validating', processed: i, total });
      await tick();
    }
    const r = checkRosterRow(row, rules);
    issues.push(...r.issues);
    const r0 = row.rowNumber;
    if (r.phone !== null) {
      const first = repeated(phoneRows, r.phone, r0);
      if (first !== undefined) issues.push({ row: r0, column: HEADER.phone, message: `与第 ${first} 行的手机号重复` });
    }
    if (r.idHash !== null) {
      const first = repeated(idHashRows, r.idHash, r0);
      if (first !== undefined) issues.push({ row: r0, column: HEADER.idNumber, message: `与第 ${first} 行的身份证号重复` });
    }
    if (r.member) checked.push(r.member);
  }

  // Duplicates against the members already registered: one query per key for the whole file.
  const [takenPhones, takenHashes] = await Promise.all([
    registeredPhones(db, actor.tenantId, [...phoneRows.keys()]),
    registeredIdHashes(db, actor.tenantId, [...idHashRows.keys()]),
  ]);
  for (const phone of takenPhones) {
    for (const r of phoneRows.get(phone) ?? []) issues.push({ row: r, column: HEADER.phone, message: '该手机号已登记给现有党员' });
  }
  for (const hash of takenHashes) {
    for (const r of idHashRows.get(hash) ?? []) issues.push({ row: r, column: HEADER.idNumber, message: '该身份证号已登记给现有党员' });
  }
  onProgress({ phase: 'validating', processed: total, total });
  if (issues.length) {
    issues.sort((a, b) => a.row - b.row || (COLUMN_ORDER.get(a.column) ?? 0) - (COLUMN_ORDER.get(b.column) ?? 0));
    return { imported: 0, issues };
  }

  // 3. writing: all or nothing.
  const imported = await writeRoster(db, cipher, ctx, checked, onProgress, total);
  onProgress({ phase: 'finished', processed: total, total });
  return { imported, issues: [] };
}

// ---------- upload (HTTP job) ----------

export interface Upload {
  fileName: string;
  buffer: Buffer;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function assertXlsxUpload(upload: Upload): void {
  if (upload.buffer.length > MAX_UPLOAD_BYTES) throw new AppError('payload_too_large', '文件不能超过 20 MB');
  // The edge's guard sees parameters, queries and JSON, not a multipart file name.
  if (malformed(upload.fileName)) throw new AppError('validation_failed', `文件名${MALFORMED_MESSAGE}`, [{ field: 'file', message: `文件名${MALFORMED_MESSAGE}` }]);
  const isXlsx = /\.xlsx$/i.test(upload.fileName) && upload.buffer.subarray(0, 4).equals(ZIP_MAGIC);
  if (!isXlsx) throw new AppError('unsupported_file', '只支持 Excel .xlsx 文件（.xls、.csv 请先在 Excel 中另存为 .xlsx）');
}

/**
 * Authorizes, reads the upload and checks it (type, size, and the archive's inflated size, so a
 * zip bomb is refused at once with a 4xx), then queues the import: it starts when the
 * organization's imports queued before it have finished, in whichever server process claims it.
 * The upload is read only after authorization so a refused caller costs nothing.
 */
export async function startImport(queue: ImportQueue, ctx: RequestContext, readUpload: () => Promise<Upload>): Promise<ImportJob> {
  const { actor } = ctx;
  authorize(actor, 'roster.import', tenantTarget(actor));
  const upload = await readUpload();
  assertXlsxUpload(upload);
  await assertSafeXlsx(upload.buffer);
  return queue.enqueue({ tenantId: actor.tenantId, accountId: actor.accountId, ip: ctx.ip }, upload.fileName, upload.buffer);
}

/** How a queued job runs: as its uploader, with their rights at the time it runs. */
export function runImportJob(deps: RosterDeps): RunImport {
  return async (job, report, signal) => {
    const actor = await loadActor(deps.db, job.tenantId, job.accountId, '');
    if (!actor) throw new AppError('forbidden', '上传者的账号已停用，导入未执行');
    return importRoster(deps, { actor, ip: job.ip }, job.upload, report, signal);
  };
}

export async function getImportJob(queue: ImportQueue, ctx: RequestContext, jobId: string): Promise<ImportJob> {
  // Authorized before the lookup, so whether a job id exists tells nothing to those who may not import.
  authorize(ctx.actor, 'roster.import', tenantTarget(ctx.actor));
  return queue.get(ctx.actor, jobId);
}

// ---------- export ----------

const EXPORT_COLUMNS = [
  { header: '姓名', width: 10 },
  { header: '性别', width: 6 },
  { header: '出生日期', width: 12, format: 'date' },
  { header: '民族', width: 8 },
  { header: '学历', width: 8 },
  { header: '手机号', width: 14, format: 'text' },
  { header: '身份证号', width: 21, format: 'text' },
  { header: '入党日期', width: 12, format: 'date' },
  { header: '党员状态', width: 10 },
  { header: '所在组织', width: 16 },
  { header: '网格', width: 10 },
  { header: '家庭住址', width: 22 },
  { header: '职业', width: 10 },
  { header: '是否流动', width: 9 },
  { header: '外出地点', width: 22 },
  { header: '工作单位', width: 16 },
  { header: '外出时间', width: 12, format: 'date' },
  { header: '外出联系方式', width: 14, format: 'text' },
  { header: '应转尽转', width: 10 },
  { header: '失联', width: 18 },
] as const;

/** The roster as a spreadsheet, with the list's filters; ID numbers only masked. Audited. */
export async function exportRoster(deps: RosterDeps, ctx: RequestContext, query: ExportParams): Promise<XlsxFile & { count: number }> {
  const { db } = deps;
  const { actor } = ctx;
  authorize(actor, 'roster.export', tenantTarget(actor));
  const filter = await resolveFilter(db, ctx, query);
  let unitName: string | null = null;
  if (query.orgId && filter.orgPath) {
    authorize(actor, 'roster.export', { kind: 'org', tenantId: actor.tenantId, path: filter.orgPath });
    const org = await db.selectFrom('org').select('name').where('tenant_id', '=', actor.tenantId).where('id', '=', query.orgId).executeTakeFirst();
    unitName = org?.name ?? null;
  }
  const settings = await getSettings(db, actor.tenantId);
  const rows = await exportMemberRows(db, actor.tenantId, listScope(actor, 'roster.export'), filter, settings);

  const workbook = new ExcelJS.Workbook();
  workbook.creator = '连心';
  const sheet = addTableSheet(workbook, IMPORT_SHEET_NAME, EXPORT_COLUMNS);
  for (const m of rows) {
    const mobile = m.place_name !== null;
    const lost = m.lost_contact_since ? `已确认（自 ${m.lost_contact_since}）` : m.lost_suspected ? '疑似失联' : '';
    sheet.addRow([
      m.name,
      m.gender === 'male' ? '男' : '女',
      dateCell(m.birth_date),
      m.ethnicity,
      m.education,
      m.phone,
      m.id_number_masked,
      dateCell(m.join_date),
      m.status === 'full' ? '正式党员' : '预备党员',
      m.org_name,
      m.grid_name,
      m.home_address,
      m.occupation,
      mobile ? '是' : '否',
      m.place_name,
      m.workplace,
      dateCell(m.mobile_since),
      m.mobile_contact,
      m.should_transfer ? '是' : '',
      lost,
    ]);
  }
  const body = await workbookBuffer(workbook);
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'roster.export', entity: 'member', after: { filter: query, rows: rows.length } });
  const fileName = `党员名册-${unitName ? `${unitName}-` : ''}${todayInChina()}.xlsx`;
  return { fileName, body, count: rows.length };
}
