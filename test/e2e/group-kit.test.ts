/**
 * The WeChat group kit in the console, through the real server in Chromium: the village's
 * secretary opens a delivered push, clicks 发到微信群, reads the group text with its link, sees the
 * poster drawn in the browser, picks a branch's group and clicks 已发到群里; the kit then says who
 * marked it, and the push's per-channel report lists the branch among the groups sent to.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

interface PushList {
  items: { id: string; title: string; orgName: string }[];
}
interface Report {
  marks: { orgName: string; markedBy: string | null }[];
}

describe('the WeChat group kit of a push', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let push: PushList['items'][number];

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

  it('1. 发到微信群 shows the group text with the push\'s link and a poster', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    const list = await getJson<PushList>(page.request, '/api/pushes?status=delivered&pageSize=50');
    push = list.items.find((p) => p.orgName === '新桥村党总支') ?? (list.items[0] as PushList['items'][number]);
    expect(push).toBeDefined();
    await page.goto(`/pushes/${push.id}`);
    await page.getByTestId('open-group-kit').click();
    const text = page.getByTestId('group-kit-text');
    await expect.poll(() => text.inputValue()).toContain(`【每日学习】${push.title}`);
    const value = await text.inputValue();
    expect(value).toMatch(new RegExp(`请点击链接学习：${server.baseUrl.replace(/[.]/g, '\\.')}/m/(read/${push.id}/[0-9a-f-]+|study)\\?via=group`));
    expect(value).toContain('（不会操作的请联系');
    const poster = page.getByTestId('group-kit-poster');
    await poster.waitFor();
    const size = await poster.evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    expect(size).toEqual({ w: 750, h: 1334 });
    expect(await page.getByTestId('group-kit-save-poster').getAttribute('download')).toMatch(/\.png$/);
  });

  it('2. a branch\'s group is marked 已发到群里, and the report lists it', async () => {
    await page.getByTestId('group-kit-unit').click();
    await page.getByTitle('第一党支部', { exact: true }).click();
    await expect.poll(() => page.getByTestId('group-kit-text').inputValue()).toContain('【每日学习】');
    await page.getByTestId('group-kit-mark').click();
    await page.getByTestId('group-kit-marked').waitFor();
    expect(await page.getByTestId('group-kit-marked').textContent()).toContain('标记已发到群里');
    const report = await getJson<Report>(page.request, `/api/notify/report?sourceKind=push&sourceId=${push.id}`);
    expect(report.marks.map((m) => m.orgName)).toEqual(['第一党支部']);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('channel-report-marks').textContent()).toContain('第一党支部');
  });
});
