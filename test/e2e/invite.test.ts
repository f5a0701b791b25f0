/**
 * Getting in by an invitation link, through the real server in Chromium: the secretary issues a
 * link for a new member; the member opens it on a phone in WeChat, sees their masked name and unit,
 * gives their birth date, chooses a password (记住这台手机 ticked) and lands on the home screen
 * signed in. 我的登录设备 then lists this phone in plain words; the used link says so in one sentence
 * with the secretary's number to call.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPhone, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const NEW_MEMBER_PHONE = '13912345678';

async function secretaryRequest(browser: Browser, server: RunningServer): Promise<{ context: BrowserContext; request: APIRequestContext; csrf: string }> {
  const context = await browser.newContext({ baseURL: server.baseUrl });
  const res = await context.request.post('/api/auth/login', { data: { phone: SECRETARY_PHONE, password: server.password } });
  expect(res.ok()).toBe(true);
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return { context, request: context.request, csrf };
}

describe('a member gets in by an invitation link', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let linkPath = '';

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

  it('1. the secretary issues a link for a new member', async () => {
    const { request, csrf, context } = await secretaryRequest(browser, server);
    const orgs = await getJson<{ items: { id: string; name: string }[] }>(request, '/api/orgs');
    const group = orgs.items.find((o) => o.name === '第一党小组');
    expect(group).toBeDefined();
    const created = await request.post('/api/members', {
      headers: { 'x-csrf-token': csrf },
      data: { name: '邀请新党员', gender: 'female', phone: NEW_MEMBER_PHONE, status: 'full', orgId: group?.id, birthDate: '1966-04-18' },
    });
    expect(created.ok(), await created.text()).toBe(true);
    const memberId = ((await created.json()) as { id: string }).id;
    const issued = await request.post(`/api/members/${memberId}/invitation`, { headers: { 'x-csrf-token': csrf } });
    expect(issued.ok(), await issued.text()).toBe(true);
    const link = ((await issued.json()) as { link: string }).link;
    expect(link.startsWith(`${server.baseUrl}/m/invite/`)).toBe(true);
    linkPath = new URL(link).pathname;
    await context.close();
  });

  it('2. the member opens it, proves who they are, chooses a password and is signed in', async () => {
    await page.goto(linkPath);
    await page.getByRole('heading', { name: '开通连心', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('invite-who').textContent()).toContain('邀***员同志，您好！');
    await expect.poll(() => page.getByTestId('invite-who').textContent()).toContain('第一党小组');
    expect(await page.getByTestId('remember-phone').isChecked()).toBe(true);

    await page.getByLabel('请选择您的出生日期').fill('1966-04-19');
    await page.getByLabel('设置密码').fill('my-own-password-1');
    await page.getByLabel('再输入一次密码').fill('my-own-password-1');
    await page.getByTestId('invite-submit').tap();
    await expect.poll(() => page.getByTestId('invite-answer-error').textContent()).toBe('答案不正确，还可以再试 4 次');

    await page.getByLabel('请选择您的出生日期').fill('1966-04-18');
    await page.getByTestId('invite-submit').tap();
    await page.locator('#today-title').waitFor();
    expect(new URL(page.url()).pathname).toBe('/m/');
    const me = await getJson<{ phone: string }>(page.request, '/api/auth/me');
    expect(me.phone).toBe(NEW_MEMBER_PHONE);
  });

  it('3. 我的登录设备 lists this phone in plain words', async () => {
    await page.getByTestId('tab-me').tap();
    await page.getByTestId('home-devices').tap();
    await page.getByRole('heading', { name: '我的登录设备', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('device-current').textContent()).toContain('微信 · 安卓手机');
    await expect.poll(() => page.getByTestId('device-current').textContent()).toContain('这台手机');
    await expect.poll(() => page.getByTestId('device-current').textContent()).toContain('已记住');
    expect(await page.getByText('只有这台手机登录着。').count()).toBe(1);
  });

  it('4. the used link says so in one sentence, with the secretary to call', async () => {
    await page.goto(linkPath);
    await expect.poll(() => page.getByTestId('invite-closed').textContent()).toBe('这个链接已经用过了。请直接用手机号和密码登录。');
    const call = page.getByTestId('invite-call');
    expect(await call.getAttribute('href')).toBe(`tel:${SECRETARY_PHONE}`);
  });
});
