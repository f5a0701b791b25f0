/**
 * 联系不上的党员 through the real server in Chromium, clicked as a secretary would: the dashboard's
 * count opens the list; the list narrows to members without the member app; a member's page shows
 * the channels that reach them and records their SMS consent; the settings page shows the rules of
 * invitations and notices, quiet hours as times, and saves a new number of days.
 */
import fs from 'node:fs';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberReach, UnreachableList } from '../../src/shared/api-reach.ts';
import { UI_TIMEOUT, consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';

const WAIT = { timeout: UI_TIMEOUT };
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const ADMIN_PHONE = '13800000009';

/** The input of an antd time picker, whether the test id sits on the input or its wrapper. */
async function pickerInput(box: Locator): Promise<Locator> {
  const tag = await box.evaluate((e) => e.tagName);
  return tag === 'INPUT' ? box : box.locator('input');
}

describe('the secretary finds who no channel reaches, records a member’s SMS consent and sets the rules', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let first: UnreachableList['items'][number] | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    ({ page } = await openConsole(browser, server.baseUrl));
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    const s = server as RunningServer | undefined;
    if (s) {
      await s.stop();
      fs.rmSync(s.dataDir, { recursive: true, force: true });
    }
  });

  skipAfterFirstFailure(() => ({ console: page }));
  const api = (): APIRequestContext => page.request;

  it('1. the dashboard counts them and opens the list', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    // Every demo member uses the app: two new members of 第四党小组 have no login and no channel yet.
    const { csrfToken } = await getJson<{ csrfToken: string }>(api(), '/api/auth/me');
    const { items: orgs } = await getJson<{ items: { id: string; name: string }[] }>(api(), '/api/orgs');
    const group = orgs.find((o) => o.name === '第四党小组');
    expect(group).toBeDefined();
    const created: string[] = [];
    for (const [i, name] of ['联系甲', '联系乙'].entries()) {
      const res = await api().post('/api/members', {
        headers: { 'x-csrf-token': csrfToken },
        data: { name, gender: 'male', phone: `1390000666${i}`, status: 'full', orgId: group?.id },
      });
      expect(res.status(), await res.text()).toBe(200);
      created.push(((await res.json()) as { id: string }).id);
    }
    await page.reload();
    const all = await getJson<UnreachableList>(api(), '/api/reach/unreachable?pageSize=200');
    expect(all.items.map((r) => r.memberId).sort()).toEqual([...created].sort());
    first = all.items[0];
    const tile = page.getByTestId('stat-unreachable');
    await expect.poll(async () => (await tile.innerText()).replace(/\s+/g, ''), WAIT).toContain(String(all.total));
    await tile.click();
    await page.getByRole('heading', { name: '联系不上的党员' }).waitFor();
    await page.getByTestId('reach-table').waitFor();
    await page.getByTestId(`reach-missing-${first?.memberId}`).waitFor();
  });

  it('2. the list narrows to members without the member app', async () => {
    await page.getByTestId('reach-missing-filter').click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '未开通党员端' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('missing'), WAIT).toBe('app');
    const noApp = await getJson<UnreachableList>(api(), '/api/reach/unreachable?missing=app&pageSize=200');
    const tags = page.getByTestId('reach-table').locator('[data-missing="app"]');
    await expect.poll(() => tags.count(), WAIT).toBe(noApp.total);
    // each of them can be invited from here
    const row = noApp.items[0];
    expect(row).toBeTruthy();
    await page.getByTestId(`reach-invite-${row?.memberId}`).waitFor();
  });

  it('3. a member’s page shows the channels that reach them and records their SMS consent', async () => {
    const m = first as NonNullable<typeof first>;
    await page.getByTestId(`reach-open-${m.memberId}`).click();
    const panel = page.getByTestId('member-channels');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('member-reach-state').innerText(), WAIT).toBe('联系不上');
    await page.getByTestId('member-sms-consent').click();
    await page.getByText('已记录党员的短信意愿').waitFor();
    await expect.poll(async () => (await getJson<MemberReach>(api(), `/api/members/${m.memberId}/reach`)).sms.consent, WAIT).toBe(true);
    await expect.poll(() => page.getByTestId('member-sms-consent').getAttribute('aria-checked'), WAIT).toBe('true');
  });

  it('4. the settings page shows the invitation and notice rules; the administrator changes them', async () => {
    // the village's secretary reads the organization's rules
    await page.goto('/settings');
    await page.getByTestId('settings-read-only').waitFor();
    await expect.poll(async () => (await pickerInput(page.getByTestId('setting-quietHoursStart'))).inputValue(), WAIT).toBe('21:00');
    await expect.poll(async () => (await pickerInput(page.getByTestId('setting-quietHoursEnd'))).inputValue(), WAIT).toBe('08:00');
    await expect.poll(() => page.getByTestId('setting-unreachableDays').inputValue(), WAIT).toBe('14');

    // the administrator changes them
    const admin = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(admin, ADMIN_PHONE, server.password);
    await admin.goto('/settings');
    const days = admin.getByTestId('setting-unreachableDays');
    await days.fill('30');
    await admin.getByTestId('settings-save').click();
    await admin.getByText('已保存').waitFor();
    const saved = await getJson<{ unreachableDays: number; quietHoursStart: string; quietHoursEnd: string; smsDailyCap: number }>(admin.request, '/api/settings');
    expect(saved).toMatchObject({ unreachableDays: 30, quietHoursStart: '21:00', quietHoursEnd: '08:00', smsDailyCap: 3 });
  });
});
