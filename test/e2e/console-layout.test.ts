/**
 * The console's wide tables on a common laptop window (1440×900): the page itself never scrolls
 * sideways, the coverage view shows its 全覆盖率 (overall rate) column without scrolling, and the
 * trips (千里送学) table holds long item names and name lists inside its columns.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

/** How far the document reaches past the window sideways (0 when it fits). */
const pageOverflow = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('the coverage and trips pages fit a 1440 px window', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser({ keepData: true }));
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await consoleLogin(page, SECRETARY_PHONE, server.password);
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    const s = server as RunningServer | undefined;
    if (s) {
      await s.stop();
      fs.rmSync(s.dataDir, { recursive: true, force: true });
    }
  });

  skipAfterFirstFailure(() => ({ console: page }));

  it('学习覆盖: no sideways page scroll, the unit name pinned and the 全覆盖率 header inside the window', async () => {
    const p = page as Page;
    await p.goto('/coverage');
    const units = p.getByTestId('coverage-units');
    await units.locator('[data-testid^="coverage-full-"]').first().waitFor();
    expect(await pageOverflow(p)).toBeLessThanOrEqual(0);

    const header = units.locator('th', { hasText: '全覆盖率' }).first();
    const box = await header.boundingBox();
    expect(box).not.toBeNull();
    const b = box as { x: number; y: number; width: number; height: number };
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(1440);

    // the name column and the overall rate stay put when a narrower window scrolls the table
    expect(await units.locator('th', { hasText: '单位' }).first().getAttribute('class')).toContain('ant-table-cell-fix-start');
    expect(await header.getAttribute('class')).toContain('ant-table-cell-fix-end');
  });

  it('千里送学: no sideways page scroll, and the trips table fits its card', async () => {
    const p = page as Page;
    await p.goto('/deliveries');
    const table = p.getByTestId('deliveries-table');
    await table.locator('[data-testid^="delivery-row-"]').first().waitFor();
    expect(await pageOverflow(p)).toBeLessThanOrEqual(0);
    // the demo's trips hand over a book with a long title: its tag ends in "…" within the column
    const spill = await table.evaluate((el) => {
      const scroller = el.querySelector('.ant-table-content, .ant-table-body');
      return scroller ? scroller.scrollWidth - scroller.clientWidth : 0;
    });
    expect(spill).toBeLessThanOrEqual(0);
  });
});
