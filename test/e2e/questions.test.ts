/**
 * 有问必答 through the real server in Chromium: the demo's mobile member (13800000003, 第一党支部)
 * asks a question on a phone in WeChat, allowing it to be published; the branch secretary
 * (13800000001) finds it in the console's 有问必答 and answers it in the drawer, beside the member's
 * unit and whether they are away; back on the phone, 首页 says an answer waits, the question shows
 * the answer, and opening it marks it seen (the line on 首页 goes). The secretary then puts it, edited,
 * into the branch's FAQ and publishes it; the member reads it under 常见问答.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';
const SECRETARY_PHONE = '13800000001';
const QUESTION = '我在外地打工，孩子明年要在老家上小学，支部能帮忙问问入学需要准备什么材料吗？';
const FAQ_QUESTION = '孩子在老家上小学，入学要准备什么材料？';
const DRAFT = '村里的党员活动室晚上能开放吗？我下班回来想去看看学习材料。';
const ANSWER = '已经帮您问了村小：带户口本和预防接种证，8 月底前报名。有变化再告诉您。';

interface MyQuestions {
  items: { id: string; body: string; status: string; answerUnseen: boolean; publishable: boolean }[];
}

describe('a member asks on the phone; the secretary answers in the console; the member reads the answer', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page | undefined;
  let desk: Page | undefined;
  let questionId = '';

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

  it('1. the member asks a question that may be published, from 我的 → 我的提问', async () => {
    phone = (await openPhone(browser, server.baseUrl)).page;
    await phone.goto('/m/me');
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByTestId('me-questions').tap();
    await phone.getByTestId('q-tab-ask').tap();
    await expectAccessible(phone, 'the ask form');
    // an empty question is refused on the phone, in words
    await phone.getByTestId('q-send').tap();
    await phone.getByTestId('q-body-error').waitFor();
    await phone.getByTestId('q-body').fill(QUESTION);
    await phone.getByTestId('q-public').check();
    await phone.getByTestId('q-send').tap();
    await phone.getByTestId('q-mine').waitFor();
    await phone.getByText(QUESTION).waitFor();
    const mine = await getJson<MyQuestions>(phone.request, '/api/me/questions');
    const asked = mine.items.filter((q) => q.body === QUESTION);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ status: 'open', publishable: true, answerUnseen: false });
    questionId = asked[0]?.id ?? '';
    await expectAccessible(phone, 'my questions');
  });

  it('2. the branch secretary answers it in the console', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.getByTestId('nav-questions').click();
    await desk.getByTestId('questions-table').waitFor();
    await desk.getByTestId(`question-status-${questionId}`).waitFor();
    expect(await desk.getByTestId(`question-status-${questionId}`).textContent()).toBe('待回复');
    await desk.getByTestId(`question-open-${questionId}`).click();
    const drawer = desk.getByTestId('question-drawer');
    await drawer.getByTestId('question-body').getByText(QUESTION).waitFor();
    await drawer.getByText('流动党员').waitFor();
    await drawer.getByTestId('question-answer-input').fill(ANSWER);
    await drawer.getByTestId('question-answer-send').click();
    await drawer.getByTestId('question-answer').getByText(ANSWER).waitFor();
    // answered and publishable: it may now join the FAQ
    await drawer.getByTestId('question-to-faq').waitFor();
  });

  it('3. the member sees on 首页 that an answer waits, reads it, and the line goes', async () => {
    const page = phone as Page;
    await page.goto('/m/');
    // the whole card is the link: a tap target at least 44 px tall
    const line = await page.getByTestId('home-question-answered').boundingBox();
    expect(line?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(line?.width ?? 0).toBeGreaterThan(280);
    await page.getByTestId('home-question-answered').tap();
    await page.getByTestId('q-detail').waitFor();
    await page.getByTestId('q-answer').getByText(ANSWER).waitFor();
    await expectAccessible(page, 'the answered question');
    await expect
      .poll(async () => (await getJson<MyQuestions>(page.request, '/api/me/questions')).items.find((q) => q.id === questionId)?.answerUnseen)
      .toBe(false);
    await page.goto('/m/');
    await page.locator('#me-name').waitFor();
    await expect.poll(() => page.getByTestId('home-question-answered').count()).toBe(0);
  });

  it('4. the secretary puts it, edited, into the FAQ and publishes it; the member reads it under 常见问答', async () => {
    const page = desk as Page;
    const drawer = page.getByTestId('question-drawer');
    await drawer.getByTestId('question-to-faq').click();
    await page.getByTestId('faq-question').fill(FAQ_QUESTION);
    await page.locator('#faq-save').click();
    await drawer.getByText('已加入常见问答').waitFor();
    await page.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByTestId('faq-tab').click();
    const row = page.getByTestId('faq-table').locator('tr', { hasText: FAQ_QUESTION });
    await row.locator('[data-testid^=faq-publish-]').click();
    await row.getByText('已发布').waitFor();

    const member = phone as Page;
    await member.goto('/m/questions');
    await member.getByTestId('q-tab-faq').tap();
    await member.getByTestId('q-faq').getByText(FAQ_QUESTION).waitFor();
  });

  it('5. a question being typed is kept on the phone; without signal it waits on 待发送 as 提问 with its first words, then goes once', async () => {
    const page = phone as Page;
    await page.goto('/m/questions');
    await page.getByTestId('q-tab-ask').tap();
    await page.getByTestId('q-body').fill(DRAFT);
    // leaving the form and starting the app again lose nothing
    await page.getByTestId('q-tab-mine').tap();
    await page.reload();
    await page.getByTestId('q-tab-ask').tap();
    expect(await page.getByTestId('q-body').inputValue()).toBe(DRAFT);

    await page.context().setOffline(true);
    await page.getByTestId('q-send').tap();
    await page.getByText('没有信号，问题已保存在手机上，有信号时自动发送').waitFor();
    await page.evaluate(() => {
      history.pushState(null, '', '/m/outbox');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    const entry = page.getByTestId('outbox-waiting').locator('[data-kind="ask-question"]');
    await entry.locator('strong', { hasText: '提问' }).waitFor();
    await entry.getByText(DRAFT.slice(0, 30)).waitFor();

    await page.context().setOffline(false);
    await expect
      .poll(async () => (await getJson<MyQuestions>(page.request, '/api/me/questions')).items.filter((q) => q.body === DRAFT).length, { timeout: 20_000 })
      .toBe(1);
    // sent: the form starts empty again
    await page.goto('/m/questions');
    await page.getByTestId('q-tab-ask').tap();
    expect(await page.getByTestId('q-body').inputValue()).toBe('');
  });

  it('6. 长辈模式: the view buttons stand one under the other, each the full width and taller', async () => {
    const page = phone as Page;
    await page.evaluate(() => localStorage.setItem('lx_member_elder', 'on'));
    await page.goto('/m/questions');
    await page.getByTestId('q-tab-mine').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
    const boxes = await Promise.all(['mine', 'ask', 'faq'].map(async (k) => page.getByTestId(`q-tab-${k}`).boundingBox()));
    const [mine, ask, faq] = boxes.map((b) => b ?? { x: 0, y: 0, width: 0, height: 0 });
    expect(ask?.x).toBe(mine?.x);
    expect(faq?.y ?? 0).toBeGreaterThan((ask?.y ?? 0) + (ask?.height ?? 0) - 1);
    expect(mine?.height ?? 0).toBeGreaterThanOrEqual(64);
    await expectAccessible(page, '有问必答 in 长辈模式');
    await page.evaluate(() => localStorage.removeItem('lx_member_elder'));
  });
});
