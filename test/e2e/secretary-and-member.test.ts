/**
 * The secretary's and the member's path through the real server in Chromium, clicked as a person
 * would: log in, import a roster (first with a mistake, then fixed), record a member's move, watch
 * the dashboard follow, and open the member app on a phone to find one's contact person.
 */
import ExcelJS from 'exceljs';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeIdNumber } from '../../src/shared/id-number.ts';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, phoneLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const MENTEE_PHONE = '13800000003';
const MENTOR_PHONE = '13800000002';
const IMPORT_TIMEOUT = 45_000;

// ---------- the roster spreadsheet ----------

interface RosterRow {
  name: string;
  gender: '男' | '女';
  birthDate: string;
  phone: string;
  idNumber: string;
  joinDate: string;
  status: '正式党员' | '预备党员';
  unit: string;
  grid: string | null;
  mobile: boolean;
}

// Compound surnames: none of them occurs in the demo village, so a name search finds one person.
const NAMES = [
  '欧阳明远', '司马晓东', '上官丽娟', '诸葛文杰', '东方雪梅', '皇甫立新', '慕容静怡', '令狐振华', '公孙海燕', '长孙宇航',
  '宇文嘉伟', '尉迟春华', '独孤美玲', '南宫思远', '夏侯德华', '轩辕晨曦', '端木雨桐', '百里浩然', '呼延玉梅', '西门国平',
];
const UNITS = ['第一党小组', '第二党小组', '第三党小组', '第四党小组', '第五党小组'];
const MOBILE_ROWS = new Set([3, 4]); // working in 苏州
const BAD_ROW = 6; // index of the row whose ID number gets a wrong check character
const MOVED = 0; // index of the local member who goes out to work in 宁波

function rosterRows(): RosterRow[] {
  return NAMES.map((name, i) => {
    const birthDate = `${1980 + i}-${String(1 + (i % 12)).padStart(2, '0')}-${String(3 + i).padStart(2, '0')}`;
    return {
      name,
      gender: i % 3 === 2 ? '女' : '男',
      birthDate,
      phone: `1377000${String(1000 + i)}`,
      idNumber: completeIdNumber(`330212${birthDate.replaceAll('-', '')}${String(500 + i)}`),
      joinDate: `${2005 + (i % 15)}-07-01`,
      status: i === 9 ? '预备党员' : '正式党员',
      unit: UNITS[i % UNITS.length] ?? '第一党小组',
      grid: i % 4 === 0 ? '第1网格' : null,
      mobile: MOBILE_ROWS.has(i),
    };
  });
}

/** The wrong check character for a valid ID number. */
const breakChecksum = (id: string): string => id.slice(0, 17) + (id.endsWith('0') ? '1' : '0');

/** The downloaded template, filled in: values go under the template's own Chinese headers. */
async function fillTemplate(template: Buffer, rows: RosterRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(template as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('党员名册');
  if (!sheet) throw new Error('the import template has no 党员名册 sheet');
  const column = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => {
    column.set(String(cell.value ?? '').replace(/[（(].*$/, '').replace(/\*/g, '').trim(), col);
  });
  const required = ['姓名', '性别', '出生日期', '手机号', '身份证号', '入党日期', '党员状态', '所在组织', '网格', '是否流动', '外出省份', '外出城市', '工作单位', '外出时间'];
  const missing = required.filter((h) => !column.has(h));
  if (missing.length) throw new Error(`the import template lacks the columns ${missing.join('、')}`);
  rows.forEach((r, i) => {
    const row = sheet.getRow(2 + i);
    const set = (header: string, value: string | null): void => {
      if (value !== null) row.getCell(column.get(header) as number).value = value;
    };
    set('姓名', r.name);
    set('性别', r.gender);
    set('出生日期', r.birthDate);
    set('手机号', r.phone);
    set('身份证号', r.idNumber);
    set('入党日期', r.joinDate);
    set('党员状态', r.status);
    set('所在组织', r.unit);
    set('网格', r.grid);
    set('是否流动', r.mobile ? '是' : '否');
    if (r.mobile) {
      set('外出省份', '江苏');
      set('外出城市', '苏州');
      set('工作单位', '苏州某电子厂');
      set('外出时间', '2024-03-01');
    }
    row.commit();
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------- API reads with the browser's session (no writes: the UI does those) ----------

interface DashboardTotals {
  totals: { members: number; mobile: number };
}
interface MemberListBody {
  items: { id: string; name: string; phone: string; mobile: boolean; placeName: string | null }[];
  total: number;
}

// ---------- Content Security Policy ----------

/** What the pages reported breaking the server's Content-Security-Policy (the apps must run under it). */
const cspViolations: string[] = [];

async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
}

// ---------- the story ----------

describe('secretary imports and tracks members; the member finds their contact person', () => {
  let server: RunningServer;
  let browser: Browser;
  let consolePage: Page;
  let phonePage: Page | undefined;

  // Shared by the steps, which run in order.
  const rows = rosterRows();
  let mobileAtStart = 0;
  let movedMemberId = '';
  let issuedPassword = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    consolePage = (await openConsole(browser, server.baseUrl)).page;
    await watchCsp(consolePage);
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed halfway.
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: consolePage, phone: phonePage }));

  const api = (): APIRequestContext => consolePage.request;
  const mainMenu = (): ReturnType<Page['getByRole']> => consolePage.getByRole('menu', { name: '主菜单' });

  /** The number shown on a dashboard card, once the card has loaded. */
  async function statValue(testId: string): Promise<number> {
    const card = consolePage.getByTestId(testId);
    await card.waitFor();
    let value = Number.NaN;
    await expect
      .poll(
        async () => {
          const m = /(\d[\d,]*)\s*人/.exec((await card.innerText()).replace(/\s+/g, ' '));
          value = m?.[1] ? Number(m[1].replaceAll(',', '')) : Number.NaN;
          return Number.isFinite(value);
        },
        { timeout: UI_TIMEOUT, interval: 100 },
      )
      .toBe(true);
    return value;
  }

  async function uploadFromDropArea(fileName: string, body: Buffer): Promise<void> {
    const [chooser] = await Promise.all([consolePage.waitForEvent('filechooser'), consolePage.getByText('点击或拖拽 Excel 文件到此处上传').click()]);
    await chooser.setFiles({ name: fileName, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: body });
  }

  it('a. the secretary logs in to the console and reads the mobile total on the dashboard', async () => {
    const page = consolePage;
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    mobileAtStart = await statValue('stat-mobile');
    const dash = await getJson<DashboardTotals>(api(), '/api/dashboard');
    expect(mobileAtStart).toBe(dash.totals.mobile);
    expect(mobileAtStart).toBeGreaterThan(0); // the demo village has mobile members
  });

  it('b. an import with one bad ID number is refused with the row, column and reason; fixed, it imports', async () => {
    const page = consolePage;
    await mainMenu().getByRole('link', { name: '导入', exact: true }).click();
    await page.getByRole('heading', { name: '批量导入党员' }).waitFor();
    await page.getByRole('link', { name: '下载导入模板' }).waitFor();

    // The person downloads the template and fills it in.
    const templateRes = await api().get('/api/members/import-template');
    expect(templateRes.status()).toBe(200);
    const template = await templateRes.body();

    const bad = rows.map((r, i) => (i === BAD_ROW ? { ...r, idNumber: breakChecksum(r.idNumber) } : r));
    const before = await getJson<MemberListBody>(api(), '/api/members?pageSize=1');

    await uploadFromDropArea('党员名册-有错.xlsx', await fillTemplate(template, bad));
    const issues = page.getByTestId('import-issues');
    await issues.waitFor({ timeout: IMPORT_TIMEOUT });
    const result = page.getByTestId('import-result');
    await result.getByText('未导入任何数据，请修改后重新上传').first().waitFor();

    // Exactly one problem: spreadsheet row 2 + index (row 1 holds the headers), the ID column.
    const dataRows = issues.getByRole('row').filter({ has: page.getByRole('cell') });
    await expect.poll(() => dataRows.count()).toBe(1);
    const cells = (await dataRows.first().getByRole('cell').allInnerTexts()).map((s) => s.trim());
    expect(cells).toEqual([String(2 + BAD_ROW), '身份证号', '身份证号校验位不正确']);

    // All or nothing: not one member was written.
    const afterRefused = await getJson<MemberListBody>(api(), '/api/members?pageSize=1');
    expect(afterRefused.total).toBe(before.total);

    // The fixed file goes through.
    await result.getByRole('button', { name: '重新上传' }).click();
    await uploadFromDropArea('党员名册.xlsx', await fillTemplate(template, rows));
    await result.getByText(`成功导入 ${rows.length} 名党员`).waitFor({ timeout: IMPORT_TIMEOUT });

    const afterImport = await getJson<MemberListBody>(api(), '/api/members?pageSize=1');
    expect(afterImport.total).toBe(before.total + rows.length);
    const dash = await getJson<DashboardTotals>(api(), '/api/dashboard');
    expect(dash.totals.mobile).toBe(mobileAtStart + MOBILE_ROWS.size);
  });

  it('c. the secretary finds an imported member, records them going out, then a move to 宁波, and sees the history', async () => {
    const page = consolePage;
    const member = rows[MOVED] as RosterRow;
    await mainMenu().getByRole('link', { name: '党员', exact: true }).click();
    await page.getByRole('heading', { name: '党员名册' }).waitFor();

    await page.getByLabel('关键词').fill(member.name);
    await page.getByText('共 1 名党员符合条件').waitFor();
    const table = page.getByTestId('members-table');
    await table.getByRole('link', { name: member.name, exact: true }).click();

    await page.getByRole('heading', { name: member.name, level: 3 }).waitFor();
    movedMemberId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(movedMemberId).not.toBe('');
    await page.getByText('未登记外出（在本地）').waitFor();

    /** Fills the destination form: the cascader's province, city and district, and a workplace. */
    const recordDestination = async (button: string, title: string, place: [string, string, string], workplace: string): Promise<void> => {
      await page.getByRole('button', { name: button, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: title });
      await dialog.waitFor();
      // The form is filled once the dialog has finished opening: the date defaults to today.
      await expect.poll(() => dialog.getByRole('textbox', { name: /外出时间$/ }).inputValue(), { timeout: UI_TIMEOUT }).not.toBe('');
      await dialog.getByRole('combobox', { name: /流入地$/ }).click();
      // The cascader's items are named by their text (plus the expand arrow's label on non-leaves).
      // A click that lands while the menu still moves (a loaded machine) is tapped again until the next column shows.
      const item = (name: string) => page.getByRole('menuitemcheckbox', { name: new RegExp(`^${name}(\\s|$)`) });
      for (const [i, name] of place.entries()) {
        await item(name).click();
        const next = place[i + 1];
        if (next === undefined) continue;
        await expect
          .poll(async () => (await item(next).isVisible()) || (await item(name).click().then(() => false)), { timeout: UI_TIMEOUT })
          .toBe(true);
      }
      await dialog.getByLabel('工作单位').fill(workplace);
      await dialog.getByRole('button', { name: '保存', exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
    };

    // First out to 苏州 …
    await recordDestination('登记外出', `登记外出：${member.name}`, ['江苏省', '苏州市', '吴中区'], '苏州某物流公司');
    await page.getByText('江苏省苏州市吴中区').first().waitFor();
    await page.getByText('流动党员', { exact: true }).first().waitFor();

    // … then on to 宁波: the new destination is current, 苏州 moves into the history.
    await recordDestination('变更流向', `变更流向：${member.name}`, ['浙江省', '宁波市', '海曙区'], '宁波某外贸公司');
    const history = page.getByRole('listitem');
    const ningbo = history.filter({ hasText: '浙江省宁波市海曙区' });
    const suzhou = history.filter({ hasText: '江苏省苏州市吴中区' });
    await ningbo.getByText('当前', { exact: true }).waitFor();
    await suzhou.getByText('已变更', { exact: true }).waitFor();
    expect(await suzhou.getByText('当前', { exact: true }).count()).toBe(0);
    await page.getByText('宁波某外贸公司').first().waitFor();

    // What the page shows is what was stored: 苏州 closed as moved, 宁波 open.
    const detail = await getJson<{ name: string; mobilityHistory: { placeName: string; endReason: string | null }[] }>(api(), `/api/members/${movedMemberId}`);
    expect(detail.name).toBe(member.name);
    expect(detail.mobilityHistory.map((h) => [h.placeName, h.endReason]).sort()).toEqual([
      ['江苏省苏州市吴中区', 'moved'],
      ['浙江省宁波市海曙区', null],
    ]);
  });

  it('c2. the secretary opens the member app to that imported member and reads the one-time password', async () => {
    const page = consolePage;
    await page.getByRole('button', { name: '开通党员端登录', exact: true }).click();
    await page.getByRole('button', { name: '确定', exact: true }).click();
    const issued = page.getByTestId('issued-login');
    await issued.waitFor();
    const code = issued.locator('code');
    issuedPassword = (await code.innerText()).trim();
    expect(issuedPassword).toMatch(/^[a-zA-Z2-9]{10}$/);
    await page.getByRole('button', { name: '关闭', exact: true }).click();
    await page.getByRole('button', { name: '重置登录密码', exact: true }).waitFor();
  });

  it('d. back on the dashboard the mobile total has grown by the two imported and the one who went out', async () => {
    const page = consolePage;
    await mainMenu().getByRole('link', { name: '概览', exact: true }).click();
    await page.getByRole('heading', { name: '工作概览' }).waitFor();
    const expected = mobileAtStart + MOBILE_ROWS.size + 1;
    await expect.poll(() => statValue('stat-mobile'), { timeout: UI_TIMEOUT }).toBe(expected);
  });

  it('e. on a phone in WeChat, the mobile member logs in to /m/ and sees their contact person with a call link', async () => {
    const mentors = await getJson<MemberListBody>(api(), `/api/members?q=${MENTOR_PHONE}`);
    const mentor = mentors.items.find((m) => m.phone === MENTOR_PHONE);
    expect(mentor, 'the mentor account has a member record').toBeTruthy();

    phonePage = (await openPhone(browser, server.baseUrl, 640)).page;
    await watchCsp(phonePage);
    const page = phonePage;
    await page.goto('/m/');
    await phoneLogin(page, MENTEE_PHONE, server.password);
    // the contact person and the destination are on 我的
    await page.getByTestId('tab-me').tap();

    const mentorName = page.getByTestId('mentor-name');
    await mentorName.waitFor();
    expect((await mentorName.innerText()).trim()).toBe(mentor?.name);
    const call = page.getByRole('link', { name: '拨打电话', exact: true });
    await call.waitFor();
    expect(await call.getAttribute('href')).toBe(`tel:${MENTOR_PHONE}`);
    await page.getByTestId('current-destination').waitFor();
  });

  it('f. the imported member signs in on a phone with that password and sees the destination the secretary recorded', async () => {
    const member = rows[MOVED] as RosterRow;
    const { context, page } = await openPhone(browser, server.baseUrl, 640);
    await watchCsp(page);
    try {
      await page.goto('/m/');
      await phoneLogin(page, member.phone, issuedPassword);
      await page.getByTestId('tab-me').tap();
      const destination = page.getByTestId('current-destination');
      await destination.getByText('浙江省宁波市海曙区').waitFor();
    } finally {
      await context.close();
    }
  });

  it('f2. the console and the member app ran under the Content-Security-Policy without breaking it', async () => {
    for (const url of ['/', '/m/']) {
      const res = await api().get(url);
      expect(res.headers()['content-security-policy'], url).toContain("script-src 'self';");
    }
    expect(cspViolations).toEqual([]);
  });

  it('g. SIGTERM stops the server cleanly (exit code 0)', async () => {
    const result = await server.stop();
    if (!result.graceful) console.error(server.output().slice(-6000));
    expect(result).toEqual({ graceful: true, exitCode: 0 });
  });
});
