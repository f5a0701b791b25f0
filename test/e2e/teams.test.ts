/**
 * 网格与服务队 in the console through the real server in Chromium, on the demo village: the general
 * branch secretary (13800000000) opens 网格与服务队 from the menu, sees the grids with their
 * households, edits one grid's households, opens 爱·陪伴志愿服务队 (its non-member volunteer's phone
 * shown whole to the secretary), is refused a volunteer with a wrong phone in words naming the field,
 * adds one with a right phone, and sees the people the team looks after only after asking for them
 * (the page says the view is audited).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

interface Grid {
  id: string;
  name: string;
  households: number | null;
}
interface Team {
  id: string;
  name: string;
}

describe('the secretary keeps the grids and a team, and sees its people looked after on demand', () => {
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

  it('1. opens 网格与服务队 and edits a grid’s households', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.getByTestId('nav-teams').click();
    await desk.getByRole('heading', { name: '网格与服务队' }).waitFor();
    const grids = (await getJson<{ items: Grid[] }>(desk.request, '/api/grids')).items;
    const grid = grids[0] as Grid;
    expect(grid.households).not.toBeNull();
    await desk.getByTestId(`grid-edit-${grid.id}`).click();
    const households = desk.getByLabel('户数');
    await households.fill('88');
    await desk.getByRole('button', { name: '保存' }).click();
    await expect.poll(async () => (await getJson<{ items: Grid[] }>(desk?.request as Page['request'], '/api/grids')).items.find((g) => g.id === grid.id)?.households).toBe(88);
  });

  it('2. opens the companion team, refuses a wrong volunteer phone and adds a right one', async () => {
    const page = desk as Page;
    const teams = (await getJson<{ items: Team[] }>(page.request, '/api/teams')).items;
    const team = teams.find((t) => t.name === '爱·陪伴志愿服务队') as Team;
    expect(team).toBeDefined();
    await page.getByTestId(`team-open-${team.id}`).click();
    await page.getByText('13912340001').waitFor();
    await page.getByTestId('volunteer-name').fill('测试志愿者');
    await page.getByTestId('volunteer-phone').fill('1234');
    await page.getByTestId('team-add-volunteer').click();
    await page.getByText('手机号应为 11 位数字').waitFor();
    await page.getByTestId('volunteer-phone').fill('13912340077');
    await page.getByTestId('team-add-volunteer').click();
    await page.getByText('13912340077').waitFor();
  });

  it('3. shows the people looked after only when asked, saying the view is audited', async () => {
    const page = desk as Page;
    await page.getByTestId('team-tab-recipients').click();
    await page.getByText('查看记录将被审计', { exact: false }).waitFor();
    expect(await page.getByText('王奶奶(化名)').count()).toBe(0);
    await page.getByTestId('team-show-recipients').click();
    await page.getByText('王奶奶(化名)').waitFor();
  });
});
