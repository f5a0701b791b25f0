/**
 * SMS through the real server in Chromium: before any provider is set up the member app's login
 * offers no SMS code; the administrator turns on the local test sink on 通知渠道 → 短信服务 and
 * sends a test message; the member's login screen (a phone in WeChat) then offers
 * 短信验证码登录, asks for a code, counts down before the next, refuses a wrong code in plain words
 * and leads back to the password.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, openPhone, skipAfterFirstFailure, startServerAndBrowser, UI_TIMEOUT } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const ADMIN_PHONE = '13800000009';
const MEMBER_PHONE = '13800000003';

describe('signing in with an SMS code', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Page;
  let phone: Page;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ admin, phone }));

  it('1. with no SMS provider the login screen offers no code', async () => {
    phone = (await openPhone(browser, server.baseUrl)).page;
    const methods = phone.waitForResponse((r) => r.url().endsWith('/api/auth/methods'));
    await phone.goto('/m/');
    expect(await (await methods).json()).toEqual({ smsCode: false });
    await phone.getByLabel('密码').waitFor();
    expect(await phone.getByTestId('sms-login-offer').count()).toBe(0);
  });

  it('2. the administrator turns on the local test sink on 短信服务 and a test message goes out', async () => {
    admin = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(admin, ADMIN_PHONE, server.password);
    await admin.goto('/channels?tab=sms');
    await admin.getByTestId('sms-settings').waitFor();
    await expect.poll(() => admin.getByTestId('sms-active').textContent()).toBe('未启用');
    await admin.getByText('本地测试通道（不真正发送，仅供开发和演示）').click();
    await admin.getByTestId('sms-enabled').click();
    await admin.getByTestId('sms-save').click();
    await admin.getByText('短信服务设置已保存').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => admin.getByTestId('sms-active').textContent()).toBe('正在使用');
    // The key is never sent back to the page.
    const settings = await getJson<Record<string, unknown>>(admin.request, '/api/notify/sms');
    expect(settings).not.toHaveProperty('secret');

    await admin.getByTestId('sms-test').click();
    await expect.poll(() => admin.getByTestId('sms-test-answer').textContent()).toContain('测试短信已发往 138****0009');
  });

  it('3. the member asks for a code on the phone and waits a minute before the next', async () => {
    const methods = phone.waitForResponse((r) => r.url().endsWith('/api/auth/methods'));
    await phone.reload();
    expect(await (await methods).json()).toEqual({ smsCode: true });
    await phone.getByTestId('sms-login-offer').tap();
    await phone.getByRole('heading', { name: '短信验证码登录', level: 1 }).waitFor();
    await phone.getByLabel('手机号').fill(MEMBER_PHONE);
    await phone.getByTestId('sms-get-code').tap();
    await phone.getByText('如果该手机号已开通，验证码已发送').waitFor();
    await expect.poll(() => phone.getByTestId('sms-get-code').textContent()).toMatch(/^\d+ 秒后可重新获取$/);
    expect(await phone.getByTestId('sms-get-code').isDisabled()).toBe(true);
  });

  it('4. a wrong code is refused in plain words, and the password is one tap away', async () => {
    await phone.getByLabel('验证码').fill('000000');
    await phone.getByTestId('sms-sign-in').tap();
    await phone.getByText('验证码不正确或已过期，请重新获取').waitFor();
    await phone.getByRole('button', { name: '用密码登录' }).tap();
    await phone.getByLabel('密码').waitFor();
    // The offer appears once the login screen has asked the server again (GET /api/auth/methods).
    await phone.getByTestId('sms-login-offer').waitFor({ timeout: UI_TIMEOUT });
    expect(await phone.getByTestId('sms-login-offer').count()).toBe(1);
  });
});
