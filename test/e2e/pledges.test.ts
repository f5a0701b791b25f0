/**
 * 四个一承诺 through the real server in Chromium: the demo's mobile member (13800000003, 第一党支部)
 * opens 我的 → 四个一承诺 on a phone in WeChat, writes the four pledges (each kind with its plain
 * explanation) and sends them; the branch secretary (13800000001) finds them in the console's
 * 四个一承诺, assigns the suggestion's follow-up to the mentor (13800000002) by a due day and records
 * it as 已办结 with a note; back on the phone, the suggestion shows who followed it up and its
 * outcome, and it can no longer be changed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';
const SECRETARY_PHONE = '13800000001';
const FOLLOW_UP_PHONE = '13800000002';
const PLEDGES = {
  suggestion: '建议村里在村道急弯处装一面反光镜，晚上骑车回家更安全',
  wealth_tip: '苏州的超市收购本地土鸡蛋，每周可以统一发一车',
  good_deed: '国庆回村时帮五保户检查一遍家里的电线',
  job_help: '帮村里一户介绍到我所在的电子厂做质检员',
} as const;
const NOTE = '反光镜已由村委会安装';

interface MyPledges {
  period: { open: boolean };
  pledges: { id: string; kind: string; body: string; outcome: string; editable: boolean; followUp: { name: string } | null }[];
}

describe('a member makes the four pledges on a phone; the secretary follows one up and records it done; the member sees the outcome', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page | undefined;
  let desk: Page | undefined;
  let suggestionId = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone, console: desk }));

  it('1. the member writes the four pledges from 我的 → 四个一承诺 and sends them', async () => {
    phone = (await openPhone(browser, server.baseUrl)).page;
    await phone.goto('/m/me');
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByTestId('me-pledges').tap();
    await phone.getByTestId('pledges-form').waitFor();
    // each kind is explained in plain words
    await phone.getByText('对村里发展的一个好点子').waitFor();
    await expectAccessible(phone, 'the pledges form');
    for (const [kind, text] of Object.entries(PLEDGES)) await phone.getByTestId(`pledge-${kind}`).fill(text);
    await phone.getByTestId('pledges-send').tap();
    await phone.getByText('承诺已提交').waitFor();
    const mine = await getJson<MyPledges>(phone.request, '/api/me/pledges');
    expect(mine.period.open).toBe(true);
    expect(mine.pledges.map((p) => [p.kind, p.body])).toEqual(Object.entries(PLEDGES));
    expect(mine.pledges.every((p) => p.outcome === 'pending' && p.editable)).toBe(true);
    suggestionId = mine.pledges.find((p) => p.kind === 'suggestion')?.id ?? '';
    expect(await phone.getByTestId('pledge-outcome-suggestion').textContent()).toContain('等待跟进');
  });

  it('2. the branch secretary assigns the suggestion’s follow-up and records it done', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.getByTestId('nav-pledges').click();
    await desk.getByTestId('pledges-table').waitFor();
    await desk.getByTestId(`pledge-open-${suggestionId}`).click();
    const drawer = desk.getByTestId('pledge-drawer');
    await drawer.getByTestId('pledge-body').getByText(PLEDGES.suggestion).waitFor();
    await drawer.getByText('外出').waitFor();
    // who follows it up: a member of the branch, found by phone
    await drawer.locator('#pledge-follow-member').click();
    await drawer.locator('#pledge-follow-member').fill(FOLLOW_UP_PHONE);
    await desk.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: FOLLOW_UP_PHONE }).first().click();
    await drawer.getByTestId('pledge-assign').click();
    await desk.getByText('已指派跟进').waitFor();
    // the outcome
    await drawer.getByTestId('pledge-outcome-select').click();
    await desk.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '已办结' }).click();
    await drawer.getByTestId('pledge-outcome-note').fill(NOTE);
    await drawer.getByTestId('pledge-record').click();
    await desk.getByText('结果已记录').waitFor();
    expect(await drawer.getByTestId('pledge-outcome').textContent()).toBe('已办结');
    // the figures count it as real
    await desk.goto('/pledges?tab=stats');
    await desk.getByTestId('pledges-chart').waitFor();
    expect(await desk.getByTestId('pledges-stat-real').textContent()).toMatch(/[1-9]/);
  });

  it('3. the member sees who followed it up and the outcome; the suggestion can no longer be changed', async () => {
    const p = phone as Page;
    await p.goto('/m/pledges');
    await p.getByTestId('pledge-outcome-suggestion').getByText('已办结').waitFor();
    await p.getByTestId('pledge-status-suggestion').getByText(NOTE).waitFor();
    await p.getByTestId('pledge-status-suggestion').getByText('跟进人').waitFor();
    expect(await p.getByTestId('pledge-suggestion').count()).toBe(0);
    expect(await p.getByTestId('pledge-text-suggestion').textContent()).toBe(PLEDGES.suggestion);
    await expectAccessible(p, 'the pledges with an outcome');
  });
});
