/**
 * 通知方式 in the member app, through the real server in Chromium: a member on a phone in WeChat
 * opens it from 我的, reads in one plain sentence why WeChat cannot show this phone's notifications,
 * turns SMS reminders on (the server records the consent) and off again. The same member in a
 * browser that has a PushManager gets the 本机通知 switch instead of the sentence.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, openPhone, phoneLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';

interface Channels {
  sms: { on: boolean; consentAt: string | null; dailyCap: number };
  webpush: { on: boolean; devices: number };
}

describe('a member chooses how they are notified', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    page = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone: page }));

  it('1. in WeChat: 通知方式 opens from 我的 and says why this phone cannot show notifications', async () => {
    await page.goto('/m/');
    await phoneLogin(page, MEMBER_PHONE, server.password);
    await page.getByTestId('tab-me').tap();
    await page.getByTestId('home-notices').tap();
    await page.getByRole('heading', { name: '通知方式', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('notices-push-why').textContent()).toBe('微信里不能接收本机通知，请留意短信和群消息');
    expect(await page.getByTestId('notices-push-switch').count()).toBe(0);
  });

  it('2. SMS reminders: the switch says the daily cap and no nights, and the server records the consent', async () => {
    const before = await getJson<Channels>(page.request, '/api/me/notices/channels');
    expect(before.sms.on).toBe(false);
    const sms = page.getByTestId('notices-sms-switch');
    await expect.poll(() => page.getByTestId('notices-sms').textContent()).toContain(`短信提醒（每天最多 ${before.sms.dailyCap} 条，晚上不发）`);
    await sms.tap();
    await page.getByText('已保存').waitFor({ timeout: UI_TIMEOUT });
    expect(await sms.isChecked()).toBe(true);
    const after = await getJson<Channels>(page.request, '/api/me/notices/channels');
    expect(after.sms).toMatchObject({ on: true, consentAt: expect.any(String) });
    await expect.poll(() => page.getByTestId('notices-sms').textContent()).toContain('同意了接收短信');

    await sms.tap();
    await expect.poll(async () => (await getJson<Channels>(page.request, '/api/me/notices/channels')).sms.on).toBe(false);
    // the server can answer before the screen has taken its reply in
    await expect.poll(() => sms.isChecked(), { timeout: UI_TIMEOUT }).toBe(false);
  });

  it('3. in a browser with a PushManager the 本机通知 switch is offered instead', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const other = await context.newPage();
    other.setDefaultTimeout(UI_TIMEOUT);
    try {
      await other.goto('/m/notices');
      await phoneLogin(other, MEMBER_PHONE, server.password);
      await other.getByRole('heading', { name: '通知方式', level: 1 }).waitFor();
      const hasPushManager = await other.evaluate(() => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && Notification.permission !== 'denied');
      if (hasPushManager) {
        await other.getByTestId('notices-push-switch').waitFor({ state: 'attached' });
        expect(await other.getByTestId('notices-push-why').count()).toBe(0);
      } else {
        // a headless build without push: the plain sentence, never a switch that cannot work
        await expect.poll(() => other.getByTestId('notices-push-why').textContent()).toContain('不能接收本机通知');
      }
    } finally {
      await context.close();
    }
  });
});
