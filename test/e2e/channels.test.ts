/**
 * 通知渠道 in Chromium against the real server: the general branch's secretary adds 第二党支部's
 * 钉钉 group robot with a wrong signing secret (a fake 钉钉 on loopback that answers 310000), the
 * test button shows the service's refusal in plain Chinese, the channel health tab lists the robot
 * with that error, and the page reads in English after switching the language.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRobotServer, type FakeRobotServer } from '../../src/server/modules/notify/providers/robots/fake-robot-server.ts';
import { consoleLogin, openConsole, startServerAndBrowser, skipAfterFirstFailure, pickUnit } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const BRANCH = '第二党支部';
const ROBOT_NAME = '第二支部钉钉群';

describe('通知渠道: a group robot, its test message and channel health', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let fake: FakeRobotServer;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    fake = await startFakeRobotServer();
    ({ server, browser } = await startServerAndBrowser());
    page = (await openConsole(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
    await (fake as FakeRobotServer | undefined)?.close();
  });

  skipAfterFirstFailure(() => ({ console: page }));



  it('adds a 钉钉 robot, and its test shows the service’s refusal in Chinese', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-channels').click();
    await page.getByRole('heading', { name: '通知渠道' }).waitFor();

    await page.getByTestId('robot-add').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '添加群机器人' });
    await dialog.waitFor();
    await pickUnit(page, dialog.getByTestId('robot-org'), BRANCH);
    // The radio's input is hidden behind its button: click the button as a person does.
    await dialog.getByText('钉钉', { exact: true }).click();
    await expect.poll(() => dialog.getByRole('radio', { name: '钉钉' }).isChecked()).toBe(true);
    // The form says where 钉钉 shows the webhook and the signing secret.
    expect(await dialog.getByTestId('robot-where').innerText()).toContain('加签');
    await dialog.getByTestId('robot-name').fill(ROBOT_NAME);
    await dialog.getByTestId('robot-webhook').fill(`${fake.base}/sign/robot/send?access_token=TOKEN-e2e-9876`);
    await dialog.getByTestId('robot-secret').fill('SECwrong-secret');
    await page.getByTestId('robot-save').click();
    await dialog.waitFor({ state: 'hidden' });

    const table = page.getByTestId('robots-table');
    const row = table.locator('tr').filter({ hasText: ROBOT_NAME });
    await row.waitFor();
    expect(await row.innerText()).toContain('…9876');
    expect(await table.innerText()).not.toContain('TOKEN-e2e');

    await row.getByRole('button', { name: /发送测试/ }).click();
    const answer = page.getByRole('dialog').filter({ has: page.getByTestId('robot-test-answer') });
    await answer.waitFor();
    const text = await answer.innerText();
    expect(text).toContain('测试消息没有发出');
    expect(text).toContain('310000 签名不对：请检查加签密钥');
    expect(fake.requests.at(-1)?.query.get('sign')).toBeTruthy();
    await answer.getByRole('button').last().click();
    await answer.waitFor({ state: 'hidden' });
    await row.getByText('签名不对', { exact: false }).waitFor();
  });

  it('lists the robot and its error under 渠道健康, and reads in English', async () => {
    await page.getByTestId('tab-health').click();
    const robots = page.getByTestId('health-robot-table');
    const row = robots.locator('tr').filter({ hasText: ROBOT_NAME });
    await row.waitFor();
    expect(await row.innerText()).toContain('310000');
    expect(await row.innerText()).toContain('0/20');
    await page.getByTestId('health-outbox').waitFor();

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Notice channels' }).waitFor();
    await page.getByText('Channel health').first().waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '通知渠道' }).waitFor();
  });
});
