import path from 'node:path';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS } from '../../src/server/modules/roster/schema.ts';
import { declaredInflatedSize } from '../../src/server/modules/roster/archive.ts';
import { workbookParts, xlsxBomb, zipOf } from '../../src/server/modules/roster/test-zips.ts';
import { log as benchLog, ratio } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';
import { memoryOf, resetPeak, startServer } from '../lib/process.ts';

/**
 * Memory of a real server process (PGlite, demo village) while spreadsheet bombs and oversized
 * workbooks are uploaded (`BENCH_ONLY=bomb npm run bench`): each step's peak RSS (VmHWM, reset
 * before the step) over the settled idle RSS, against the target of 400 MB over idle. Linux only
 * (/proc).
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'bench-password-1';
const TARGET_MB = 400;
const MB = 1024 * 1024;

const log = (m: string): void => benchLog(`bomb: ${m}`);
/** Megabytes with their sign: a step may end below the idle memory. */
const signed = (n: number): string => `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(0)} MB`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


/** A full garbage collection in the server (see lib/gc-on-signal.ts), then a moment to return pages. */
async function collect(pid: number): Promise<void> {
  process.kill(pid, 'SIGUSR2');
  await sleep(1500);
}

async function roster(rows: number, phonePrefix: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('党员名册');
  const headers = IMPORT_COLUMNS.map((c) => c.header);
  sheet.addRow(headers);
  for (let i = 0; i < rows; i++) {
    const row: Record<string, string | Date> = {
      姓名: `龚春华${i}`,
      性别: '女',
      出生日期: new Date(Date.UTC(1990, 4, 1)),
      手机号: `${phonePrefix}${String(i).padStart(8, '0')}`,
      党员状态: '正式党员',
      所在组织: '第一党小组',
      家庭住址: `新桥村${i % 12}组东西南北${i}号`,
      是否流动: '否',
    };
    sheet.addRow(headers.map((h) => row[h] ?? null));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Just under the archive limit of tiny numeric cells: the most exceljs objects per inflated byte. */
function denseCells(): Buffer {
  const rows: string[] = ['<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'];
  let size = 0;
  for (let r = 2; size < 48 * MB; r++) {
    let row = `<row r="${r}">`;
    for (let c = 0; c < 26; c++) row += `<c r="${String.fromCharCode(65 + c)}${r}"><v>${c}</v></c>`;
    row += '</row>';
    size += row.length;
    rows.push(row);
  }
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`;
  const data = Buffer.from(xml);
  return zipOf([...workbookParts(), { name: 'xl/worksheets/sheet1.xml', deflated: zlib.deflateRawSync(data, { level: 9 }), declaredSize: data.length }]);
}

interface Answer {
  status: number;
  body: { id?: string; state?: string; phase?: string; message?: string | null; error?: string };
}

export async function benchImportBomb(): Promise<Row[]> {
  log('starting the server (PGlite, demo village)…');
  const server = await startServer({ password: PASSWORD, nodeArgs: ['--expose-gc', '--import', path.join(REPO, 'bench/lib/gc-on-signal.ts')], stderr: 'inherit' });
  const { pid, baseUrl: base } = server;
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800000000', password: PASSWORD }) });
    const cookie = (login.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const headers = { cookie, 'x-csrf-token': csrfToken };

    const upload = async (file: Buffer, name = 'roster.xlsx'): Promise<Answer> => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file)]), name);
      try {
        const r = await fetch(`${base}/api/imports`, { method: 'POST', headers, body: form });
        return { status: r.status, body: (await r.json()) as Answer['body'] };
      } catch (err) {
        // The server may answer and close before the whole body is sent.
        return { status: 0, body: { error: 'connection', message: String((err as { cause?: unknown }).cause ?? err) } };
      }
    };
    const finish = async (a: Answer): Promise<Answer['body']> => {
      if (a.status !== 202 || !a.body.id) return a.body;
      for (;;) {
        const job = (await (await fetch(`${base}/api/imports/${a.body.id}`, { headers })).json()) as Answer['body'];
        if (job.phase === 'finished') return job;
        await sleep(250);
      }
    };

    // Settled idle: after one small import (the reader thread has run once) and a full collection.
    await finish(await upload(await roster(10, '174')));
    await collect(pid);
    const idle = memoryOf(pid).rss;
    log(`idle RSS ${(idle / MB).toFixed(0)} MB`);
    const rows: Row[] = [];
    const size = (n: number): string => (n < MB ? `${(n / 1024).toFixed(0)} KB` : `${(n / MB).toFixed(1)} MB`);
    const step = async (what: string, files: Buffer[], inflated: string): Promise<void> => {
      await collect(pid);
      resetPeak(pid);
      const before = memoryOf(pid).rss;
      const answers = await Promise.all(files.map((f) => upload(f)));
      const outcomes = await Promise.all(
        answers.map(async (a) => {
          const job = await finish(a);
          return a.status === 202 ? `202, then ${job.state}: ${job.message ?? ''}` : `${a.status} ${job.error}: ${job.message}`;
        }),
      );
      const { peak: hwm, rss } = memoryOf(pid);
      const over = (hwm - idle) / MB;
      const mb = (n: number): string => `${(n / MB).toFixed(0)} MB`;
      log(`${what}: before ${mb(before)}, peak ${mb(hwm)} (idle ${signed(over)}), after ${mb(rss)}; ${outcomes.join(' | ')}`);
      rows.push({
        figure: `import bomb: ${what} (${files.length} × ${size(files[0]?.length ?? 0)}, inflates to ${inflated}; real server process, PGlite)`,
        value: `peak ${mb(hwm)} (${signed(over)} over idle), after ${mb(rss)}; ${[...new Set(outcomes)].join(' / ').slice(0, 160)}`,
        target: `peak ≤ idle + ${TARGET_MB} MB`,
        limit: `idle ${mb(idle)}`,
        ratio: ratio(Math.max(0, over) / TARGET_MB),
        pass: passMark(over < TARGET_MB),
      });
    };
    const inflatedOf = (f: Buffer): string => size(declaredInflatedSize(f));

    log('building the files…');
    const honest = xlsxBomb(1.5 * 1024 * MB);
    const liar = xlsxBomb(1.5 * 1024 * MB, { lie: true });
    await step('bomb, sizes declared', [honest, honest, honest], '1.5 GB');
    await step('bomb, sizes understated', [liar, liar, liar], '1.5 GB (4 KB declared)');
    const dense = denseCells();
    await step('tiny cells, passes the archive check', [dense, dense, dense], inflatedOf(dense));
    const big = await roster(60_000, '175');
    const normal = await Promise.all(['176', '177', '178'].map((p) => roster(10_000, p)));
    await step('roster of 60,000 rows', [big], inflatedOf(big));
    await step('rosters of 10,000 rows', normal, inflatedOf(normal[0] as Buffer));
    const alive = await fetch(`${base}/healthz`).then((r) => r.status);

    rows.push({
      figure: 'import bomb: the server answers /healthz after every step',
      value: String(alive),
      target: '200',
      limit: '—',
      ratio: '—',
      pass: passMark(alive === 200),
    });
    return rows;
  } finally {
    await server.stop();
  }
}

