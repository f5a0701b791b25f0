/**
 * The learning path through the real server in Chromium, clicked as people would: the general
 * branch's secretary plans a monthly online class for three members of 第二党小组; one member checks
 * in from the home screen of the member app, another by scanning the host's QR code; the secretary
 * closes the class, the third member is absent, makes it up on a phone, and the coverage view shows
 * the group at 100%.
 */
import path from 'node:path';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone as openPhoneIn, phoneLogin as phoneSignIn, startServerAndBrowser, skipAfterFirstFailure, pickUnit } from './support/browser.ts';
import { RESULTS_DIR, assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { clock } from '../../src/server/clock.ts';

const SECRETARY_PHONE = '13800000000';
const GROUP_NAME = '第二党小组';
const TITLE = '小组月度云课堂';
const QUESTION = '结合本次课程，谈谈你在岗位上的一点打算。';
const SERIES = 12;

// ---------- times as the secretary sees them (China) ----------

const CHINA_OFFSET_MS = 8 * 3_600_000;
const FIVE_MINUTES_MS = 5 * 60_000;

/** "YYYY-MM-DD HH:mm" in Asia/Shanghai, the date pickers' format. */
const chinaText = (ms: number): string => new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
/** The first instant of the next month in Asia/Shanghai. */
function chinaMonthEnd(ms: number): number {
  const china = new Date(ms + CHINA_OFFSET_MS);
  return Date.UTC(china.getUTCFullYear(), china.getUTCMonth() + 1, 1) - CHINA_OFFSET_MS;
}
/** "YYYY-MM" in Asia/Shanghai. */
const chinaMonth = (ms: number): string => new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 7);

/** Types a date and time into an antd date picker and confirms it with Enter. */
async function typeDateTime(input: Locator, text: string): Promise<void> {
  await input.click();
  await input.press('ControlOrMeta+a');
  await input.pressSequentially(text);
  await input.press('Enter');
  await expect.poll(() => input.inputValue(), { timeout: UI_TIMEOUT }).toBe(text);
}

// ---------- API reads with the secretary's session (no writes: the UI does those) ----------

interface OrgList {
  items: { id: string; name: string; kind: string; memberCount: number }[];
}
interface MemberListBody {
  items: { id: string; name: string; phone: string; mobile: boolean; orgName: string }[];
  total: number;
}
interface SessionListBody {
  items: { id: string; title: string; startsAt: string; endsAt: string; orgId: string; status: string; counts: { invited: number } }[];
  total: number;
}
interface CoverageBody {
  units: { orgId: string; all: { sessionsInvited: number; attended: number; madeUp: number; missed: number; attendanceRate: number | null } }[];
  members: { memberId: string; name: string; attended: number; madeUp: number; missed: number }[];
}

interface Person {
  id: string;
  name: string;
  phone: string;
}

// ---------- the story ----------

describe('a monthly class for a party group: check-in on the phone and by QR, close, make-up, coverage', () => {
  let server: RunningServer;
  let browser: Browser;
  let consolePage: Page;
  let phonePage: Page | undefined;

  // Shared by the steps, which run in order.
  let groupId = '';
  let people: [Person, Person, Person] | null = null;
  let sessionId = '';
  let startMs = 0;

  const person = (i: 0 | 1 | 2): Person => {
    if (!people) throw new Error('the three members were not chosen');
    return people[i];
  };

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    consolePage = (await openConsole(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: consolePage, phone: phonePage }));

  const api = (): APIRequestContext => consolePage.request;

  /** A new phone in WeChat (closed with the browser), its page the one screenshotted on failure. */
  async function openPhone(): Promise<Page> {
    phonePage = (await openPhoneIn(browser, server.baseUrl)).page;
    return phonePage;
  }

  const phoneLogin = (page: Page, phone: string): Promise<void> => phoneSignIn(page, phone, server.password);

  /** The open dropdown of an antd select (only one is open at a time). */
  const openDropdown = (): Locator => consolePage.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');


  /** A month cell of the open month picker. */
  const openPickerCell = (month: string): Locator => consolePage.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').locator(`td[title="${month}"]`).first();

  /** The status a row of the session's attendance table shows. */
  const rowStatus = (memberId: string): Promise<string | null> => consolePage.getByTestId(`attendance-row-${memberId}`).getAttribute('data-status');

  it('1. the secretary plans a monthly online class for three members of 第二党小组 and opens the first one', async () => {
    const page = consolePage;
    await consoleLogin(page, SECRETARY_PHONE, server.password);

    // Who is in the group: read as the secretary would look them up.
    const orgs = await getJson<OrgList>(api(), '/api/orgs');
    const group = orgs.items.find((o) => o.name === GROUP_NAME);
    expect(group, `the demo village has ${GROUP_NAME}`).toBeTruthy();
    groupId = group?.id ?? '';
    const members = await getJson<MemberListBody>(api(), `/api/members?orgId=${groupId}&pageSize=50`);
    const local = members.items.filter((m) => !m.mobile && m.orgName === GROUP_NAME);
    expect(local.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = local.map((m) => ({ id: m.id, name: m.name, phone: m.phone }));
    people = [a as Person, b as Person, c as Person];

    await page.getByTestId('nav-sessions').click();
    await page.getByTestId('new-session').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建课程会议' });
    await drawer.waitFor();
    // The form is filled once the drawer has opened: the start defaults to tomorrow evening.
    const start = drawer.getByTestId('session-start');
    await expect.poll(() => start.inputValue(), { timeout: UI_TIMEOUT }).not.toBe('');

    await pickUnit(consolePage, drawer.getByTestId('session-org'), GROUP_NAME);
    await drawer.getByTestId('session-title').fill(TITLE);

    // About 15 minutes from now (on the pickers' five-minute step), for an hour: check-in opens
    // 30 minutes before the start, so it is open now.
    // Near the end of a month the class stays in this month (the coverage view offers no future month).
    startMs = Math.min(Math.ceil((clock.now().getTime() + 15 * 60_000) / FIVE_MINUTES_MS) * FIVE_MINUTES_MS, chinaMonthEnd(clock.now().getTime()) - FIVE_MINUTES_MS);
    expect(startMs, 'the last five minutes of a month leave no room for a class starting later this month').toBeGreaterThan(clock.now().getTime());
    await typeDateTime(start, chinaText(startMs));
    await typeDateTime(drawer.getByTestId('session-end'), chinaText(startMs + 60 * 60_000));

    // The audience: exactly the three, found by name in the members picker.
    await drawer.getByRole('radio', { name: '指定党员' }).check();
    const picker = drawer.getByTestId('session-members');
    for (const p of people) {
      const label = `${p.name} · ${GROUP_NAME}`;
      // The options come from a search as the name is typed: on a loaded machine a click can land on
      // a list that is being replaced by the next answer. Then the person is picked again.
      for (let attempt = 1; ; attempt++) {
        try {
          await picker.click();
          // a search left from a failed attempt is replaced, never appended to
          await page.keyboard.press('ControlOrMeta+a');
          await page.keyboard.type(p.name);
          await openDropdown().locator('.ant-select-item-option').filter({ hasText: label }).click({ timeout: 5_000 });
          await picker.getByText(label, { exact: true }).waitFor({ timeout: 5_000 });
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          await page.keyboard.press('Escape');
        }
      }
    }
    await page.keyboard.press('Escape');

    await drawer.getByTestId('add-question').click();
    await drawer.getByTestId('session-question-0').fill(QUESTION);
    await drawer.getByTestId('session-repeat').fill(String(SERIES));
    const preview = drawer.getByTestId('session-repeat-preview');
    await preview.waitFor();
    expect((await preview.innerText()).split('、')).toHaveLength(SERIES);

    await drawer.getByTestId('save-session').click();
    await page.getByText(`已按月创建 ${SERIES} 次`).waitFor();
    await drawer.waitFor({ state: 'hidden' });

    // The list shows the whole series.
    const rows = page.getByTestId('sessions-table').locator('[data-testid^="session-row-"]').filter({ hasText: TITLE });
    await expect.poll(() => rows.count(), { timeout: UI_TIMEOUT }).toBe(SERIES);

    const list = await getJson<SessionListBody>(api(), `/api/sessions?orgId=${groupId}&pageSize=50`);
    const series = list.items.filter((s) => s.title === TITLE).sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt));
    expect(series).toHaveLength(SERIES);
    expect(series.every((s) => s.counts.invited === 3 && s.status === 'planned')).toBe(true);
    const first = series[0];
    // The typed times were taken: the first class starts when planned and lasts an hour.
    expect(Date.parse(first?.startsAt ?? '')).toBe(startMs);
    expect(Date.parse(first?.endsAt ?? '')).toBe(startMs + 60 * 60_000);
    sessionId = first?.id ?? '';

    await page.getByTestId(`session-row-${sessionId}`).click();
    await page.getByTestId('session-title-text').getByText(TITLE).waitFor();
    for (const p of people) expect(await rowStatus(p.id)).toBe('invited');
    expect(await page.getByTestId('attendance-table').locator('[data-testid^="attendance-row-"]').count()).toBe(3);
  });

  it('2. member A opens the member app in WeChat, finds the open check-in on the home screen and checks in', async () => {
    const page = await openPhone();
    await page.goto('/m/');
    await phoneLogin(page, person(0).phone);
    const checkin = page.getByTestId(`today-checkin-${sessionId}`);
    await checkin.waitFor();
    await page.getByText(TITLE).first().waitFor();
    await checkin.tap();
    await page.locator(`[data-testid="today-checkin-${sessionId}"][data-done="true"]`).waitFor();
  });

  it('3. member B scans the QR code the secretary shows, logs in when asked and is checked in', async () => {
    const page = consolePage;
    await page.getByTestId('show-checkin-qr').click();
    const qr = page.getByTestId('checkin-qr');
    await qr.waitFor();
    const url = await qr.getAttribute('data-checkin-url');
    expect(url).toMatch(/\/m\/checkin\?/);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'learning-checkin-qr.png') });

    const phone = await openPhone();
    await phone.goto(new URL(url ?? '', server.baseUrl).toString());
    await phone.getByText('请先登录，登录后自动为您签到').waitFor();
    await phoneLogin(phone, person(1).phone);
    const result = phone.locator('[data-testid="checkin-result"][data-ok="true"]');
    await result.waitFor();
    await result.getByText('签到成功').waitFor();

    // The host's screen counts both (it refreshes every 10 s; closing it reloads the session).
    await page.keyboard.press('Escape');
    await page.getByTestId('checkin-modal').waitFor({ state: 'hidden' });
  });

  it('4. the attendance table shows A and B present; closing the class makes C absent', async () => {
    const page = consolePage;
    await expect.poll(() => rowStatus(person(0).id), { timeout: UI_TIMEOUT }).toBe('present');
    await expect.poll(() => rowStatus(person(1).id), { timeout: UI_TIMEOUT }).toBe('present');
    expect(await rowStatus(person(2).id)).toBe('invited');

    await page.getByTestId('close-session').click();
    await page.getByTestId('confirm-close-session').click();
    await page.locator('[data-testid="session-status"][data-status="closed"]').waitFor();
    await expect.poll(() => rowStatus(person(2).id), { timeout: UI_TIMEOUT }).toBe('absent');
    expect(await rowStatus(person(0).id)).toBe('present');
    expect(await rowStatus(person(1).id)).toBe('present');
    await page.getByTestId(`makeup-status-${person(2).id}`).waitFor();
  });

  it('5. member C finds the make-up on the home screen, writes a reflection and the answer, and hands it in', async () => {
    const page = await openPhone();
    await page.goto('/m/');
    await phoneLogin(page, person(2).phone);
    const entry = page.locator('li').filter({ hasText: TITLE });
    await entry.getByRole('link', { name: '去补学' }).tap();

    await page.locator('[data-testid="makeup-status"][data-status="open"]').waitFor();
    await page.getByText(QUESTION).waitFor();
    await page.getByTestId('makeup-reflection').fill('看了课程回放，重温了入党誓词。在外面工作也要守规矩、讲诚信，按时参加组织生活。');
    await page.getByTestId('makeup-answer-0').fill('把本职工作干好，每月按时参加云课堂。');
    await page.getByTestId('makeup-submit').tap();
    await page.locator('[data-testid="makeup-status"][data-status="submitted"]').waitFor();
  });

  it('6. the coverage view shows 第二党小组 at 100% for the month: two present and one made up', async () => {
    const page = consolePage;
    await page.getByTestId('nav-coverage').click();
    await page.getByRole('heading', { name: '学习覆盖' }).waitFor();
    await pickUnit(consolePage, page.getByTestId('coverage-org'), GROUP_NAME);
    await page.waitForURL((u) => u.searchParams.get('orgId') === groupId);

    // The month of the class, start and end of the range.
    const month = chinaMonth(startMs);
    await page.getByTestId('coverage-period').first().click();
    for (let i = 0; i < 2; i++) await openPickerCell(month).click();
    await page.waitForURL((u) => u.searchParams.get('from') === month && u.searchParams.get('to') === month);

    const rate = page.getByTestId(`coverage-rate-${groupId}`);
    await expect.poll(() => rate.getAttribute('data-rate'), { timeout: UI_TIMEOUT }).toBe('1');
    expect((await rate.innerText()).trim()).toBe('100%');
    // C is listed with the class made up (a gap may remain: the demo's daily push is unread).
    const memberRow = page.getByTestId('coverage-members').getByRole('row').filter({ has: page.getByTestId(`coverage-member-${person(2).id}`) });
    await memberRow.waitFor();
    expect((await memberRow.getByRole('cell').allInnerTexts()).map((t) => t.trim())).toEqual(expect.arrayContaining([person(2).name, GROUP_NAME]));
    await page.screenshot({ path: path.join(RESULTS_DIR, 'learning-coverage.png'), fullPage: true });

    // What the page shows is what the server counted: one made up, nobody missing.
    const coverage = await getJson<CoverageBody>(api(), `/api/coverage?orgId=${groupId}&from=${month}&to=${month}`);
    const unit = coverage.units.find((u) => u.orgId === groupId);
    expect(unit?.all.madeUp).toBe(1);
    expect(unit?.all.missed).toBe(0);
    expect(unit?.all.attendanceRate).toBe(1);
    const c = coverage.members.find((m) => m.memberId === person(2).id);
    expect(c).toMatchObject({ madeUp: 1, missed: 0 });
    for (const p of [person(0), person(1)]) expect(coverage.members.find((m) => m.memberId === p.id)).toMatchObject({ madeUp: 0, missed: 0 });
  });
});
