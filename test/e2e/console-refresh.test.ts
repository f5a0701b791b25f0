/**
 * A write refreshes what it changed, on the page, without a reload: the secretary marks a posted
 * holiday card delivered with the bulk action of the campaign page, and the card's status and the
 * campaign's counts change where they are shown. The page does not reload the campaign itself: the
 * write's mutation invalidates the campaign's cached answer (src/web/console/query), and the query
 * cache asks again. A marker set on the window before the write proves the page was not reloaded.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
/** A count card's text is its label and the number. */
const count = (n: number) => new RegExp(`(^|\\D)${n}$`);

interface CampaignListBody {
  items: { id: string; occasion: string; sentAt: string | null }[];
}
interface CampaignBody {
  id: string;
  cards: { id: string; memberName: string; channel: string; postStatus: string }[];
}

describe('the console refreshes what a write changed without reloading the page', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser({ keepData: true }));
    ({ context, page } = await openConsole(browser, server.baseUrl));
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

  it('marks a posted card delivered: its status and the counts change in place', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    // the demo's last 中秋 campaign went out with some cards posted and not yet delivered
    const campaigns = await getJson<CampaignListBody>(context.request, '/api/card-campaigns?page=1&pageSize=50');
    const autumn = campaigns.items.find((c) => c.occasion === 'mid_autumn' && c.sentAt !== null);
    expect(autumn).toBeDefined();
    const before = await getJson<CampaignBody>(context.request, `/api/card-campaigns/${autumn?.id}`);
    const card = before.cards.find((c) => c.postStatus === 'posted');
    expect(card).toBeDefined();
    if (!autumn || !card) return;
    const delivered = before.cards.filter((c) => c.postStatus === 'delivered').length;

    await page.goto(`/cards/${autumn.id}`);
    const status = page.getByTestId(`card-status-${card.id}`);
    await expect.poll(() => status.textContent(), { timeout: UI_TIMEOUT }).toContain('已寄出');
    const deliveredCount = page.getByTestId('campaign-count-delivered');
    await expect.poll(() => deliveredCount.textContent(), { timeout: UI_TIMEOUT }).toMatch(count(delivered));
    await page.evaluate(() => Object.assign(window, { lianxinNotReloaded: true }));

    await page.getByTestId('cards-table').getByRole('checkbox', { name: card.memberName, exact: true }).check();
    await page.getByTestId('cards-bulk-delivered').click();
    // the confirmation pops up next to the button
    await page.locator('.ant-popconfirm').getByRole('button', { name: '确定', exact: true }).click();

    await expect.poll(() => status.textContent(), { timeout: UI_TIMEOUT }).toContain('已送达');
    await expect.poll(() => deliveredCount.textContent(), { timeout: UI_TIMEOUT }).toMatch(count(delivered + 1));
    expect(await page.evaluate(() => (window as unknown as { lianxinNotReloaded?: boolean }).lianxinNotReloaded)).toBe(true);
  });
});
