/**
 * Forms in drawers and modals do not throw typed-in work away without asking: Esc, a click outside
 * or the close button on a changed form asks 放弃未保存的内容？; 继续填写 keeps the text, 放弃 closes.
 * An untouched form closes at once.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const QUESTION = '放弃未保存的内容？';

describe('closing a changed form asks first', () => {
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

  /** The question, once it is on the screen. */
  const question = (): Locator => page.locator('.ant-modal-confirm').filter({ hasText: QUESTION });

  /**
   * Answers the question once it has stopped zooming in (a click while the dialog still grows can
   * land beside the button on a slow machine), then waits for it to go.
   */
  async function answer(button: '继续填写' | '放弃'): Promise<void> {
    const dialog = question();
    await dialog.waitFor();
    await expect
      .poll(() => dialog.evaluate((el) => el.getAnimations({ subtree: true }).length === 0 && !/ant-zoom/.test(el.className)))
      .toBe(true);
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** The meeting form, opened afresh and filled in by the form itself (its start defaults to tomorrow). */
  async function openMeetingForm(): Promise<Locator> {
    await page.getByTestId('new-session').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建课程会议' });
    await drawer.waitFor();
    await expect.poll(() => drawer.getByTestId('session-start').inputValue()).not.toBe('');
    return drawer;
  }

  it('1. an untouched meeting form closes on Esc without asking', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-sessions').click();
    const drawer = await openMeetingForm();
    await drawer.getByTestId('session-title').focus();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await question().count()).toBe(0);
  });

  it('2. Esc on a half-filled meeting form asks; 继续填写 keeps the text, 放弃 closes', async () => {
    const drawer = await openMeetingForm();
    const title = drawer.getByTestId('session-title');
    await title.fill('流动党员云课堂 · 三月');
    await page.keyboard.press('Escape');
    await answer('继续填写');
    expect(await drawer.isVisible()).toBe(true);
    expect(await title.inputValue()).toBe('流动党员云课堂 · 三月');

    await title.focus();
    await page.keyboard.press('Escape');
    await answer('放弃');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('3. opened again, the form is empty and closes at once; the close button on a changed form asks too', async () => {
    const drawer = await openMeetingForm();
    expect(await drawer.getByTestId('session-title').inputValue()).toBe('');
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    expect(await question().count()).toBe(0);

    const again = await openMeetingForm();
    await again.getByTestId('session-agenda').fill('一、学习；二、交流');
    await again.getByRole('button', { name: '取消', exact: true }).click();
    await answer('放弃');
    await again.waitFor({ state: 'hidden' });
  });

  it('4. a click outside a changed member form asks; 放弃 closes it', async () => {
    await page.goto('/members');
    await page.getByRole('button', { name: '新增党员' }).click();
    const modal = page.getByRole('dialog').filter({ hasText: '新增党员' });
    await modal.waitFor();
    await modal.getByLabel('姓名').fill('欧阳明远');
    // the dimmed page around the dialog, well away from it
    await page.mouse.click(10, 790);
    await answer('继续填写');
    expect(await modal.getByLabel('姓名').inputValue()).toBe('欧阳明远');
    await modal.getByLabel('姓名').focus();
    await page.keyboard.press('Escape');
    await answer('放弃');
    await modal.waitFor({ state: 'hidden' });
  });

  it('5. text typed into the article editor counts as a change', async () => {
    await page.getByTestId('nav-study').click();
    await page.getByTestId('new-study-item').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建学习资料' });
    await drawer.waitFor();
    await drawer.getByTestId('study-body').click();
    await page.keyboard.type('学习笔记');
    await page.keyboard.press('Escape');
    await answer('继续填写');
    expect(await drawer.getByTestId('study-body').innerText()).toBe('学习笔记');
    await drawer.getByTestId('study-body').click();
    await page.keyboard.press('Escape');
    await answer('放弃');
    await drawer.waitFor({ state: 'hidden' });
  });
});
