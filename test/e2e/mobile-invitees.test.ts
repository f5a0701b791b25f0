/**
 * Planning a class for mobile members only, as pushes can be sent to them: the meeting form offers
 * 只选流动党员 (every mobile member of the unit, counted before saving), and with 指定党员 adds a
 * whole unit's mobile members to the list in one step. The invitees the server records are exactly
 * those members.
 */
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

interface OrgList {
  items: { id: string; parentId: string | null; name: string; kind: string }[];
}
interface MemberListBody {
  items: { id: string; name: string; mobile: boolean }[];
  total: number;
}
interface SessionDetailBody {
  id: string;
  title: string;
  attendance: { memberId: string; mobile: boolean }[];
}

describe('a class for mobile members only', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    page = (await openConsole(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: page }));

  const api = (): APIRequestContext => page.request;
  const mobileOf = async (orgId: string): Promise<string[]> =>
    (await getJson<MemberListBody>(api(), `/api/members?orgId=${orgId}&mobile=true&pageSize=200`)).items.map((m) => m.id).sort();

  /** The meeting form, opened afresh with a title. */
  async function openMeetingForm(title: string): Promise<Locator> {
    await page.getByTestId('nav-sessions').click();
    await page.getByTestId('new-session').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建课程会议' });
    await drawer.waitFor();
    await expect.poll(() => drawer.getByTestId('session-start').inputValue()).not.toBe('');
    await drawer.getByTestId('session-title').fill(title);
    return drawer;
  }

  /** Saves the form and returns the planned meeting as the server has it (the console opens it). */
  async function save(drawer: Locator): Promise<SessionDetailBody> {
    await drawer.getByTestId('save-session').click();
    await page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/, { timeout: UI_TIMEOUT });
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    return getJson<SessionDetailBody>(api(), `/api/sessions/${id}`);
  }

  it('1. 只选流动党员 invites every mobile member of the unit, and says how many before saving', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    const orgs = await getJson<OrgList>(api(), '/api/orgs');
    // the form plans for the first unit the secretary sees unless another is picked
    const unit = orgs.items[0];
    if (!unit) throw new Error('the demo has no unit');
    const mobile = await mobileOf(unit.id);
    expect(mobile.length, 'the demo village has mobile members').toBeGreaterThan(0);
    const everyone = await getJson<MemberListBody>(api(), `/api/members?orgId=${unit.id}&pageSize=1`);
    expect(everyone.total).toBeGreaterThan(mobile.length);

    const drawer = await openMeetingForm('流动党员云课堂 · 仅流动党员');
    await drawer.getByRole('radio', { name: '只选流动党员' }).check();
    await expect.poll(() => drawer.getByTestId('session-mobile-count').innerText()).toContain(`现有 ${mobile.length} 名流动党员`);
    const planned = await save(drawer);
    expect(planned.attendance.map((a) => a.memberId).sort()).toEqual(mobile);
    expect(planned.attendance.every((a) => a.mobile)).toBe(true);
  });

  it("2. with 指定党员, one click adds a whole unit's mobile members to the list", async () => {
    const orgs = await getJson<OrgList>(api(), '/api/orgs');
    const root = orgs.items[0];
    // a unit under the first one that has mobile members of its own, but not all of the village's
    let group: { id: string; name: string; mobile: string[] } | null = null;
    for (const o of orgs.items.filter((u) => u.parentId !== null)) {
      const mobile = await mobileOf(o.id);
      if (mobile.length > 0 && root && mobile.length < (await mobileOf(root.id)).length) {
        group = { id: o.id, name: o.name, mobile };
        break;
      }
    }
    if (!group) throw new Error('no unit of the demo has some of the mobile members');

    const drawer = await openMeetingForm('小组流动党员交流会');
    await drawer.getByRole('radio', { name: '指定党员' }).check();
    const unitSelect = drawer.getByTestId('session-mobile-unit');
    await unitSelect.click();
    const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    await dropdown.waitFor();
    await page.keyboard.type(group.name);
    const option = dropdown.getByTitle(group.name, { exact: true });
    await option.click();
    // A click that lands while the list still moves (a loaded machine) is made again until the unit is chosen.
    await expect
      .poll(async () => {
        if ((await unitSelect.innerText()).includes(group.name)) return true;
        if (await option.isVisible()) await option.click();
        else {
          await unitSelect.click();
          await page.keyboard.type(group.name);
        }
        return false;
      })
      .toBe(true);
    await drawer.getByTestId('session-mobile-add').click();
    await page.getByText(`已添加 ${group.mobile.length} 名流动党员`).waitFor();
    // the picker shows them by name (with their unit when the list it has loaded names it)
    const names = (await getJson<MemberListBody>(api(), `/api/members?orgId=${group.id}&mobile=true&pageSize=200`)).items.map((m) => m.name);
    const picker = drawer.getByTestId('session-members');
    for (const name of names) await picker.locator('.ant-select-selection-item', { hasText: name }).first().waitFor();

    const planned = await save(drawer);
    expect(planned.attendance.map((a) => a.memberId).sort()).toEqual(group.mobile);
  });
});
