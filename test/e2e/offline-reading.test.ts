/**
 * Reading without signal, through the real server in Chromium on a phone in WeChat: the member opens
 * the app with signal, and today's items (with an article's image) are kept on the phone in the
 * background; with the network cut the app is opened again, and an article of today opens with its
 * text and its image, saying it is the copy saved on the phone. An item the secretary withdraws while
 * the phone holds it is shown as withdrawn as soon as the phone is online again, and leaves the list
 * and the phone. The phone's caches hold only the app's files and the account's kept media, the page
 * kept for offline starts carries nothing of the signed-in visit, and when WeChat's browser says it is
 * offline while it is not, the reader still asks the server and does not say there is no network.
 */
import { request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clock } from '../../src/server/clock.ts';
import { UI_TIMEOUT, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const MEMBER_PHONE = '13800000003';
const VILLAGE = '新桥村党总支';
const KEPT_NOTICE = '现在没有网络，这是保存在手机上的内容';
const WITHDRAWN = '这篇学习内容已被撤下';
const ARTICLE_TEXT = '流动党员在船上也能学习：这段文字没有信号也能读。';
const EDITED_TITLE = '船上的学习（修订）';
/** A 2×2 PNG (red), so the image has a size once it has loaded. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64');

interface Caller {
  api: APIRequestContext;
  csrf: string;
}

/** The ids of the items kept on the phone (IndexedDB 'lx-kept'), those with read progress, and the URLs in the kept-media caches. */
function keptOnPhone(page: Page): Promise<{ items: string[]; progress: string[]; media: string[] }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('lx-kept');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const keys = (store: string) =>
      db.objectStoreNames.contains(store)
        ? new Promise<string[]>((resolve, reject) => {
            const r = db.transaction(store).objectStore(store).getAllKeys();
            r.onsuccess = () => resolve(r.result.map(String));
            r.onerror = () => reject(r.error);
          })
        : Promise.resolve([]);
    const items = await keys('items');
    const progress = await keys('progress');
    db.close();
    const media: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith('lx-kept-media-')) continue;
      for (const req of await (await caches.open(name)).keys()) media.push(new URL(req.url).pathname);
    }
    return { items, progress, media };
  });
}

/** Every cache of the phone (Cache Storage) with the URLs it holds. */
function cachedUrls(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    return out;
  });
}

/** Notes in the page whether `text` ever appears on screen from now on (until the page is reloaded). */
async function watchFor(page: Page, text: string): Promise<void> {
  await page.evaluate((needle) => {
    const w = window as unknown as { sawText: boolean };
    w.sawText = document.body.innerText.includes(needle);
    new MutationObserver(() => {
      if (document.body.innerText.includes(needle)) w.sawText = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, text);
}

describe('today’s items can be read without signal, and a withdrawn one says so', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let secretary: Caller;
  let pushId = '';
  let articleId = '';
  let withdrawnId = '';
  let imageUrl = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    ({ context, page } = await openPhone(browser, server.baseUrl));
  });

  afterAll(async () => {
    await (secretary as Caller | undefined)?.api.dispose();
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone: page }));

  async function post<T>(url: string, data: unknown): Promise<T> {
    const res = await secretary.api.post(url, { data, headers: { 'x-csrf-token': secretary.csrf } });
    expect(res.status(), `POST ${url}: ${await res.text()}`).toBe(200);
    return (await res.json()) as T;
  }

  async function get<T>(url: string): Promise<T> {
    const res = await secretary.api.get(url);
    expect(res.status(), `GET ${url}: ${await res.text()}`).toBe(200);
    return (await res.json()) as T;
  }

  const itemLink = (itemId: string) => page.locator(`a[href$="/read/${pushId}/${itemId}"]`).first();

  it('1. the secretary pushes an article with an image, and a second item, to the mobile member', async () => {
    const api = await playwrightRequest.newContext({ baseURL: server.baseUrl });
    const login = await api.post('/api/auth/login', { data: { phone: SECRETARY_PHONE, password: server.password } });
    expect(login.status(), await login.text()).toBe(200);
    secretary = { api, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };

    const orgs = await get<{ items: { id: string; name: string }[] }>('/api/orgs');
    const villageId = orgs.items.find((o) => o.name === VILLAGE)?.id ?? '';
    const found = await get<{ items: { id: string; phone: string }[] }>(`/api/members?q=${MEMBER_PHONE}`);
    const memberId = found.items.find((m) => m.phone === MEMBER_PHONE)?.id ?? '';
    expect(villageId && memberId, 'the demo village and its mobile member').toBeTruthy();

    const upload = await api.post('/api/files?purpose=study', {
      multipart: { file: { name: 'boat.png', mimeType: 'image/png', buffer: PNG } },
      headers: { 'x-csrf-token': secretary.csrf },
    });
    expect(upload.status(), await upload.text()).toBe(200);
    imageUrl = `/api/files/${((await upload.json()) as { id: string }).id}`;

    const article = await post<{ id: string }>('/api/study-items', {
      orgId: villageId,
      kind: 'article',
      title: '船上的学习',
      category: 'theory',
      bodyHtml: `<p>${ARTICLE_TEXT}</p><p><img src="${imageUrl}" alt="渔船" width="2" height="2"></p><p>第二段。</p>`,
      minutes: 3,
    });
    articleId = article.id;
    const second = await post<{ id: string }>('/api/study-items', {
      orgId: villageId,
      kind: 'article',
      title: '即将撤下的一篇',
      category: 'policy',
      bodyHtml: '<p>这篇稍后会被撤下。</p>',
      minutes: 2,
    });
    withdrawnId = second.id;
    const push = await post<{ id: string }>('/api/pushes', {
      orgId: villageId,
      title: '离线阅读测试推送',
      plannedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
      itemIds: [articleId, withdrawnId],
      audience: 'list',
      memberIds: [memberId],
    });
    pushId = push.id;
    // The push reaches the member's today within a run of the delivery job.
    await expect
      .poll(async () => ((await get<{ status: string }>(`/api/pushes/${pushId}`)).status), { timeout: 40_000, interval: 1_000 })
      .toBe('delivered');
  });

  it('2. the member opens today with signal: both items and the image are kept on the phone without opening them', async () => {
    await page.goto('/m/');
    await phoneLogin(page, MEMBER_PHONE, server.password);
    await itemLink(articleId).waitFor();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: UI_TIMEOUT }).toBe(true);
    await expect
      .poll(async () => {
        const kept = await keptOnPhone(page);
        return kept.items.includes(articleId) && kept.items.includes(withdrawnId) && kept.media.includes(imageUrl);
      }, { timeout: UI_TIMEOUT })
      .toBe(true);
    // 学习 (the inbox) lists the push too.
    await page.getByTestId('tab-study').tap();
    await page.getByTestId(`study-push-${pushId}`).waitFor();
    await page.getByTestId('tab-home').tap();
    await itemLink(articleId).waitFor();
    // The lists themselves are kept too (query.ts): they are what the member opens the items from offline.
    const keptLists = () => page.evaluate(() => localStorage.getItem('lx_member_cache') ?? '');
    await expect.poll(async () => (await keptLists()).split(pushId).length - 1, { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(2);
    expect(await keptLists()).toContain('"inbox"');

    // The phone's caches: the app's own files (/m/) in the service worker's cache, and our files
    // (/api/files/) in the kept-media cache of the signed-in account; nothing else, no other account.
    const me = await page.request.get('/api/auth/me');
    const account = ((await me.json()) as { accountId: string }).accountId;
    const stored = await cachedUrls(page);
    expect(Object.keys(stored)).toContain(`lx-kept-media-${account}`);
    for (const [name, urls] of Object.entries(stored)) {
      const paths = urls.map((u) => new URL(u).pathname);
      if (name.startsWith('lx-member-')) expect(paths.filter((path) => !path.startsWith('/m/')), name).toEqual([]);
      else {
        expect(name).toBe(`lx-kept-media-${account}`);
        expect(paths.filter((path) => !path.startsWith('/api/files/')), name).toEqual([]);
        expect(paths).toContain(imageUrl);
      }
    }
  });

  it('2b. the page kept for starting offline carries nothing of the signed-in visit (no preload of its profile and today)', async () => {
    const live = await page.request.get('/m/');
    expect(live.headers()['link'] ?? '', 'a signed-in page preloads the profile and today').toContain('rel=preload');
    // The stored page is dropped, and stored again from the next visit of the signed-in member.
    const shellOf = () =>
      page.evaluate(async () => {
        const name = (await caches.keys()).find((n) => n.startsWith('lx-member-'));
        if (!name) return null;
        const cache = await caches.open(name);
        const shell = await cache.match(new URL('/m/', location.href).href);
        return shell ? { link: shell.headers.get('link'), cookie: shell.headers.get('set-cookie'), html: (await shell.text()).includes('<html') } : null;
      });
    await page.evaluate(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('lx-member-'));
      if (name) await (await caches.open(name)).delete(new URL('/m/', location.href).href);
    });
    expect(await shellOf()).toBeNull();
    await page.reload();
    await itemLink(articleId).waitFor();
    await expect.poll(shellOf, { timeout: UI_TIMEOUT }).toEqual({ link: null, cookie: null, html: true });
  });

  it('3. without signal, the app opens again and the article reads with its text and its image, from the phone', async () => {
    await context.setOffline(true);
    await page.reload();
    await itemLink(articleId).tap();
    await page.getByText(ARTICLE_TEXT).waitFor();
    await page.getByText(KEPT_NOTICE).waitFor();
    const image = page.locator('.article img');
    await image.scrollIntoViewIfNeeded();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: UI_TIMEOUT }).toBe(2);
    // A player asking for part of a kept file (audio, video) gets that part from the phone (past the
    // browser's HTTP cache: from the service worker's kept media).
    const part = await page.evaluate(async (url) => {
      const res = await fetch(url, { headers: { range: 'bytes=1-3' }, cache: 'no-store' });
      return { status: res.status, range: res.headers.get('content-range'), text: await res.text() };
    }, imageUrl);
    expect(part).toEqual({ status: 206, range: `bytes 1-3/${PNG.length}`, text: 'PNG' });
    await page.getByRole('button', { name: '返回' }).last().tap();
    // The time read is kept on the phone with the item: the count goes on from there next time.
    await expect.poll(async () => (await keptOnPhone(page)).progress, { timeout: UI_TIMEOUT }).toContain(articleId);
    // 学习 without signal: the kept list, said to be the saved copy.
    await page.getByTestId('tab-study').tap();
    await page.getByTestId(`study-push-${pushId}`).waitFor();
    await page.getByText('网络不通，下面是上次保存的信息').waitFor();
    await page.getByTestId('tab-home').tap();
    await itemLink(withdrawnId).waitFor();
  });

  it('4. the secretary withdraws the second item while the phone holds it; online again, the phone says so and lets it go', async () => {
    const retired = await secretary.api.post(`/api/study-items/${withdrawnId}/retire`, { headers: { 'x-csrf-token': secretary.csrf } });
    expect(retired.status(), await retired.text()).toBe(200);

    // Still offline: the kept copy opens.
    await itemLink(withdrawnId).tap();
    await page.getByText('这篇稍后会被撤下。').waitFor();
    await page.getByText(KEPT_NOTICE).waitFor();

    await context.setOffline(false);
    // A phone tells the page its signal is back; Chromium's network emulation does not, so the test does.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.getByText(WITHDRAWN).waitFor();
    expect(await page.getByText('这篇稍后会被撤下。').count()).toBe(0);
    await page.getByRole('button', { name: '返回' }).last().tap();
    await itemLink(articleId).waitFor();
    expect(await itemLink(withdrawnId).count()).toBe(0);
    await expect.poll(async () => (await keptOnPhone(page)).items, { timeout: UI_TIMEOUT }).not.toContain(withdrawnId);
    expect((await keptOnPhone(page)).items).toContain(articleId);
  });

  it('5. WeChat says the phone is offline while it is not: the kept copy opens, the server is still asked and its answer shown, no "no network"', async () => {
    // The secretary renames the article: the copy kept on the phone has the old title.
    const edited = await secretary.api.patch(`/api/study-items/${articleId}`, { data: { title: EDITED_TITLE }, headers: { 'x-csrf-token': secretary.csrf } });
    expect(edited.status(), await edited.text()).toBe(200);
    await page.reload();
    await itemLink(articleId).waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { realOnLine?: PropertyDescriptor };
      w.realOnLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine');
      Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => false });
    });
    await watchFor(page, KEPT_NOTICE);
    await itemLink(articleId).tap();
    await page.getByText(ARTICLE_TEXT).waitFor();
    // The reader's title: the server's (the kept copy has the old one).
    await page.getByRole('heading', { name: EDITED_TITLE }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sawText: boolean }).sawText)).toBe(false);
    await page.evaluate(() => {
      const w = window as unknown as { realOnLine?: PropertyDescriptor };
      if (w.realOnLine) Object.defineProperty(Navigator.prototype, 'onLine', w.realOnLine);
    });
    await page.getByRole('button', { name: '返回' }).last().tap();
    await itemLink(articleId).waitFor();
  });

  it('6. signing out empties what was kept on the phone', async () => {
    // 退出登录 is in 我的; nothing waits to be sent (the withdrawn item's progress was answered), so no question.
    await page.getByTestId('tab-me').tap();
    await page.getByRole('button', { name: '退出登录' }).tap();
    await page.getByLabel('手机号').waitFor();
    await expect.poll(async () => keptOnPhone(page), { timeout: UI_TIMEOUT }).toEqual({ items: [], progress: [], media: [] });
  });
});
