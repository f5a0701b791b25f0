/**
 * The member app's tab bar, a home that fits on a screen, 我的 and 长辈模式, through the real server in
 * Chromium: a member on a phone in WeChat goes around with the tab bar (inner screens have 返回 and
 * no tab bar), sees each of today's pushes once on 首页 followed by the next class, the open make-ups
 * and 更多, switches the language in 我的 (the top bar has no language button once signed in), turns
 * 长辈模式 on (no visible text under 24 px on the main screens and an article) and finds it on after a
 * reload; the sign-out question takes the focus. The secretary turns 长辈模式 on in the console for another member, whose phone then starts
 * in it — until that member turns it off on the phone, which wins.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, phoneLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { clock } from '../../src/server/clock.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';
const OTHER_MEMBER_PHONE = '13800000002';
const SECRETARY_PHONE = '13800000000';

interface TodayBody {
  pushes: { pushId: string; title: string }[];
  makeups: { sessionId: string; status: string }[];
  nextSession: { id: string } | null;
}
interface MemberListBody {
  items: { id: string; phone: string }[];
}

const bodyFontPx = (page: Page) => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
const currentTab = (page: Page) => page.locator('.tabbar [aria-current="page"]').getAttribute('data-testid');
const topBarButtons = (page: Page) => page.locator('header.topbar button').allInnerTexts();

/**
 * Every visible element with text of its own whose computed font size is under 24 px, as
 * "tag.class (size): text", for a readable failure.
 */
const smallTexts = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      if (el.closest('script, style, noscript, template')) continue;
      const own = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!own) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const size = parseFloat(style.fontSize);
      if (size < 24) found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${size}px): ${own.slice(0, 30)}`);
    }
    return found;
  });

/** The document order of the first element matching each selector inside <main> (-1: absent). */
const orderInMain = (page: Page, selectors: string[]) =>
  page.evaluate((list) => {
    const all = [...document.querySelectorAll('main *')];
    return list.map((selector) => {
      const el = document.querySelector(`main ${selector}`);
      return el ? all.indexOf(el) : -1;
    });
  }, selectors);

describe('tab bar, 首页, 我的 and 长辈模式', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page;
  let other: Page | undefined;
  let consolePage: Page | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    phone = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone, other, console: consolePage }));

  it('1. 首页 is 今日 with the tab bar, and shows each of today’s pushes once, then the next class, the make-ups and the links', async () => {
    await phone.goto('/m/');
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByRole('heading', { name: '今日', level: 1 }).waitFor();
    await phone.locator('#today-title').waitFor();
    expect(await currentTab(phone)).toBe('tab-home');
    // signed in, no language button (nor 返回) in the top bar
    expect(await topBarButtons(phone)).toEqual([]);

    const today = await getJson<TodayBody>(phone.request, '/api/me/today');
    const unique = [...new Set(today.pushes.map((p) => p.pushId))];
    expect(unique.length, 'the demo member has pushes today').toBeGreaterThan(0);
    const shown = await phone.locator('[data-testid^="today-push-"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-testid') ?? ''));
    // one entry per push, never twice; the older unread ones are counted in one line that opens 学习
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown).size).toBe(shown.length);
    for (const id of shown) expect(unique).toContain(id.replace('today-push-', ''));
    // each shown push's title is on the screen exactly once (a push shown twice would say it twice)
    const mainText = await phone.locator('main').innerText();
    const shownTitles = shown.map((id) => today.pushes.find((p) => p.pushId === id.replace('today-push-', ''))?.title ?? '');
    expect(new Set(shownTitles).size, 'the demo pushes shown have different titles').toBe(shownTitles.length);
    for (const title of shownTitles) {
      expect(title).not.toBe('');
      expect(mainText.split(title).length - 1, title).toBe(1);
    }
    const more = phone.getByTestId('today-more-study');
    if (shown.length < unique.length) expect(await more.innerText()).toContain(`还有 ${unique.length - shown.length} 条`);
    else expect(await more.count()).toBe(0);

    // in order: today's study, the next class (or the class open for check-in), the open make-ups, then 更多
    expect(today.makeups.filter((m) => m.status === 'open' || m.status === 'returned').length, 'the demo member owes a make-up').toBeGreaterThan(0);
    expect(today.nextSession, 'the demo has a next class').not.toBeNull();
    const [study = -1, nextClass = -1, makeups = -1, links = -1] = await orderInMain(phone, [
      'section.home-study',
      '[data-testid="today-next"], section.card-urgent',
      'section[aria-labelledby="makeups-title"]',
      'nav.home-links',
    ]);
    expect(study).toBeGreaterThanOrEqual(0);
    expect(nextClass).toBeGreaterThan(study);
    expect(makeups).toBeGreaterThan(nextClass);
    expect(links).toBeGreaterThan(makeups);
    expect(await phone.locator('#more-title').innerText()).toBe('更多');

    // every tab is a big target
    for (const tab of ['tab-home', 'tab-study', 'tab-sessions', 'tab-shares', 'tab-me']) {
      const box = await phone.getByTestId(tab).boundingBox();
      expect(box?.height ?? 0, tab).toBeGreaterThanOrEqual(48);
      expect(box?.width ?? 0, tab).toBeGreaterThanOrEqual(48);
    }
  });

  it('2. the tab bar goes to 学习, 课程, 互动, 我的 and back to 首页; an inner screen has 返回 and no tab bar', async () => {
    await phone.getByTestId('tab-study').tap();
    await phone.getByRole('heading', { name: '学习', level: 1 }).waitFor();
    expect(new URL(phone.url()).pathname).toBe('/m/study');
    expect(await currentTab(phone)).toBe('tab-study');
    expect(await topBarButtons(phone)).toEqual([]);

    await phone.getByTestId('tab-sessions').tap();
    await phone.getByRole('heading', { name: '课程', level: 1 }).waitFor();
    expect(await currentTab(phone)).toBe('tab-sessions');

    await phone.getByTestId('tab-shares').tap();
    await phone.getByRole('heading', { name: '互动', level: 1 }).waitFor();
    expect(new URL(phone.url()).pathname).toBe('/m/shares');
    expect(await currentTab(phone)).toBe('tab-shares');
    expect(await topBarButtons(phone)).toEqual([]);

    await phone.getByTestId('tab-me').tap();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    expect(new URL(phone.url()).pathname).toBe('/m/me');
    expect(await currentTab(phone)).toBe('tab-me');

    await phone.getByTestId('home-devices').tap();
    await phone.getByRole('heading', { name: '我的登录设备', level: 1 }).waitFor();
    expect(await phone.locator('.tabbar').count()).toBe(0);
    await phone.getByRole('button', { name: '返回' }).tap();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();

    await phone.getByTestId('tab-home').tap();
    await phone.getByRole('heading', { name: '今日', level: 1 }).waitFor();
    expect(new URL(phone.url()).pathname).toBe('/m/');
  });

  it('3. the language switch in 我的 turns the app to English and back; the top bar never has one', async () => {
    await phone.getByTestId('tab-me').tap();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    await phone.getByTestId('language-en-US').tap();
    await phone.getByRole('heading', { name: 'Me', level: 1 }).waitFor();
    expect(await phone.getByTestId('tab-home').innerText()).toBe('Home');
    expect(await phone.getByTestId('language-en-US').getAttribute('aria-pressed')).toBe('true');
    expect(await topBarButtons(phone)).toEqual([]);
    await phone.getByTestId('language-zh-CN').tap();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    expect(await phone.getByTestId('tab-home').innerText()).toBe('首页');
  });

  it('4. 长辈模式 in 我的: body text at least 24 px, secondary lines gone, and still on after a reload', async () => {
    expect(await bodyFontPx(phone)).toBeLessThan(24);
    const hint = phone.locator('.home-link-hint').first();
    expect(await hint.isVisible()).toBe(true);
    // named by its label alone, its hint a description
    const elderSwitch = phone.getByRole('switch', { name: '长辈模式', exact: true });
    expect(await elderSwitch.getAttribute('aria-checked')).toBe('false');
    const describedBy = (await elderSwitch.getAttribute('aria-describedby')) ?? '';
    expect(await phone.locator(`[id="${describedBy}"]`).innerText()).toBe('字更大、按钮更大');
    await elderSwitch.tap();
    await expect.poll(() => elderSwitch.getAttribute('aria-checked')).toBe('true');
    expect(await bodyFontPx(phone)).toBeGreaterThanOrEqual(24);
    expect(await hint.isVisible()).toBe(false);
    const box = await phone.getByTestId('tab-me').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(64);

    await phone.reload();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    expect(await bodyFontPx(phone)).toBeGreaterThanOrEqual(24);
    expect(await phone.getByRole('switch', { name: /长辈模式/ }).getAttribute('aria-checked')).toBe('true');
    // and on the other screens too
    await phone.getByTestId('tab-home').tap();
    await phone.getByRole('heading', { name: '今日', level: 1 }).waitFor();
    expect(await bodyFontPx(phone)).toBeGreaterThanOrEqual(24);
  });

  it('5. in 长辈模式 no visible text is under 24 px on 首页, 学习, 课程, 我的 and an article', async () => {
    expect(await phone.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
    await phone.locator('#today-title').waitFor();
    expect(await smallTexts(phone), '首页').toEqual([]);

    await phone.getByTestId('tab-study').tap();
    await phone.getByRole('heading', { name: '学习', level: 1 }).waitFor();
    await phone.locator('.item-link').first().waitFor();
    expect(await smallTexts(phone), '学习').toEqual([]);

    await phone.getByTestId('tab-sessions').tap();
    await phone.getByRole('heading', { name: '课程', level: 1 }).waitFor();
    await phone.locator('main .card').first().waitFor();
    expect(await smallTexts(phone), '课程').toEqual([]);

    await phone.getByTestId('tab-me').tap();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    await phone.getByTestId('mentor-name').or(phone.getByText('支部还没有为您安排联系人')).first().waitFor();
    expect(await smallTexts(phone), '我的').toEqual([]);

    await phone.getByTestId('tab-study').tap();
    await phone.locator('.item-link').first().tap();
    await phone.locator('main.reader h1').waitFor();
    await phone.locator('main.reader > .button-plain').waitFor();
    expect(new URL(phone.url()).pathname.startsWith('/m/read/')).toBe(true);
    expect(await smallTexts(phone), 'an article').toEqual([]);
    await phone.locator('header.topbar .topbar-back').tap();
    await phone.getByRole('heading', { name: '学习', level: 1 }).waitFor();
  });

  it('6. signing out with a write still on the phone asks first, with the focus on 取消', async () => {
    await phone.getByTestId('tab-me').tap();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    // a write this app cannot send, kept for the member to decide: it counts as not sent
    await phone.evaluate((createdAt) => {
      const account = localStorage.getItem('lx_member_account') ?? '';
      const entry = { id: 'e2e-kept-write', kind: 'unknown-kind-in-test', vars: {}, accountId: account, createdAt, state: 'failed', sentAt: null, error: null, reason: 'unknown-kind' };
      localStorage.setItem(`lx_outbox:${account}`, JSON.stringify([entry]));
    }, clock.now().toISOString());
    await phone.reload();
    await phone.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    await phone.getByRole('button', { name: '退出登录' }).tap();
    const dialog = phone.getByRole('alertdialog');
    await dialog.waitFor();
    await expect.poll(() => phone.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)).toBe('logout-cancel');
    await phone.getByTestId('logout-cancel').tap();
    expect(await dialog.count()).toBe(0);
    await phone.evaluate(() => localStorage.removeItem(`lx_outbox:${localStorage.getItem('lx_member_account') ?? ''}`));
  });

  it('7. the secretary turns 长辈模式 on in the console for another member, whose phone starts in it', async () => {
    consolePage = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(consolePage, SECRETARY_PHONE, server.password);
    const list = await getJson<MemberListBody>(consolePage.request, `/api/members?q=${OTHER_MEMBER_PHONE}`);
    const member = list.items.find((m) => m.phone === OTHER_MEMBER_PHONE);
    expect(member, 'the other member is in the register').toBeTruthy();
    await consolePage.goto(`/members/${member?.id ?? ''}`);
    const consoleSwitch = consolePage.getByTestId('elder-mode-switch');
    await consoleSwitch.waitFor();
    expect(await consoleSwitch.getAttribute('aria-checked')).toBe('false');
    await consoleSwitch.click();
    await consolePage.getByText('已为该党员开启长辈模式').waitFor({ timeout: UI_TIMEOUT });
    expect(await consoleSwitch.getAttribute('aria-checked')).toBe('true');

    other = (await openPhone(browser, server.baseUrl)).page;
    await other.goto('/m/');
    await phoneLogin(other, OTHER_MEMBER_PHONE, server.password);
    await other.getByRole('heading', { name: '今日', level: 1 }).waitFor();
    await expect.poll(() => other?.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
    expect(await bodyFontPx(other)).toBeGreaterThanOrEqual(24);
  });

  it('8. the member’s own choice on the phone wins over the secretary’s', async () => {
    const page = other as Page;
    await page.getByTestId('tab-me').tap();
    const elderSwitch = page.getByRole('switch', { name: /长辈模式/ });
    expect(await elderSwitch.getAttribute('aria-checked')).toBe('true');
    await elderSwitch.tap();
    await expect.poll(() => elderSwitch.getAttribute('aria-checked')).toBe('false');
    expect(await bodyFontPx(page)).toBeLessThan(24);
    await page.reload();
    await page.getByRole('heading', { name: '我的', level: 1 }).waitFor();
    // the profile (still elderMode: true) has loaded again, and the phone stays as the member chose
    await page.getByTestId('mentor-name').or(page.getByText('支部还没有为您安排联系人')).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.elder)).toBe('off');
    expect(await bodyFontPx(page)).toBeLessThan(24);
  });
});
