/**
 * The audit page reads as words, and a page someone may not open says so: the tenant admin changes
 * a member's occupation and finds it on the audit page as 修改党员信息 with the member's name and the
 * field in Chinese; a branch secretary who opens /audit sees 没有权限 (a way back included), while
 * a path that is no page at all still says 页面不存在.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const ADMIN_PHONE = '13800000009';
const BRANCH_SECRETARY_PHONE = '13800000001';
const OCCUPATION = '合作社会计';

describe('the audit page in words; no permission is not "not found"', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminContext: BrowserContext | undefined;
  let adminPage: Page | undefined;
  let secretaryPage: Page | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });
  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });
  skipAfterFirstFailure(() => ({ admin: adminPage, secretary: secretaryPage }));

  it("shows the tenant admin's change as 修改党员信息 on the member's name, the field in Chinese", async () => {
    ({ context: adminContext, page: adminPage } = await openConsole(browser, server.baseUrl));
    await consoleLogin(adminPage, ADMIN_PHONE, server.password);
    // The change is made through the API (the page's own form is another story's subject); a fresh
    // sign-in in the same browser gives the CSRF token the write needs.
    const signIn = await adminContext.request.post('/api/auth/login', { data: { phone: ADMIN_PHONE, password: server.password } });
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const members = await getJson<{ items: { id: string; name: string }[] }>(adminContext.request, '/api/members?pageSize=5');
    const member = members.items[0];
    if (!member) throw new Error('the demo has no members');
    const patched = await adminContext.request.patch(`/api/members/${member.id}`, { headers: { 'x-csrf-token': csrfToken }, data: { occupation: OCCUPATION } });
    expect(patched.status(), await patched.text()).toBe(200);

    await adminPage.goto('/audit');
    const table = adminPage.getByTestId('audit-table');
    const row = table.locator('tr', { hasText: OCCUPATION }).first();
    await row.waitFor();
    await expect(row.getByTestId('audit-action').textContent()).resolves.toBe('修改党员信息');
    await expect(row.getByTestId('audit-object').textContent()).resolves.toBe(member.name);
    expect(await row.textContent()).toContain(`职业：`);
    expect(await row.textContent()).not.toMatch(/member\.update|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('tells a branch secretary at /audit 没有权限 with a way back, and an unknown path 页面不存在', async () => {
    ({ page: secretaryPage } = await openConsole(browser, server.baseUrl));
    await consoleLogin(secretaryPage, BRANCH_SECRETARY_PHONE, server.password);
    await secretaryPage.goto('/audit');
    await secretaryPage.getByText('没有权限', { exact: true }).waitFor();
    expect(await secretaryPage.getByText('页面不存在').count()).toBe(0);
    await secretaryPage.getByRole('button', { name: /返回/ }).click();
    await secretaryPage.getByRole('heading', { name: '工作概览' }).waitFor();

    await secretaryPage.goto('/no-such-page');
    await secretaryPage.getByText('页面不存在', { exact: true }).waitFor();
    expect(await secretaryPage.getByText('没有权限').count()).toBe(0);
  });
});
