/**
 * 每月一互动 in the console through the real server in Chromium, on the demo village (its topic and a
 * dozen posts are seeded at boot): the general branch secretary (13800000000) opens 每月一互动 from
 * the menu, hides a post with a reason (the card shows it hidden, with the reason), shows it again,
 * and on 分享情况 sees who of the village has not shared this month, one row per member.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

describe('the secretary moderates the village’s posts and sees who has not shared', () => {
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

  it('1. opens 每月一互动 from the menu and hides a post with a reason, then shows it again', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.getByTestId('nav-shares').click();
    await desk.getByRole('heading', { name: '每月一互动' }).waitFor();
    const first = desk.getByTestId('shares-feed').locator('[data-testid^="share-post-"]').first();
    await first.waitFor();
    const postId = ((await first.getAttribute('data-testid')) ?? '').replace('share-post-', '');
    await desk.getByTestId(`share-hide-${postId}`).click();
    await desk.getByTestId('share-hide-reason').fill('含有个人联系方式');
    await desk.getByTestId('share-hide-confirm').click();
    await expect.poll(() => desk?.getByTestId(`share-post-${postId}`).textContent()).toContain('隐藏原因：含有个人联系方式');
    await desk.getByTestId(`share-unhide-${postId}`).click();
    await expect.poll(() => desk?.getByTestId(`share-post-${postId}`).textContent()).not.toContain('隐藏原因');
  });

  it('2. 分享情况 lists who has not shared this month, one row per member', async () => {
    const page = desk as Page;
    await page.getByTestId('shares-tab-participation').click();
    const list = page.getByTestId('shares-not-shared');
    await list.waitFor();
    // every member who has not shared is listed on the one page (the demo village: about a hundred)
    const title = (await page.getByText(/^还没有分享的党员（\d+）$/).textContent()) ?? '';
    const notShared = Number(/（(\d+)）/.exec(title)?.[1]);
    expect(notShared).toBeGreaterThan(50);
    await expect.poll(() => list.locator('[data-testid^="shares-member-"]').count()).toBe(notShared);
    await page.getByTestId('shares-chart').waitFor();
  });
});
