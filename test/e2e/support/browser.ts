/**
 * Browser-test support shared by the stories: the server and Chromium started together, the
 * console on a desktop window, the member app on a phone in WeChat, and signing in on each.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { beforeEach, expect } from 'vitest';
import { launchBrowser, screenshotPages, startServer, type RunningServer } from './server.ts';
import { clock } from '../../../src/server/clock.ts';

/** How long a step waits for the UI before it fails. */
export const UI_TIMEOUT = 15_000;

/** WeChat's in-app browser on an Android phone. */
export const WECHAT_ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 ' +
  'Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) ' +
  'WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

/**
 * Starts the server and Chromium at once. When either fails, the one that did start is stopped
 * (and a kept data folder removed) before the error is thrown, so nothing is left running.
 */
export async function startServerAndBrowser(opts: Parameters<typeof startServer>[0] = {}): Promise<{ server: RunningServer; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([startServer(opts), launchBrowser()]);
  if (started.status === 'fulfilled' && launched.status === 'fulfilled') return { server: started.value, browser: launched.value };
  if (launched.status === 'fulfilled') await launched.value.close().catch(() => {});
  if (started.status === 'fulfilled') {
    await started.value.stop();
    if (opts.keepData && !opts.dataDir) fs.rmSync(started.value.dataDir, { recursive: true, force: true });
  }
  throw launched.status === 'rejected' ? launched.reason : (started as PromiseRejectedResult).reason;
}

/**
 * When the suite runs at another moment (LIANXIN_CLOCK_AT, passed to the server by startServer), the
 * pages' Date is shifted like the server's clock and keeps flowing, so the apps' "today" is the
 * server's. Only Date: Playwright's clock.install() also fakes timers, which stalled the console's
 * updates after a change.
 */
async function sameClockAsServer(context: BrowserContext): Promise<void> {
  if (clock.offsetMs === 0) return;
  await context.addInitScript((shift: number) => {
    const RealDate = Date;
    // Plain Date objects (same prototype, same instanceof), only "now" moved; callable without new.
    function ShiftedDate(this: unknown, ...args: unknown[]): Date | string {
      const now = new RealDate(RealDate.now() + shift);
      if (!new.target) return now.toString();
      return args.length === 0 ? now : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
    }
    ShiftedDate.prototype = RealDate.prototype;
    Object.defineProperties(ShiftedDate, {
      now: { value: () => RealDate.now() + shift },
      parse: { value: RealDate.parse },
      UTC: { value: RealDate.UTC },
    });
    globalThis.Date = ShiftedDate as unknown as DateConstructor;
  }, clock.offsetMs);
}

/** A desktop window on the console, in China. */
export async function openConsole(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await sameClockAsServer(context);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  return { context, page };
}

/** A new phone in WeChat (closed with the browser); `height` is the screen's height in CSS pixels. */
export async function openPhone(browser: Browser, baseUrl: string, height = 740): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 360, height },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_ANDROID_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await sameClockAsServer(context);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  return { context, page };
}

/** Signs in to the console and waits for the dashboard. */
export async function consoleLogin(page: Page, phone: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('heading', { name: '工作概览' }).waitFor();
}

/** Fills the member app's sign-in form already on the screen and taps 登录. */
export async function phoneLogin(page: Page, phone: string, password: string): Promise<void> {
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).tap();
}

/**
 * For a story whose steps build on each other (call inside its describe): once a step fails the
 * later ones are skipped, as they would only repeat the failure, and the failing step saves a
 * screenshot of each page still open.
 */
export function skipAfterFirstFailure(pages: () => Record<string, Page | undefined>): void {
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
    ctx.onTestFailed(async () => {
      failed = true;
      const saved = await screenshotPages(ctx.task.name, pages());
      if (saved.length) console.error(`screenshots: ${saved.join(', ')}`);
    });
  });
}

/**
 * Picks a unit in the console's OrgTreeSelect the way a person does: open it, type part of the
 * name, click it. On a loaded machine the tree may still be loading when the list opens, or a
 * form may still be settling: it tries again, up to three times, until the select shows the name.
 */
export async function pickUnit(page: Page, select: Locator, name: string): Promise<void> {
  const openDropdown = (): Locator => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  for (let attempt = 1; ; attempt++) {
    try {
      await select.click();
      await openDropdown().waitFor({ timeout: 5_000 });
      await page.keyboard.type(name);
      await openDropdown().getByTitle(name, { exact: true }).click({ timeout: 5_000 });
      await expect.poll(() => select.innerText(), { timeout: 5_000 }).toContain(name);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}
