/**
 * What 值守 shows when a call fails, through the real server in Chromium (the failing answers are
 * put in the browser's way, the server is untouched):
 *  - the console: the secretary's roster list that could not be read says why with 重试 (not "no
 *    rosters"), and 重试 reads it once the server answers;
 *  - the phone: a sign-up refused shows the refusal on the card tapped, not at the top of the screen.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const MEMBER_PHONE = '13800000003';

const refuse = (message: string, status = 403) => (route: Route) =>
  route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ error: status === 403 ? 'forbidden' : 'conflict', message }) });

/** The console's roster list (without a filter). */
const rosters = (url: URL) => url.pathname === '/api/duty/rosters';

describe('值守 says what failed where it failed', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: Page | undefined;
  let phone: Page | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: desk, phone }));

  it('1. the console’s roster list that could not be read says why, and 重试 reads it', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.route(rosters, refuse('测试：暂时读不到值守安排'));
    await desk.getByTestId('nav-duty').click();
    const failed = desk.getByTestId('duty-rosters-failed');
    await failed.getByText('测试：暂时读不到值守安排').waitFor();
    expect(await desk.getByTestId('duty-rosters').count()).toBe(0);
    await desk.unroute(rosters);
    await failed.getByRole('button', { name: /重试/ }).click();
    await desk.getByTestId('duty-rosters').getByText('村委会防汛值守').waitFor();
    expect(await desk.getByTestId('duty-rosters-failed').count()).toBe(0);
  });

  it('2. on the phone a refused sign-up shows on the card tapped', async () => {
    phone = (await openPhone(browser, server.baseUrl)).page;
    await phone.goto('/m/duty');
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByRole('heading', { name: '可以报名的班次' }).waitFor();
    const duty = await getJson<{ open: { shiftId: string }[] }>(phone.request, '/api/me/duty');
    const [first, second] = duty.open;
    expect(first && second).toBeTruthy();
    await phone.route(/\/api\/me\/duty\/shifts\/[^/]+\/signup$/, refuse('测试：这个班次已满', 409));
    const tapped = phone.getByTestId(`duty-open-${first?.shiftId}`);
    await tapped.getByTestId('duty-signup').tap();
    await tapped.getByRole('alert').getByText('测试：这个班次已满').waitFor();
    // only there: not on another card, not at the top of the screen
    expect(await phone.getByText('测试：这个班次已满').count()).toBe(1);
    expect(await phone.getByTestId(`duty-open-${second?.shiftId}`).getByRole('alert').count()).toBe(0);
  });
});
