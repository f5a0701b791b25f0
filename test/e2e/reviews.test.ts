/**
 * 季度一评议 through the real server in Chromium: the secretary of 第一党支部 (13800000001) opens this
 * quarter's review of the branch's mobile members in the console; the demo's mobile member
 * (13800000003) sees on 首页 that a self-summary is due and writes it on a phone in WeChat; the
 * secretary sees it beside the evidence, closes the summaries, scores every member, comments and
 * publishes; the member sees the total, each item and the comment on the phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000001';
const MEMBER_PHONE = '13800000003';
const SUMMARY = '本季度在苏州工地上坚持参加线上党课，缺的一次已经补学；给村里提了修路的建议。';
const COMMENT = '在外坚持学习，积极为家乡建言，望继续保持。';

describe('the secretary opens a quarterly review; a mobile member writes the self-summary on a phone; the secretary scores and publishes; the member sees the result', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: Page;
  let phone: Page;
  let roundUrl = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    desk = (await openConsole(browser, server.baseUrl)).page;
    phone = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ desk, phone }));

  it('1. the secretary opens this quarter’s review of 第一党支部 from 季度评议', async () => {
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    const orgs = await getJson<{ items: { id: string; name: string }[] }>(desk.request, '/api/orgs');
    const branch = orgs.items.find((o) => o.name === '第一党支部');
    expect(branch).toBeDefined();
    await desk.getByTestId('nav-reviews').click();
    await desk.getByRole('heading', { name: '季度评议' }).waitFor();
    await desk.goto(`/reviews?orgId=${branch?.id ?? ''}`);
    await desk.getByTestId('review-open').click();
    const dialog = desk.getByRole('dialog', { name: '开启季度评议' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '开启评议' }).click();
    await desk.getByTestId('round-title').waitFor();
    expect(await desk.getByTestId('round-title').textContent()).toContain('第一党支部');
    expect(await desk.getByTestId('review-status').getAttribute('data-status')).toBe('open');
    roundUrl = new URL(desk.url()).pathname;
    expect(roundUrl).toMatch(/^\/reviews\/[0-9a-f-]{36}$/);
    // the evidence beside 组织生活, and what does not exist yet said as such
    const cards = desk.getByTestId('review-entry');
    expect(await cards.count()).toBeGreaterThan(0);
    expect(await cards.first().getByTestId('evidence-classes').textContent()).toMatch(/参加 \d+ 次 · 补学 \d+ 次 · 缺课 \d+ 次/);
    expect(await cards.first().getByTestId('evidence-pledges').textContent()).toMatch(/承诺践诺 \d+/);
    // when the records were gathered, in China time whatever the computer's zone or locale
    expect(await desk.getByText(/记录汇总于/).first().textContent()).toMatch(/记录汇总于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });

  it('2. on the phone, 首页 says a self-summary is due; the member writes it and sends it', async () => {
    await phone.goto('/m/');
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByTestId('home-review').waitFor();
    expect(await phone.getByTestId('home-review').textContent()).toContain('请写自我小结');
    await phone.getByTestId('home-review').tap();
    await phone.getByRole('heading', { level: 1, name: '季度评议' }).waitFor();
    await phone.getByTestId('review-summary').fill(SUMMARY);
    // kept on the phone while written: a reload keeps it
    await phone.reload();
    await phone.getByTestId('review-summary').waitFor();
    expect(await phone.getByTestId('review-summary').inputValue()).toBe(SUMMARY);
    await phone.getByTestId('review-summary-send').tap();
    await phone.getByTestId('review-summary-sent').waitFor();
    await expectAccessible(phone, '季度评议');
  });

  it('3. the secretary sees the summary, closes the summaries, scores every member, comments and publishes', async () => {
    await desk.goto(roundUrl);
    const mine = desk.getByTestId('review-entry').filter({ hasText: SUMMARY });
    await mine.waitFor();
    await desk.getByTestId('review-start-scoring').click();
    await desk.getByRole('button', { name: '确定' }).click();
    await desk.getByTestId('review-status').and(desk.locator('[data-status="scoring"]')).waitFor();
    const cards = desk.getByTestId('review-entry');
    const n = await cards.count();
    // progress out of the round's members, and why 公布结果 waits
    expect(await desk.getByTestId('round-submitted').textContent()).toMatch(new RegExp(`^已交小结 [1-9]\\d* / ${n}$`));
    expect(await desk.getByTestId('round-scored').textContent()).toBe(`已评分 0 / ${n}`);
    expect(await desk.getByTestId('review-publish-waits').textContent()).toContain(`还有 ${n} 名党员未评完`);
    expect(await desk.getByTestId('review-publish').isDisabled()).toBe(true);
    for (let i = 0; i < n; i++) {
      const inputs = cards.nth(i).getByRole('spinbutton');
      const m = await inputs.count();
      for (let j = 0; j < m; j++) {
        await inputs.nth(j).fill('12');
        await inputs.nth(j).press('Tab');
        await expect.poll(() => inputs.nth(j).isEnabled()).toBe(true);
      }
      await expect.poll(async () => (await cards.nth(i).getByTestId('entry-total').textContent()) ?? '').toContain(`总分 ${12 * m}`);
    }
    await mine.getByTestId('entry-comment').fill(COMMENT);
    await mine.getByTestId('entry-comment-save').click();
    await expect.poll(() => mine.getByTestId('entry-comment-save').isDisabled()).toBe(true);
    await expect.poll(() => desk.getByTestId('review-publish').isEnabled()).toBe(true);
    expect(await desk.getByTestId('round-scored').textContent()).toBe(`已评分 ${n} / ${n}`);
    expect(await desk.getByTestId('review-publish-waits').count()).toBe(0);
    await desk.getByTestId('review-publish').click();
    await desk.getByRole('button', { name: '确定' }).click();
    await desk.getByTestId('review-status').and(desk.locator('[data-status="published"]')).waitFor();
  });

  it('4. the member sees the result: the total, each item and the comment', async () => {
    await phone.goto('/m/review');
    await phone.getByRole('heading', { level: 1, name: '季度评议' }).waitFor();
    const result = phone.getByTestId('review-result').filter({ hasText: COMMENT });
    await result.waitFor();
    expect(await result.getByTestId('review-total').textContent()).toBe('总分 60 分');
    expect(await result.textContent()).toContain('组织生活');
    expect(await result.textContent()).toContain('12 / 30');
    // the self-summary is no longer asked for
    expect(await phone.getByTestId('review-summary').count()).toBe(0);
    await expectAccessible(phone, '季度评议结果');
  });

  it('5. in 长辈模式 the result reads in 24 px text: an item and its score wrap rather than squeeze, in black lines', async () => {
    await phone.evaluate(() => localStorage.setItem('lx_member_elder', 'on'));
    await phone.setViewportSize({ width: 320, height: 640 });
    await phone.reload();
    const item = phone.getByTestId('review-result').filter({ hasText: COMMENT }).locator('.review-item').first();
    await item.waitFor();
    const style = await item.evaluate((el) => {
      const s = getComputedStyle(el);
      return { wrap: s.flexWrap, border: s.borderBottomWidth, color: s.borderBottomColor, size: getComputedStyle(el.querySelector('dd') as Element).fontSize };
    });
    expect(style).toEqual({ wrap: 'wrap', border: '2px', color: 'rgb(0, 0, 0)', size: '24px' });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectAccessible(phone, '季度评议结果 in 长辈模式', { enhancedContrast: true });
    await phone.evaluate(() => localStorage.removeItem('lx_member_elder'));
  });
});
