import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql, type Insertable } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { MemberTable, MobilityTable } from '../../db/tables.ts';
import type { Actor, RequestContext } from '../../auth/actor.ts';
import { authorize, can, memberReadScope } from '../../auth/policy.ts';
import { AppError, uniqueViolation } from '../../errors.ts';
import { MALFORMED_MESSAGE, malformed } from '../../input-guard.ts';
import type { FieldCipher } from '../../secrets.ts';
import type { ImportJob } from '../../../shared/api.ts';
import { idNumberBirthDate, maskIdNumber, normalizeIdNumber } from '../../../shared/id-number.ts';
import { recordAudit } from '../audit/service.ts';
import { idNumberIssue, resolveFilter } from '../members/service.ts';
import { exportMemberRows } from '../members/repo.ts';
import { findRegionByName, regionTree, resolvePlace } from '../regions/service.ts';
import { getSettings } from '../settings/service.ts';
import { HELP_SHEET_NAME, IMPORT_COLUMNS, IMPORT_SHEET_NAME, type ExportParams, type ImportColumnKey } from './schema.ts';
import { loadActor } from '../../auth/sessions.ts';
import { assertSafeXlsx } from './archive.ts';
import type { ImportIssue, ImportOutcome, ImportProgress, ImportQueue, RunImport } from './import-jobs.ts';
import { readImportSheet } from './sheet-reader.ts';
import { addTableSheet, dateCell, normalizeHeader, parseDateCell, styleHeader, workbookBuffer, type CellInput } from './xlsx.ts';
import { nameSortKey } from '../../name-sort-key.ts';
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
export const MAX_IMPORT_ROWS = 100_000;
const INSERT_BATCH = 500;

const HEADER: Record<ImportColumnKey, string> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c.header])) as Record<ImportColumnKey, string>;
const COLUMN_ORDER = new Map(IMPORT_COLUMNS.map((c, i) => [c.header, i]));

/** Today in China, so a date typed in the morning is never "in the future" because of UTC. */
const todayInChina = (): string => shanghaiDate();

const tenantTarget = (actor: Actor) => ({ kind: 'tenant', tenantId: actor.tenantId }) as const;

// ---------- reference data: units and grids the importer may use ----------

interface UnitRef {
  id: string;
  name: string;
  path: string;
  /** Names from the top unit down to this one. */
  names: string[];
}

async function loadUnits(db: Database, tenantId: string): Promise<UnitRef[]> {
  const rows = await db.selectFrom('org').select(['id', 'name', 'path']).where('tenant_id', '=', tenantId).where('retired_at', 'is', null).orderBy('path').execute();
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  return rows.map((r) => ({ ...r, names: r.path.split('/').filter(Boolean).map((id) => nameOf.get(id) ?? '') }));
}

const canImportInto = (actor: Actor, unit: UnitRef): boolean => can(actor, 'roster.import', { kind: 'org', tenantId: actor.tenantId, path: unit.path });

/** 所在组织 by name, or by a path of names (第一党支部/第一党小组) when names repeat. */
class UnitResolver {
  private readonly cache = new Map<string, UnitRef | string>();
  constructor(
    private readonly units: UnitRef[],
    private readonly actor: Actor,
  ) {}

  resolve(text: string): UnitRef | string {
    let hit = this.cache.get(text);
    if (hit === undefined) {
      hit = this.lookup(text);
      this.cache.set(text, hit);
    }
    return hit;
  }

  private lookup(text: string): UnitRef | string {
    const segments = text.split(/[/／\\>＞]/).map((s) => s.trim()).filter(Boolean);
    const matches = this.units.filter((u) => segments.length <= u.names.length && segments.every((s, i) => u.names[u.names.length - segments.length + i] === s));
    if (matches.length === 0) return `找不到组织“${text}”`;
    const inScope = matches.filter((u) => canImportInto(this.actor, u));
    if (inScope.length === 0) return `组织“${text}”不在您管理的范围内`;
    const [first, second] = inScope;
    if (second) return `有多个组织名为“${text}”，请写完整路径，如“${first?.names.join('/')}”`;
    return first ?? `找不到组织“${text}”`;
  }
}

interface GridRef {
  id: string;
  name: string;
  orgPath: string;
}

/** 网格 by name: a grid of the member's unit, of a unit above it (a village's grids) or below it. */
class GridResolver {
  private readonly byName = new Map<string, GridRef[]>();
  private readonly cache = new Map<string, GridRef | string>();
  constructor(grids: GridRef[]) {
    for (const g of grids) {
      const list = this.byName.get(g.name) ?? [];
      list.push(g);
      this.byName.set(g.name, list);
    }
  }

  resolve(name: string, unit: UnitRef | null): GridRef | string {
    const key = `${unit?.id ?? ''}|${name}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.lookup(name, unit);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private lookup(name: string, unit: UnitRef | null): GridRef | string {
    const named = this.byName.get(name) ?? [];
    if (named.length === 0) return `找不到网格“${name}”`;
    if (!unit) return named[0] as GridRef;
    const related = named.filter((g) => unit.path.startsWith(g.orgPath) || g.orgPath.startsWith(unit.path));
    if (related.length === 0) return `网格“${name}”不属于${unit.name}`;
    if (related.length > 1) return `有多个网格名为“${name}”，请联系管理员区分网格名称`;
    return related[0] as GridRef;
  }
}

interface Destination {
  provinceCode: string;
  cityCode: string | null;
  districtCode: string | null;
  placeName: string;
}

const destinationCache = new Map<string, Destination | { column: ImportColumnKey; message: string }>();

/** 外出省份/城市/区县 by name → codes and the readable place name. */
function resolveDestination(province: string, city: string | null, district: string | null): Destination | { column: ImportColumnKey; message: string } {
  const key = `${province}|${city ?? ''}|${district ?? ''}`;
  const cached = destinationCache.get(key);
  if (cached) return cached;
  const result = lookupDestination(province, city, district);
  if (destinationCache.size < 10_000) destinationCache.set(key, result);
  return result;
}

const stripDistrictSuffix = (s: string): string => s.replace(/(区|县|市|旗)$/, '');

function lookupDestination(province: string, city: string | null, district: string | null): Destination | { column: ImportColumnKey; message: string } {
  const p = findRegionByName(province);
  if (!p) return { column: 'province', message: `找不到省份“${province}”` };
  if (!city && district) return { column: 'city', message: '填写外出区县时须同时填写外出城市' };
  let cityCode: string | null = null;
  if (city) {
    const c = findRegionByName(province, city);
    if (!c?.cityCode) return { column: 'city', message: `找不到城市“${city}”（${province}）` };
    cityCode = c.cityCode;
  }
  let districtCode: string | null = null;
  if (district && cityCode) {
    const cityNode = regionTree().find((x) => x.code === p.provinceCode)?.children?.find((x) => x.code === cityCode);
    const d = (cityNode?.children ?? []).find((x) => x.name === district || stripDistrictSuffix(x.name) === stripDistrictSuffix(district));
    if (!d) return { column: 'district', message: `找不到区县“${district}”（${city}）` };
    districtCode = d.code;
  }
  return { provinceCode: p.provinceCode, cityCode, districtCode, placeName: resolvePlace(p.provinceCode, cityCode, districtCode) };
}

// ---------- template ----------

export async function buildImportTemplate(deps: RosterDeps, ctx: RequestContext): Promise<XlsxFile> {
  const { actor } = ctx;
  authorize(actor, 'roster.import', tenantTarget(actor));
  const [units, grids] = await Promise.all([
    loadUnits(deps.db, actor.tenantId),
    deps.db.selectFrom('grid').select('name').where('tenant_id', '=', actor.tenantId).where('retired_at', 'is', null).orderBy('name').execute(),
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

interface PreparedRow {
  rowNumber: number;
  member: Insertable<MemberTable> & { id: string };
  idNumber: string | null;
  mobility: Insertable<MobilityTable> | null;
}

const asText = (v: CellInput): string | null => {
  if (v === null) return null;
  if (v instanceof Date) {
    const d = parseDateCell(v);
    return d === 'invalid' ? null : d;
  }
  return String(v).trim() || null;
};

const GENDER: Record<string, 'male' | 'female'> = { 男: 'male', 女: 'female' };
const STATUS: Record<string, 'full' | 'probationary'> = { 正式党员: 'full', 正式: 'full', 预备党员: 'probationary', 预备: 'probationary' };
const YES_NO: Record<string, boolean> = { 是: true, 否: false, Y: true, N: false };

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Imports a roster spreadsheet for the actor: reads it, checks every row (collecting every
 * problem), and only when there is none writes all members in one transaction. Used by the HTTP
 * job, the CLI and the benchmark.
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
  onProgress({ phase: 'reading', processed: 0, total: 0 });
  const sheet = await readImportSheet(buffer, HEADER.name, MAX_IMPORT_ROWS, (processed) => onProgress({ phase: 'reading', processed, total: 0 }), signal ? { signal } : {});
  if (!sheet) throw new AppError('import_invalid', `没有找到第 1 行为列名（姓名、性别…）的工作表，请使用导入模板`);
  const total = sheet.rows.length;
  if (total === 0) throw new AppError('import_invalid', '表格中没有党员数据');

  const col = new Map<ImportColumnKey, number>();
  sheet.header.forEach((h, i) => {
    const name = normalizeHeader(h);
    const c = IMPORT_COLUMNS.find((x) => x.header === name);
    if (c && !col.has(c.key)) col.set(c.key, i);
  });
  const missing = IMPORT_COLUMNS.filter((c) => c.required && !col.has(c.key));
  if (missing.length) {
    return { imported: 0, issues: missing.map((c) => ({ row: 1, column: c.header, message: `缺少“${c.header}”列` })) };
  }

  // 2. validating
  onProgress({ phase: 'validating', processed: 0, total });
  const [units, grids] = await Promise.all([
    loadUnits(db, actor.tenantId),
    db
      .selectFrom('grid as g')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
      .select(['g.id', 'g.name', 'o.path as orgPath'])
      .where('g.tenant_id', '=', actor.tenantId)
      .where('g.retired_at', 'is', null)
      .execute(),
  ]);
  const unitResolver = new UnitResolver(units, actor);
  const gridResolver = new GridResolver(grids);
  const today = todayInChina();
  const issues: ImportIssue[] = [];
  const prepared: PreparedRow[] = [];
  const phoneRows = new Map<string, number[]>();
  const idHashRows = new Map<string, number[]>();

  for (const [i, row] of sheet.rows.entries()) {
    if (i % 1000 === 999) {
      onProgress({ phase: 'validating', processed: i, total });
      await tick();
    }
    const r = row.rowNumber;
    const problem = (key: ImportColumnKey, message: string): void => {
      issues.push({ row: r, column: HEADER[key], message });
    };
    const raw = (key: ImportColumnKey): CellInput => {
      const idx = col.get(key);
      return idx === undefined ? null : (row.cells[idx] ?? null);
    };
    const text = (key: ImportColumnKey): string | null => {
      const v = asText(raw(key));
      const max = IMPORT_COLUMNS.find((c) => c.key === key)?.maxLength;
      if (v !== null && max !== undefined && v.length > max) {
        problem(key, `内容过长（最多 ${max} 字）`);
        return null;
      }
      return v;
    };
    const required = (key: ImportColumnKey): string | null => {
      const v = text(key);
      if (v === null && raw(key) === null) problem(key, `${HEADER[key]}必填`);
      return v;
    };
    const date = (key: ImportColumnKey): string | null => {
      const d = parseDateCell(raw(key));
      if (d === 'invalid') {
        problem(key, `${HEADER[key]}不是有效日期，请填写如 1990-05-01`);
        return null;
      }
      if (d !== null && d > today) {
        problem(key, `${HEADER[key]}不能晚于今天`);
        return null;
      }
      return d;
    };

    const name = required('name');
    const genderText = required('gender');
    const gender = genderText ? GENDER[genderText] : undefined;
    if (genderText && !gender) problem('gender', '性别应填“男”或“女”');
    const birthDate = date('birthDate');
    const ethnicity = text('ethnicity');
    const education = text('education');

    const phoneText = required('phone');
    const phone = phoneText ? phoneText.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '') : null;
    if (phone !== null) {
      if (!/^1\d{10}$/.test(phone)) problem('phone', '手机号应为 11 位数字');
      else {
        const seen = phoneRows.get(phone);
        if (seen) problem('phone', `与第 ${seen[0]} 行的手机号重复`);
        phoneRows.set(phone, [...(seen ?? []), r]);
      }
    }

    let idNumber: string | null = null;
    let idHash: string | null = null;
    const idRaw = raw('idNumber');
    if (typeof idRaw === 'number') {
      problem('idNumber', '身份证号被 Excel 存成了数字（后几位会丢失），请把此列设为文本格式后重新填写');
    } else if (idRaw !== null) {
      const idProblem = idNumberIssue(String(idRaw));
      if (idProblem) problem('idNumber', idProblem);
      else {
        idNumber = normalizeIdNumber(String(idRaw));
        idHash = cipher.hash(idNumber);
        const seen = idHashRows.get(idHash);
        if (seen) problem('idNumber', `与第 ${seen[0]} 行的身份证号重复`);
        idHashRows.set(idHash, [...(seen ?? []), r]);
        if (birthDate && idNumberBirthDate(idNumber) !== birthDate) problem('birthDate', '出生日期与身份证号中的出生日期不一致');
      }
    }

    const joinDate = date('joinDate');
    if (joinDate && birthDate && joinDate < birthDate) problem('joinDate', '入党日期不能早于出生日期');
    const statusText = required('status');
    const status = statusText ? STATUS[statusText] : undefined;
    if (statusText && !status) problem('status', '党员状态应填“正式党员”或“预备党员”');

    const unitText = required('unit');
    let unit: UnitRef | null = null;
    if (unitText) {
      const u = unitResolver.resolve(unitText);
      if (typeof u === 'string') problem('unit', u);
      else unit = u;
    }
    const gridText = text('grid');
    let gridId: string | null = null;
    if (gridText) {
      const g = gridResolver.resolve(gridText, unit);
      if (typeof g === 'string') problem('grid', g);
      else gridId = g.id;
    }
    const homeAddress = text('homeAddress');
    const occupation = text('occupation');
    const hardshipNote = text('hardshipNote');

    const mobileText = text('mobile');
    const mobile = mobileText === null ? false : YES_NO[mobileText.toUpperCase()];
    if (mobile === undefined) problem('mobile', '是否流动应填“是”或“否”');
    const province = text('province');
    const city = text('city');
    const district = text('district');
    const workplace = text('workplace');
    const contact = text('contact');
    let destination: Destination | null = null;
    let since: string | null = null;
    if (mobile === true) {
      if (!province) problem('province', '流动党员须填写外出省份');
      else {
        const d = resolveDestination(province, city, district);
        if ('message' in d) problem(d.column, d.message);
        else destination = d;
      }
      since = date('since');
      if (raw('since') === null) problem('since', '流动党员须填写外出时间');
      if (since && birthDate && since < birthDate) problem('since', '外出时间不能早于出生日期');
    } else if (mobile === false && (province || city || district || raw('since') !== null)) {
      problem('mobile', '填写了外出省份、城市或外出时间，“是否流动”应填“是”');
    }

    if (name && gender && phone && status && unit && (mobile !== true || (destination && since))) {
      const memberId = crypto.randomUUID();
      prepared.push({
        rowNumber: r,
        idNumber,
        member: {
          tenant_id: actor.tenantId,
          id: memberId,
          org_id: unit.id,
          grid_id: gridId,
          name,
          name_sort_key: nameSortKey(name),
          gender,
          birth_date: birthDate,
          ethnicity,
          education,
          phone,
          id_number_hash: idHash,
          join_date: joinDate,
          status,
          home_address: homeAddress,
          occupation,
          hardship_note: hardshipNote,
          last_contact_at: today,
        },
        mobility:
          destination && since
            ? {
                tenant_id: actor.tenantId,
                member_id: memberId,
                province_code: destination.provinceCode,
                city_code: destination.cityCode,
                district_code: destination.districtCode,
                place_name: destination.placeName,
                workplace,
                occupation,
                contact,
                since,
                created_by: actor.accountId,
              }
            : null,
      });
    }
  }

  // Duplicates against the members already registered: one query per key for the whole file.
  const phones = [...phoneRows.keys()];
  const hashes = [...idHashRows.keys()];
  const [takenPhones, takenHashes] = await Promise.all([
    phones.length
      ? db.selectFrom('member').select('phone').where('tenant_id', '=', actor.tenantId).where(sql<boolean>`phone = any(${phones}::text[])`).execute()
      : Promise.resolve([]),
    hashes.length
      ? db.selectFrom('member').select('id_number_hash').where('tenant_id', '=', actor.tenantId).where(sql<boolean>`id_number_hash = any(${hashes}::text[])`).execute()
      : Promise.resolve([]),
  ]);
  for (const t of takenPhones) {
    for (const r of phoneRows.get(t.phone) ?? []) issues.push({ row: r, column: HEADER.phone, message: '该手机号已登记给现有党员' });
  }
  for (const t of takenHashes) {
    for (const r of (t.id_number_hash && idHashRows.get(t.id_number_hash)) || []) issues.push({ row: r, column: HEADER.idNumber, message: '该身份证号已登记给现有党员' });
  }
  onProgress({ phase: 'validating', processed: total, total });
  if (issues.length) {
    issues.sort((a, b) => a.row - b.row || (COLUMN_ORDER.get(a.column) ?? 0) - (COLUMN_ORDER.get(b.column) ?? 0));
    return { imported: 0, issues };
  }

  // 3. writing: all or nothing.
  onProgress({ phase: 'writing', processed: 0, total });
  const members = prepared.map((p) => ({
    ...p.member,
    id_number_enc: p.idNumber ? cipher.encrypt(p.idNumber) : null,
    id_number_masked: p.idNumber ? maskIdNumber(p.idNumber) : null,
  }));
  const mobilities = prepared.flatMap((p) => (p.mobility ? [p.mobility] : []));
  try {
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < members.length; i += INSERT_BATCH) {
        await tx.insertInto('member').values(members.slice(i, i + INSERT_BATCH)).execute();
        onProgress({ phase: 'writing', processed: Math.min(i + INSERT_BATCH, members.length), total });
      }
      for (let i = 0; i < mobilities.length; i += INSERT_BATCH) {
        await tx.insertInto('mobility').values(mobilities.slice(i, i + INSERT_BATCH)).execute();
      }
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'roster.import',
        entity: 'member',
        after: { count: members.length, mobile: mobilities.length },
      });
    });
  } catch (err) {
    // Another import or edit registered the same phone between the check and the write.
    if (uniqueViolation(err)) throw new AppError('conflict', '有手机号或身份证号刚被其他操作登记，未导入任何数据，请重新上传');
    throw err;
  }
  onProgress({ phase: 'finished', processed: total, total });
  return { imported: members.length, issues: [] };
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
  const rows = await exportMemberRows(db, actor.tenantId, memberReadScope(actor), filter, settings);

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
