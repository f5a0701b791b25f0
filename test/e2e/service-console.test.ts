/**
 * 志愿服务 in the console through the real server in Chromium, on the demo village (the companion
 * team's 每周探访独居老人 and a few visits are seeded at boot): the general branch secretary
 * (13800000000) opens 志愿服务 from the menu, creates a project with a remote task in the drawer,
 * sees the demo task's sign-ups (confirmed), and voids a log with a reason on 服务记录.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser, pickUnit } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

describe('the secretary plans service projects and corrects a log', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: Page | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: desk }));

  it('1. creates a project with a remote task in the drawer; it is listed with its places', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.getByTestId('nav-service').click();
    await desk.getByRole('heading', { name: '志愿服务' }).waitFor();
    await desk.getByText('每周探访独居老人').first().waitFor();
    await desk.getByTestId('service-project-new').click();
    await pickUnit(desk, desk.getByTestId('service-project-org'), '新桥村党总支');
    await desk.getByTestId('service-project-title').fill('留守儿童视频辅导');
    // any days will do: a project's dates are not checked against today
    await desk.getByTestId('service-project-starts').fill('2030-05-01');
    await desk.getByTestId('service-project-starts').press('Tab');
    await desk.getByTestId('service-project-ends').fill('2030-05-31');
    await desk.getByTestId('service-project-ends').press('Tab');
    await desk.getByTestId('service-task-title-0').fill('视频辅导作业');
    await desk.getByTestId('service-task-capacity-0').fill('4');
    await desk.getByTestId('service-task-remote-0').click();
    await desk.getByTestId('service-project-save').click();
    const row = desk.locator('tr', { hasText: '留守儿童视频辅导' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('视频辅导作业');
    expect(await row.textContent()).toContain('远程');
    expect(await row.textContent()).toContain('0/4 人');
  });

  it('2. the demo task’s sign-ups are confirmed', async () => {
    const page = desk as Page;
    const task = page.locator('[data-testid^="service-task-signups-"]', { hasText: '上门探访' }).first();
    await task.click();
    const list = page.getByTestId('service-signups');
    await list.waitFor();
    await expect.poll(() => list.locator('tbody tr').filter({ hasText: '已确认' }).count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
  });

  it('3. voids a log with a reason on 服务记录: it shows voided', async () => {
    const page = desk as Page;
    await page.getByTestId('service-tab-logs').click();
    const button = page.locator('[data-testid^="service-log-void-"]').first();
    await button.waitFor();
    const logId = ((await button.getAttribute('data-testid')) ?? '').replace('service-log-void-', '');
    await button.click();
    await page.getByTestId('service-void-reason').fill('重复记录');
    await page.getByTestId('service-void-ok').click();
    await expect.poll(() => page.getByTestId(`service-log-${logId}`).textContent()).toContain('已作废：重复记录');
  });
});
