/**
 * The member app without signal, through the real server in Chromium on a phone in WeChat: after
 * one visit with signal, the app opened again with the network cut still shows today's study and
 * the member's card from what it kept on the phone, and says it is the copy saved last time. On a
 * shared phone nothing of one member ever shows to the next: not after signing out, and not when
 * the first member's session simply ran out and someone else signs in.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, openPhone, phoneLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

/** 流动党员 (a mobile member) and 党小组长 (a party-group leader): two members sharing one phone. */
const FIRST_PHONE = '13800000003';
const SECOND_PHONE = '13800000004';
const CACHE_KEY = 'lx_member_cache';
const SAVED_NOTICE = '网络不通，下面是上次保存的信息';

interface Profile {
  member: { id: string; name: string };
}
interface KeptProfile {
  member: Record<string, unknown>;
}
/** The persisted query cache, as TanStack Query's persister writes it. */
interface KeptCache {
  buster?: string;
  clientState?: { queries: { queryKey: unknown[]; state: { data: unknown } }[] };
}

/** The pushes today's study lists, by their test ids, in the order shown. */
async function todayPushes(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="today-push-"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-testid') ?? ''));
}

/** Everything the app keeps in the phone's localStorage, as one text. */
function storedText(page: Page): Promise<string> {
  return page.evaluate(() => Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k) ?? ''}`).join('\n'));
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

/** What offline-store.ts keeps on the phone: the account it keeps for, the ids of the kept items, and the kept-media caches. */
function keptOnPhone(page: Page): Promise<{ account: string | null; items: string[]; mediaCaches: string[] }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('lx-kept');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const get = <T,>(store: string, run: (s: IDBObjectStore) => IDBRequest<T>) =>
      db.objectStoreNames.contains(store)
        ? new Promise<T | undefined>((resolve, reject) => {
            const r = run(db.transaction(store).objectStore(store));
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          })
        : Promise.resolve(undefined);
    const account = await get('meta', (s) => s.get('account') as IDBRequest<string | undefined>);
    const items = ((await get('items', (s) => s.getAllKeys())) ?? []).map(String);
    db.close();
    const mediaCaches = (await caches.keys()).filter((name) => name.startsWith('lx-kept-media-'));
    return { account: account ?? null, items, mediaCaches };
  });
}

/** The ids of the items of today's pushes, as the server tells the signed-in member. */
async function todayItemIds(page: Page): Promise<string[]> {
  const today = await getJson<{ pushes: { items: { id: string }[] }[] }>(page.request, '/api/me/today');
  return today.pushes.flatMap((push) => push.items.map((item) => item.id));
}

function sawText(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { sawText: boolean }).sawText);
}

describe('the member app keeps what it showed for a weak signal, and only for the member who saw it', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let first: Profile;
  let firstPushes: string[] = [];

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    ({ context, page } = await openPhone(browser, server.baseUrl));
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone: page }));

  it('1. one visit with signal: the home screen with today’s study, kept on the phone', async () => {
    await page.goto('/m/');
    await phoneLogin(page, FIRST_PHONE, server.password);
    await page.locator('#me-name').waitFor();
    first = await getJson<Profile>(page.request, '/api/me/profile');
    expect(await page.locator('#me-name').textContent()).toBe(first.member.name);
    await page.locator('#today-title').waitFor();
    await page.locator('[data-testid^="today-push-"]').first().waitFor();
    firstPushes = await todayPushes(page);
    expect(firstPushes.length).toBeGreaterThan(0);
    // The kept copy is written shortly after the answers arrive; the service worker keeps the app itself.
    await expect.poll(async () => (await storedText(page)).includes(first.member.name) && (await storedText(page)).includes('"today"'), { timeout: UI_TIMEOUT }).toBe(true);
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: UI_TIMEOUT }).toBe(true);
  });

  it('2. opened again with the network cut: today’s study and the member’s card from the kept copy', async () => {
    await context.setOffline(true);
    await page.reload();
    await page.getByText(SAVED_NOTICE).waitFor();
    expect(await page.locator('#me-name').textContent()).toBe(first.member.name);
    await page.locator('#today-title').waitFor();
    expect(await todayPushes(page)).toEqual(firstPushes);
    // The profile is kept cut down to what the home screen shows: no ID number, notes or history.
    const kept = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}') as KeptCache, CACHE_KEY);
    const profile = kept.clientState?.queries.find((q) => q.queryKey[0] === 'profile')?.state.data as KeptProfile | undefined;
    expect(profile?.member).toMatchObject({ id: first.member.id, idNumberMasked: null, hardshipNote: null, homeAddress: null, mobilityHistory: [] });
    await context.setOffline(false);
  });

  it('3. signing out leaves nothing of the member on the phone, and the next member never sees it', async () => {
    await page.reload();
    await expect.poll(() => page.locator('#me-name').textContent(), { timeout: UI_TIMEOUT }).toBe(first.member.name);
    // 退出登录 is in 我的
    await page.getByTestId('tab-me').tap();
    await page.getByRole('button', { name: '退出登录' }).tap();
    await page.getByLabel('手机号').waitFor();
    const stored = await storedText(page);
    expect(stored).not.toContain(CACHE_KEY);
    expect(stored).not.toContain(first.member.name);

    await watchFor(page, first.member.name);
    await phoneLogin(page, SECOND_PHONE, server.password);
    await page.locator('#me-name').waitFor();
    const second = await getJson<Profile>(page.request, '/api/me/profile');
    expect(await page.locator('#me-name').textContent()).toBe(second.member.name);
    await page.locator('#today-title').waitFor();
    await expect.poll(() => storedText(page), { timeout: UI_TIMEOUT }).toContain(second.member.name);
    expect(await sawText(page)).toBe(false);
    expect(await storedText(page)).not.toContain(first.member.name);
  });

  it('4. a session that ran out on a shared phone: the next member to sign in never sees the kept copy of the last', async () => {
    // The first member again, with signal, so their answers are kept on the phone.
    await page.getByTestId('tab-me').tap();
    await page.getByRole('button', { name: '退出登录' }).tap();
    await page.getByLabel('手机号').waitFor();
    await phoneLogin(page, FIRST_PHONE, server.password);
    await expect.poll(() => page.locator('#me-name').textContent(), { timeout: UI_TIMEOUT }).toBe(first.member.name);
    await expect.poll(async () => (await storedText(page)).includes(first.member.name), { timeout: UI_TIMEOUT }).toBe(true);
    // Today's items of the first member are kept on the phone (offline-store.ts), under their account.
    const firstAccount = (await getJson<{ accountId: string }>(page.request, '/api/auth/me')).accountId;
    const firstItems = await todayItemIds(page);
    expect(firstItems.length).toBeGreaterThan(0);
    await expect.poll(async () => keptOnPhone(page), { timeout: UI_TIMEOUT }).toMatchObject({ account: firstAccount, items: expect.arrayContaining(firstItems) });

    // The session ends without signing out (it expired, or the cookie was cleared): the login shows.
    await context.clearCookies();
    await page.reload();
    await page.getByLabel('手机号').waitFor();
    await watchFor(page, first.member.name);
    await phoneLogin(page, SECOND_PHONE, server.password);
    await page.locator('#me-name').waitFor();
    const second = await getJson<Profile>(page.request, '/api/me/profile');
    expect(await page.locator('#me-name').textContent()).toBe(second.member.name);
    await page.locator('#today-title').waitFor();
    await expect.poll(() => storedText(page), { timeout: UI_TIMEOUT }).toContain(second.member.name);
    expect(await sawText(page)).toBe(false);
    expect(await storedText(page)).not.toContain(first.member.name);
    // Nor do the first member's kept items and media: the phone keeps for the second one only (their
    // outbox of unsent writes is another matter: it waits for its owner, outbox.ts).
    const secondAccount = (await getJson<{ accountId: string }>(page.request, '/api/auth/me')).accountId;
    const secondItems = new Set(await todayItemIds(page));
    await expect.poll(async () => (await keptOnPhone(page)).account, { timeout: UI_TIMEOUT }).toBe(secondAccount);
    const keptNow = await keptOnPhone(page);
    expect(keptNow.items.filter((id) => !secondItems.has(id))).toEqual([]);
    expect(keptNow.mediaCaches).not.toContain(`lx-kept-media-${firstAccount}`);

    // And without signal the phone shows the second member's kept copy, never the first's.
    await context.setOffline(true);
    await page.reload();
    await page.getByText(SAVED_NOTICE).waitFor();
    expect(await page.locator('#me-name').textContent()).toBe(second.member.name);
    expect(await page.locator('body').innerText()).not.toContain(first.member.name);
    await context.setOffline(false);
  });
});
