/**
 * No member drifts away, through the real server in Chromium, clicked as people would: a mentor
 * records a heart-to-heart talk that needs follow-up on a phone in WeChat; the general branch's
 * secretary finds the task it opened, puts it off until tomorrow, and prints the member's grid
 * contact card. A day later (the server is stopped, the snooze day is moved to today on its data
 * folder, and it starts again on the same folder) the task is open again, with the reopening in its
 * history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { APIRequestContext, Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/database.ts';
import { UI_TIMEOUT, consoleLogin as signIn, openConsole as openConsoleIn, openPhone, phoneLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, startServer, type RunningServer } from './support/server.ts';
import { clock } from '../../src/server/clock.ts';

const SECRETARY_PHONE = '13800000000';
const MENTOR_PHONE = '13800000002';
const MENTEE_PHONE = '13800000003';
const SUMMARY = '电话里聊了近况：厂里订单多，常加班；孩子明年上小学，想问积分入学要准备哪些材料。';
const FOLLOW_UP = '帮他问清积分入学材料，下周回电话';

/** 'YYYY-MM-DD' in Asia/Shanghai, `days` from now. */
const chinaDay = (days = 0): string => new Date(clock.now().getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** The input of an antd date picker, whether the test id sits on the input or its wrapper. */
async function pickerInput(box: Locator): Promise<Locator> {
  const tag = await box.evaluate((e) => e.tagName);
  return tag === 'INPUT' ? box : box.locator('input');
}

interface MemberListBody {
  items: { id: string; name: string; phone: string }[];
}
interface CareTaskBody {
  id: string;
  memberId: string;
  kind: string;
  status: string;
  snoozedUntil: string | null;
  history: { kind: string; note: string | null }[];
}

describe('a talk with follow-up on the phone; the secretary snoozes the task, prints a contact card, and the task comes back when due', () => {
  let server: RunningServer;
  let browser: Browser;
  let consoleContext: BrowserContext;
  let consolePage: Page;
  let phonePage: Page | undefined;
  let mentee = { id: '', name: '' };
  let taskId = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser({ keepData: true }));
    consolePage = await openConsole();
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    const s = server as RunningServer | undefined;
    if (s) {
      await s.stop();
      fs.rmSync(s.dataDir, { recursive: true, force: true });
    }
  });

  skipAfterFirstFailure(() => ({ console: consolePage, phone: phonePage }));

  async function openConsole(): Promise<Page> {
    let page: Page;
    ({ context: consoleContext, page } = await openConsoleIn(browser, server.baseUrl));
    return page;
  }

  const consoleLogin = (page: Page): Promise<void> => signIn(page, SECRETARY_PHONE, server.password);

  const api = (): APIRequestContext => consolePage.request;

  it('1. the mentor records a talk that needs follow-up, on a phone in WeChat', async () => {
    await consoleLogin(consolePage);
    const found = await getJson<MemberListBody>(api(), `/api/members?q=${MENTEE_PHONE}`);
    const person = found.items.find((m) => m.phone === MENTEE_PHONE);
    expect(person, 'the demo mentee exists').toBeTruthy();
    mentee = { id: person?.id ?? '', name: person?.name ?? '' };

    const phone = (await openPhone(browser, server.baseUrl)).page;
    phonePage = phone;
    await phone.goto('/m/');
    await phoneLogin(phone, MENTOR_PHONE, server.password);

    // Home → my members → record a talk with this member.
    await phone.getByTestId('today-mentees').tap();
    await phone.getByTestId(`mentee-${mentee.id}`).waitFor();
    await phone.getByTestId(`mentee-talk-${mentee.id}`).tap();
    await expect.poll(() => phone.getByTestId('talk-channel-phone').isChecked()).toBe(true);
    await phone.getByTestId('talk-summary').fill(SUMMARY);
    await phone.getByTestId('talk-followup').tap();
    await phone.getByTestId('talk-followup-note').fill(FOLLOW_UP);
    await phone.getByTestId('talk-save').tap();

    const done = phone.getByTestId('talk-done');
    await done.waitFor();
    taskId = (await done.getAttribute('data-follow-up-task-id')) ?? '';
    expect(taskId, 'the talk opened (or joined) a follow-up task').toMatch(/^[0-9a-f-]{36}$/);
    await phone.getByTestId('talk-done-task').waitFor();

    // What the server keeps: the talk, and the task whose history carries the follow-up.
    const task = await getJson<CareTaskBody>(api(), `/api/care-tasks/${taskId}`);
    expect(task).toMatchObject({ memberId: mentee.id, kind: 'follow_up', status: 'open' });
    expect(task.history.map((h) => h.note)).toContain(FOLLOW_UP);
  });

  it('2. the secretary finds the task in the console and puts it off until tomorrow', async () => {
    const page = consolePage;
    await page.getByTestId('nav-care-tasks').click();
    await page.getByTestId('care-tasks-table').waitFor();
    // Only follow-up tasks: the kind filter, kept in the address.
    await page.goto('/care-tasks?kind=follow_up');
    const status = page.getByTestId(`task-status-${taskId}`);
    await expect.poll(() => status.getAttribute('data-status')).toBe('open');

    await page.getByTestId(`task-open-${taskId}`).click();
    const drawer = page.getByTestId('task-drawer');
    await drawer.getByTestId('task-snooze').click();
    const input = await pickerInput(drawer.getByTestId('task-snooze-date'));
    await input.click();
    await input.fill(chinaDay(1));
    // on to the next field (the calendar closes): the typed day is kept when the box loses the focus
    await input.press('Tab');
    await drawer.getByTestId('task-snooze-save').click();
    await expect.poll(() => drawer.getByTestId('task-detail-status').getAttribute('data-status')).toBe('snoozed');

    const task = await getJson<CareTaskBody>(api(), `/api/care-tasks/${taskId}`);
    expect(task).toMatchObject({ status: 'snoozed', snoozedUntil: chinaDay(1) });
    expect(task.history.map((h) => h.kind)).toContain('snoozed');

    // Among open tasks it is gone until its day.
    await page.keyboard.press('Escape');
    await page.goto('/care-tasks?kind=follow_up&status=open');
    await page.getByTestId('care-tasks-table').waitFor();
    await expect.poll(() => page.getByTestId(`task-status-${taskId}`).count()).toBe(0);
  });

  it("3. the secretary prints the member's grid contact card", async () => {
    const page = consolePage;
    await page.goto(`/members/${mentee.id}`);
    const [printPage] = await Promise.all([consoleContext.waitForEvent('page'), page.getByTestId('print-contact-card').click()]);
    printPage.setDefaultTimeout(UI_TIMEOUT);
    const card = printPage.getByTestId('contact-card');
    await card.first().waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.getAttribute('data-member-id')).toBe(mentee.id);
    const text = await card.innerText();
    expect(text).toContain('网格连心卡');
    expect(text).toContain(mentee.name);
    // the QR code that opens the member app
    expect(await card.locator('svg').count()).toBeGreaterThan(0);
    // Printed, the page keeps the card and hides the print button; the PDF is real.
    await printPage.emulateMedia({ media: 'print' });
    expect(await printPage.getByTestId('print-button').isVisible()).toBe(false);
    const pdf = await printPage.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await printPage.close();
  });

  it('4. a day later the task is open again, with its reopening in the history', async () => {
    const { dataDir, password } = server;
    await consoleContext.close();
    const stopped = await server.stop();
    expect(stopped.graceful).toBe(true);

    // A day passes for this task: its snooze day becomes today.
    const pglite = await PGlite.create(path.join(dataDir, 'pgdata'));
    const opened = await openDatabase({ pglite });
    await opened.db.updateTable('care_task').set({ snoozed_until: chinaDay(0) }).where('id', '=', taskId).execute();
    await opened.close();
    await pglite.close();

    // The server starts again on the same folder: its jobs catch up at start.
    server = await startServer({ dataDir, password });
    consolePage = await openConsole();
    await consoleLogin(consolePage);
    await consolePage.getByTestId('nav-care-tasks').click();
    await consolePage.goto('/care-tasks?kind=follow_up&status=open');
    const status = consolePage.getByTestId(`task-status-${taskId}`);
    await expect.poll(() => status.getAttribute('data-status')).toBe('open');
    await consolePage.getByTestId(`task-open-${taskId}`).click();
    const history = consolePage.getByTestId('task-drawer').getByTestId('task-history');
    await history.waitFor();

    const task = await getJson<CareTaskBody>(api(), `/api/care-tasks/${taskId}`);
    expect(task.status).toBe('open');
    expect(task.history.map((h) => h.kind)).toEqual(expect.arrayContaining(['snoozed', 'reopened']));
  });
});
