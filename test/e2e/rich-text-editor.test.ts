/**
 * The study library's article editor in Chromium, under the server's Content-Security-Policy: a
 * secretary writes an article with a heading, bold and italic text, a list, a quote, a link and an
 * uploaded image, saves it, and the stored HTML is the plain markup the server's sanitizer keeps
 * (nothing of it dropped). Opening the article again shows the same content, and an edit made
 * there is saved too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { redPng } from './support/png.ts';

const SECRETARY_PHONE = '13800000000';
const TITLE = '在外务工也不放松学习';

interface StudyList {
  items: { id: string; title: string }[];
}
interface StudyItemBody {
  id: string;
  title: string;
  bodyHtml: string | null;
}


describe('the article editor writes what the server keeps', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  let itemId = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    page = (await openConsole(browser, server.baseUrl)).page;
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: page }));

  it('1. a secretary writes an article with every tool of the toolbar and saves it', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-study').click();
    await page.getByTestId('new-study-item').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建学习资料' });
    await drawer.waitFor();
    await drawer.getByTestId('study-title').fill(TITLE);

    const editor = drawer.getByTestId('study-body');
    const tool = (name: string) => drawer.getByTestId(`study-body-${name}`);
    // the toolbar speaks Chinese
    await expect.poll(() => tool('bold').getAttribute('aria-label')).toBe('加粗');
    await editor.click();

    // a heading, then a paragraph with bold and italic words
    await tool('heading').click();
    await page.keyboard.type('学习要点');
    await page.keyboard.press('Enter');
    await page.keyboard.type('离乡不离党，');
    await tool('bold').click();
    await page.keyboard.type('流动不流失');
    await tool('bold').click();
    await page.keyboard.type('，');
    await tool('italic').click();
    await page.keyboard.type('学习不掉队');
    await tool('italic').click();
    await page.keyboard.press('Enter');

    // a list of two items, left with Enter on the empty third
    await tool('list').click();
    await page.keyboard.type('按时参加云课堂');
    await page.keyboard.press('Enter');
    await page.keyboard.type('每天读一篇推送');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');

    // a quote
    await tool('quote').click();
    await page.keyboard.type('无论走多远，党组织始终是您温暖的家。');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');

    // a link on selected words, and one inserted as its address; an address that is not http(s) is refused
    await page.keyboard.type('原文链接');
    await page.keyboard.press('Shift+Home');
    await tool('link').click();
    const url = page.getByTestId('study-body-link-url');
    await url.fill('https://www.12371.cn/');
    await url.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await tool('link').click();
    await url.fill('javascript:alert(1)');
    await url.press('Enter');
    await tool('link').click();
    await url.fill('https://example.org/study');
    await url.press('Enter');
    await page.keyboard.press('Enter');

    // an uploaded image, with its size
    await drawer.getByTestId('study-body-image-input').setInputFiles({ name: '学习现场.png', mimeType: 'image/png', buffer: redPng(32, 20) });
    await editor.locator('img[src^="/api/files/"]').waitFor({ timeout: UI_TIMEOUT });

    await drawer.getByTestId('save-study-item').click();
    await drawer.waitFor({ state: 'hidden' });

    const list = await getJson<StudyList>(page.request, `/api/study-items?q=${encodeURIComponent(TITLE)}`);
    itemId = list.items.find((i) => i.title === TITLE)?.id ?? '';
    expect(itemId).not.toBe('');
  });

  it('2. the stored article is plain markup the sanitizer keeps whole', async () => {
    const item = await getJson<StudyItemBody>(page.request, `/api/study-items/${itemId}`);
    const html = item.bodyHtml ?? '';
    const image = /<img src="\/api\/files\/([0-9a-f-]{36})" alt="学习现场\.png" width="32" height="20" loading="lazy" decoding="async" \/>/.exec(html);
    expect(image, html).not.toBeNull();
    expect(html).toBe(
      '<h3>学习要点</h3>' +
        '<p>离乡不离党，<strong>流动不流失</strong>，<em>学习不掉队</em></p>' +
        '<ul><li>按时参加云课堂</li><li>每天读一篇推送</li></ul>' +
        '<blockquote>无论走多远，党组织始终是您温暖的家。</blockquote>' +
        '<p><a href="https://www.12371.cn/" rel="noopener noreferrer">原文链接</a> <a href="https://example.org/study" rel="noopener noreferrer">https://example.org/study</a></p>' +
        `<p><img src="/api/files/${image?.[1] ?? ''}" alt="学习现场.png" width="32" height="20" loading="lazy" decoding="async" /></p>`,
    );
  });

  it('3. opened again, the article shows as saved, and an edit is saved', async () => {
    await page.getByTestId(`study-row-${itemId}`).click();
    const drawer = page.getByRole('dialog').filter({ hasText: '编辑学习资料' });
    const editor = drawer.getByTestId('study-body');
    await editor.locator('h3', { hasText: '学习要点' }).waitFor();
    await expect.poll(() => editor.locator('li').allInnerTexts()).toEqual(['按时参加云课堂', '每天读一篇推送']);
    await expect.poll(() => editor.locator('a').count()).toBe(2);
    expect(await editor.locator('img[src^="/api/files/"]').getAttribute('width')).toBe('32');

    await editor.locator('h3').click();
    await page.keyboard.press('End');
    await page.keyboard.type('（三条）');
    await drawer.getByTestId('save-study-item').click();
    await drawer.waitFor({ state: 'hidden' });
    const item = await getJson<StudyItemBody>(page.request, `/api/study-items/${itemId}`);
    expect(item.bodyHtml).toMatch(/^<h3>学习要点（三条）<\/h3><p>离乡不离党，<strong>流动不流失<\/strong>/);
    expect(item.bodyHtml).toContain('<ul><li>按时参加云课堂</li><li>每天读一篇推送</li></ul>');
  });

  it('4. an article only clicked into closes without asking to discard anything', async () => {
    await page.getByTestId(`study-row-${itemId}`).click();
    const drawer = page.getByRole('dialog').filter({ hasText: '编辑学习资料' });
    const editor = drawer.getByTestId('study-body');
    await editor.locator('h3', { hasText: '学习要点（三条）' }).waitFor();
    // the article ends in an image: the editor adds an empty paragraph after it to type into
    await editor.locator('img[src^="/api/files/"]').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await page.getByText('放弃未保存的内容？').count()).toBe(0);
  });

  it('5. the editor ran under the Content-Security-Policy without a violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
