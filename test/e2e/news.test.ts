/**
 * News with review (公众号 "闪亮红星") in Chromium: the secretary of 第一党支部 writes a news item with a
 * cover and submits it; the general branch secretary sends it back with a note; the author sees the
 * note, corrects the title and submits again; the reviewer approves it; a fresh browser context
 * without any login (a phone in WeChat) opens the public page: the approved title, the share text
 * and the cover in its Open Graph tags, the cover image loaded, no Content-Security-Policy violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { redPng } from './support/png.ts';

const AUTHOR_PHONE = '13800000001';
const REVIEWER_PHONE = '13800000000';
const FIRST_TITLE = '第一党支部走访留守老人';
const FINAL_TITLE = '第一党支部党员走访留守老人';
const SHARE_TEXT = '支部党员利用周末走访村里的留守老人';
/** A line the author adds while the reviewer has the item open. */
const LATE_LINE = '老人们说，希望支部常来坐坐。';
const NOTE = '照片里有老人的正脸，请换成背影';


interface NewsList {
  items: { id: string; title: string; status: string }[];
}
interface NewsItem {
  id: string;
  status: string;
  publicUrl: string;
  live: boolean;
}

/** Opens an item from the console's list in its drawer. */
async function openItem(page: Page, title: string) {
  await page.goto('/news');
  await page.locator('[data-testid^="news-row-"]').filter({ hasText: new RegExp(`^${title}$`) }).click();
  const drawer = page.getByRole('dialog').filter({ hasText: '编辑新闻' });
  await drawer.waitFor();
  return drawer;
}

describe('a news item is sent back, corrected, approved and read without login', () => {
  let server: RunningServer;
  let browser: Browser;
  let author: Page;
  let reviewer: Page;
  let reader: Page | undefined;
  let itemId = '';
  const cspViolations: string[] = [];

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    author = (await openConsole(browser, server.baseUrl)).page;
    reviewer = (await openConsole(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ author, reviewer, reader }));

  it('1. the branch secretary writes a news item with a cover and submits it', async () => {
    await consoleLogin(author, AUTHOR_PHONE, server.password);
    await author.getByTestId('nav-news').click();
    await author.getByTestId('new-news').click();
    const drawer = author.getByRole('dialog').filter({ hasText: '撰写新闻' });
    await drawer.waitFor();
    // A secretary's own unit comes first (the village also names them 通讯员 in the demo).
    await expect.poll(() => drawer.getByTestId('news-org').innerText()).toContain('第一党支部');
    await drawer.getByTestId('news-title').fill(FIRST_TITLE);
    await drawer.getByTestId('news-summary').fill(SHARE_TEXT);
    await drawer.getByTestId('news-cover').locator('input[type=file]').setInputFiles({ name: '走访.png', mimeType: 'image/png', buffer: redPng(60, 40) });
    await drawer.getByTestId('news-cover').getByText('走访.png').waitFor({ timeout: UI_TIMEOUT });
    await drawer.getByTestId('news-body').click();
    await author.keyboard.type('周六上午，支部党员分成三组，走访了村里的十二位留守老人。');
    await drawer.getByTestId('news-submit').click();
    // Submitted, the drawer becomes the item's (编辑新闻), waiting for review.
    await author.getByRole('dialog').getByTestId('news-status').filter({ hasText: '待审核' }).waitFor();
    const list = await getJson<NewsList>(author.request, '/api/news');
    itemId = list.items.find((i) => i.title === FIRST_TITLE)?.id ?? '';
    expect(itemId).not.toBe('');
    // Nothing public yet.
    expect((await author.request.get(`/news/${(await getJson<{ orgId: string }>(author.request, `/api/news/${itemId}`)).orgId}/${itemId}`)).status()).toBe(404);
  });

  it('2. the general branch secretary sends it back with a note', async () => {
    await consoleLogin(reviewer, REVIEWER_PHONE, server.password);
    const drawer = await openItem(reviewer, FIRST_TITLE);
    await drawer.getByTestId('news-review').waitFor();
    // Sending back without a note is refused on the spot.
    await drawer.getByTestId('news-send-back').click();
    await drawer.getByText('退回时请写明修改意见').waitFor();
    await drawer.getByTestId('news-review-note').fill(NOTE);
    await drawer.getByTestId('news-send-back').click();
    await drawer.getByTestId('news-status').filter({ hasText: '已退回' }).waitFor();
  });

  it('3. the author sees the note, corrects the title and submits again', async () => {
    const drawer = await openItem(author, FIRST_TITLE);
    await drawer.getByTestId('news-return-note').filter({ hasText: NOTE }).waitFor();
    await drawer.getByTestId('news-title').fill(FINAL_TITLE);
    await drawer.getByTestId('news-submit').click();
    await drawer.getByTestId('news-status').filter({ hasText: '待审核' }).waitFor();
    expect((await getJson<NewsItem>(author.request, `/api/news/${itemId}`)).status).toBe('in_review');
  });

  it('4. the reviewer approves it, only once they have read the text as it is; the public link and its QR code show', async () => {
    const drawer = await openItem(reviewer, FINAL_TITLE);
    await drawer.getByTestId('news-review').waitFor();
    // Meanwhile the branch secretary takes it back, adds a line and submits it again: the open drawer is stale.
    const { csrfToken } = await getJson<{ csrfToken: string }>(author.request, '/api/auth/me');
    const seen = await getJson<NewsItem & { updatedAt: string; bodyHtml: string }>(author.request, `/api/news/${itemId}`);
    const send = async (method: 'post' | 'patch', url: string, data: Record<string, unknown>) => {
      const res = await author.request[method](url, { headers: { 'x-csrf-token': csrfToken }, data });
      expect(res.status(), await res.text()).toBe(200);
    };
    await send('post', `/api/news/${itemId}/return`, { note: '补一句', updatedAt: seen.updatedAt });
    await send('patch', `/api/news/${itemId}`, { bodyHtml: `${seen.bodyHtml}<p>${LATE_LINE}</p>` });
    await send('post', `/api/news/${itemId}/submit`, {});
    await drawer.getByTestId('news-approve').click();
    // Refused with a clear line; the drawer shows the text as it is now, still waiting for review.
    await reviewer.getByText('内容已被修改，请重新审阅').waitFor();
    await drawer.getByText(LATE_LINE).waitFor();
    expect((await getJson<NewsItem>(reviewer.request, `/api/news/${itemId}`)).status).toBe('in_review');
    await drawer.getByTestId('news-approve').click();
    await drawer.getByTestId('news-status').filter({ hasText: '已通过' }).waitFor();
    await drawer.getByTestId('news-qr').waitFor();
    await drawer.getByTestId('news-history').getByText('退回').first().waitFor();
    const item = await getJson<NewsItem>(reviewer.request, `/api/news/${itemId}`);
    expect(item.live).toBe(true);
    expect(await drawer.getByTestId('news-public-url').innerText()).toBe(item.publicUrl);
  });

  it('5. a phone without any login opens the public page with its share card', async () => {
    const item = await getJson<NewsItem>(reviewer.request, `/api/news/${itemId}`);
    const path = new URL(item.publicUrl).pathname;
    reader = (await openPhone(browser, server.baseUrl)).page;
    reader.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const res = await reader.goto(path);
    expect(res?.status()).toBe(200);
    await reader.getByRole('heading', { name: FINAL_TITLE }).waitFor();
    expect(await reader.locator('meta[property="og:title"]').getAttribute('content')).toBe(FINAL_TITLE);
    expect(await reader.locator('meta[property="og:description"]').getAttribute('content')).toBe(SHARE_TEXT);
    const ogImage = await reader.locator('meta[property="og:image"]').getAttribute('content');
    expect(ogImage).toMatch(/^https?:\/\/.+\/news\/[0-9a-f-]{36}\/files\/[0-9a-f-]{36}$/);
    expect(await reader.locator('meta[name="viewport"]').count()).toBe(1);
    await expect.poll(() => reader?.locator('img.cover').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(60);
    await reader.getByText('十二位留守老人').waitFor();
    expect(await reader.content()).not.toContain(FIRST_TITLE);
    // The unit's list leads back to it.
    await reader.getByRole('link', { name: '第一党支部' }).click();
    await reader.getByRole('link', { name: new RegExp(FINAL_TITLE) }).waitFor();
    expect(cspViolations).toEqual([]);
  });
});
