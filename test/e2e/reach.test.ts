/**
 * Reaching a member, the whole path through the real server in Chromium, clicked as people would:
 * the general branch's secretary connects 第二党支部's 企业微信 group robot (a fake robot service on
 * loopback) on the 通知渠道 page, adds a new member of 第四党小组 and sends them an invitation; the
 * member opens it on a phone in WeChat, confirms the last 4 characters of their ID number, chooses
 * a password and lands on today. The secretary plans a push for the branch for now: the robot
 * receives one digest with the deep link, the member opens it, lands on the article and reads it
 * (on a second phone, signed out, the link asks to sign in first and then opens the same article),
 * and the push page shows what reached whom by channel beside the in-app opened and read.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeIdNumber } from '../../src/shared/id-number.ts';
import { clock } from '../../src/server/clock.ts';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, phoneLogin, startServerAndBrowser, skipAfterFirstFailure, pickUnit } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { chinaDay, chinaWallClock } from '../../src/shared/china-time.ts';

const SECRETARY_PHONE = '13800000000';
const BRANCH = '第二党支部';
const GROUP = '第四党小组';
const ROBOT_NAME = '第二党支部党员群';
const MEMBER = { name: '司徒海青', phone: '13900008801', idNumber: completeIdNumber('33021219850412317') };
const MEMBER_PASSWORD = 'qingshan-2468';
const PUSH_TITLE = '连心测试：学习二十届三中全会精神';
/**
 * The push is delivered by a job every 15 s and its notices sent by another every 5 s: the robot
 * hears of it within about 20 s, longer than a click's UI_TIMEOUT.
 */
const DELIVERY_TIMEOUT = 60_000;

// ---------- a fake 企业微信 robot service on loopback ----------

interface RobotPost {
  path: string;
  key: string | null;
  /** the markdown (or text) the robot would post to the group */
  content: string;
}

interface FakeRobot {
  webhook: string;
  posts: RobotPost[];
  close(): Promise<void>;
}

/** Records every POST and answers as 企业微信 does when a message is accepted. */
async function startFakeRobot(): Promise<FakeRobot> {
  const posts: RobotPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST') {
        let content = '';
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { markdown?: { content?: string }; text?: { content?: string } };
          content = body.markdown?.content ?? body.text?.content ?? '';
        } catch {
          content = '';
        }
        posts.push({ path: url.pathname, key: url.searchParams.get('key'), content });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    webhook: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=test`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------- times as the secretary sees them (China) ----------

const FIVE_MINUTES_MS = 5 * 60_000;
/** "HH:mm" in Asia/Shanghai, the push form's time picker's format (its day: chinaDay). */
const chinaClock = (ms: number): string => chinaWallClock(ms).toISOString().slice(11, 16);

/** Types into an antd date or time picker and confirms it with Enter. */
async function typePicker(input: Locator, text: string): Promise<void> {
  await input.click();
  await input.press('ControlOrMeta+a');
  await input.pressSequentially(text);
  await input.press('Enter');
  await expect.poll(() => input.inputValue(), { timeout: UI_TIMEOUT }).toBe(text);
}

// ---------- what the pages did wrong ----------

/** Page errors and Content-Security-Policy violations of every page of the story. */
const problems: string[] = [];

async function watch(page: Page, label: string): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`),
    );
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(`${label} ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => {
    problems.push(`${label} ${page.url()}: ${err.message}`);
    // told at once: a page that broke explains the step that fails next
    console.error(`page error (${label}): ${err.stack ?? err.message}`);
  });
}

// ---------- API reads with a page's session (the UI does the writes) ----------

interface RobotList {
  items: { id: string; orgId: string; name: string; kind: string; enabled: boolean; webhookMasked: string }[];
}
interface StudyItemList {
  items: { id: string; title: string; kind: string }[];
}
interface PushSummary {
  id: string;
  title: string;
  status: string;
}
interface ChannelReportBody {
  channels: { channel: string; queued: number; sent: number; delivered: number; failed: number; cancelled: number; opened: number }[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------- the story ----------

describe('a member is invited, reached through the branch’s 企业微信 group and reads the push', () => {
  let server: RunningServer;
  let browser: Browser;
  let robot: FakeRobot;
  let consolePage: Page;
  let phonePage: Page | undefined;
  let otherPhone: Page | undefined;

  // Shared by the steps, which run in order.
  let robotId = '';
  let memberId = '';
  let inviteLink = '';
  let item = { id: '', title: '' };
  let pushId = '';
  let deepLink = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    robot = await startFakeRobot();
    ({ server, browser } = await startServerAndBrowser());
    consolePage = (await openConsole(browser, server.baseUrl)).page;
    await watch(consolePage, 'console');
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
    await (robot as FakeRobot | undefined)?.close();
  });

  skipAfterFirstFailure(() => ({ console: consolePage, phone: phonePage, 'other-phone': otherPhone }));

  const api = (): APIRequestContext => consolePage.request;

  /** The open dropdown of an antd select (only one is open at a time). */
  const openDropdown = (): Locator => consolePage.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');


  /** The posts the robot received that carry the push's title. */
  const digestsOfPush = (): RobotPost[] => robot.posts.filter((p) => p.content.includes(PUSH_TITLE));

  it('1. the secretary connects 第二党支部’s 企业微信 group robot on 通知渠道, and its test message arrives', async () => {
    const page = consolePage;
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-channels').click();
    await page.getByRole('heading', { name: '通知渠道' }).waitFor();

    await page.getByTestId('robot-add').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '添加群机器人' });
    await dialog.waitFor();
    await pickUnit(consolePage, dialog.getByTestId('robot-org'), BRANCH);
    // 企业微信 is the first kind, chosen already; the form says where its app shows the webhook
    expect(await dialog.getByRole('radio', { name: '企业微信' }).isChecked()).toBe(true);
    await dialog.getByTestId('robot-where').waitFor();
    await dialog.getByTestId('robot-name').fill(ROBOT_NAME);
    await dialog.getByTestId('robot-webhook').fill(robot.webhook);
    await page.getByTestId('robot-save').click();
    await dialog.waitFor({ state: 'hidden' });

    const table = page.getByTestId('robots-table');
    await table.getByText(ROBOT_NAME, { exact: true }).waitFor();
    const robots = await getJson<RobotList>(api(), '/api/notify/robots');
    const saved = robots.items.find((r) => r.name === ROBOT_NAME);
    expect(saved).toMatchObject({ kind: 'wecom', enabled: true });
    robotId = saved?.id ?? '';
    // the webhook's key is never shown again: its host and last characters only
    expect(saved?.webhookMasked).not.toContain('key=test');
    expect(await table.innerText()).not.toContain(robot.webhook);

    // 测试: the fake service gets the test message and the console shows that it went out.
    await page.getByTestId(`robot-test-${robotId}`).click();
    const answer = page.getByRole('dialog').filter({ has: page.getByTestId('robot-test-answer') });
    await answer.waitFor();
    expect(await answer.innerText()).toContain('测试消息已发出');
    // (a notice of the demo's own daily push may come too when the test runs at its hour: only the test message counts here)
    const tests = robot.posts.filter((p) => p.content.includes('连心测试消息'));
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({ path: '/cgi-bin/webhook/send', key: 'test' });
    await answer.getByRole('button', { name: /^(OK|确\s?定|知道了)$/ }).click();
    await answer.waitFor({ state: 'hidden' });
  });

  it('2. the secretary adds a new member of 第四党小组, clicks 邀请开通 and reads the link from the dialog', async () => {
    const page = consolePage;
    await page.getByRole('menu', { name: '主菜单' }).getByRole('link', { name: '党员', exact: true }).click();
    await page.getByRole('heading', { name: '党员名册' }).waitFor();
    await page.getByRole('button', { name: '新增党员' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新增党员' });
    await dialog.waitFor();
    await dialog.getByLabel('姓名').fill(MEMBER.name);
    await dialog.getByLabel('手机号').fill(MEMBER.phone);
    await dialog.getByLabel('身份证号').fill(MEMBER.idNumber);
    const orgField = dialog.locator('.ant-form-item').filter({ has: page.locator('label', { hasText: /^所属组织$/ }) });
    await pickUnit(consolePage, orgField.locator('.ant-select').first(), GROUP);
    await dialog.getByRole('button', { name: /保\s*存/ }).click();

    // Saved, the member's own page opens: not yet in the member app.
    await page.getByRole('heading', { name: MEMBER.name, level: 3 }).waitFor();
    memberId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(memberId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('member-activation').getAttribute('data-status')).toBe('none');

    await page.getByTestId('invite-open').click();
    const invite = page.getByTestId('invite-modal');
    await invite.getByTestId('invite-qr').waitFor();
    inviteLink = await invite.getByTestId('invite-link').inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${escapeRegExp(server.baseUrl)}/m/invite/[A-Za-z0-9_-]{20,}$`));
    // what the member will be asked, which the link does not carry
    await invite.getByText('身份证', { exact: false }).first().waitFor();
    await invite.getByTestId('invite-expires').waitFor();
    await expect.poll(() => page.getByTestId('member-activation').getAttribute('data-status')).toBe('invited');
    await page.keyboard.press('Escape');
    await invite.waitFor({ state: 'detached' });
  });

  it('3. on a phone in WeChat the member opens the link, confirms the last 4 of their ID number, sets a password and lands on today', async () => {
    phonePage = (await openPhone(browser, server.baseUrl)).page;
    const page = phonePage;
    await watch(page, 'phone');
    await page.goto(inviteLink);
    await page.getByRole('heading', { name: '开通连心' }).waitFor();
    // Whom the link is for, without giving the whole name to whoever else opens it.
    const who = page.getByTestId('invite-who');
    await who.getByText(GROUP, { exact: false }).waitFor();
    expect(await who.innerText()).toContain(MEMBER.name.slice(0, 1));
    expect(await who.innerText()).not.toContain(MEMBER.name);

    await page.getByLabel('请输入身份证号码后4位').fill(MEMBER.idNumber.slice(-4));
    await page.getByLabel('设置密码').fill(MEMBER_PASSWORD);
    await page.getByLabel('再输入一次密码').fill(MEMBER_PASSWORD);
    await page.getByTestId('invite-submit').tap();

    // Today, signed in, at the app's home.
    await page.getByRole('heading', { name: '今日学习' }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/m/');
    expect((await page.locator('#me-name').innerText()).trim()).toBe(MEMBER.name);
    // The phone stays signed in: opened again, it goes straight to today.
    await page.reload();
    await page.getByRole('heading', { name: '今日学习' }).waitFor();
    expect(await page.getByRole('button', { name: '登录', exact: true }).count()).toBe(0);

    // The console counts the member as activated.
    await consolePage.reload();
    await expect.poll(() => consolePage.getByTestId('member-activation').getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('active');
  });

  it('4. the secretary plans a push for 第二党支部 for now; the robot receives one digest with its deep link', async () => {
    const page = consolePage;
    const items = await getJson<StudyItemList>(api(), '/api/study-items?pageSize=50');
    const article = items.items.find((i) => i.kind === 'article');
    expect(article, 'the demo library has an article').toBeTruthy();
    item = { id: article?.id ?? '', title: article?.title ?? '' };

    await page.getByTestId('nav-pushes').click();
    await page.getByTestId('new-push').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新建推送' });
    await dialog.waitFor();
    await pickUnit(consolePage, dialog.getByTestId('push-org'), BRANCH);
    await dialog.getByTestId('push-title').fill(PUSH_TITLE);
    // Now, on the time picker's five-minute step: a time already past is delivered at the next run.
    const at = Math.floor(clock.now().getTime() / FIVE_MINUTES_MS) * FIVE_MINUTES_MS;
    await typePicker(dialog.getByTestId('push-date'), chinaDay(at));
    await typePicker(dialog.getByTestId('push-time'), chinaClock(at));

    const picker = dialog.getByTestId('push-items');
    const label = `${item.title} · 图文`;
    // The options come from a search as the title is typed: on a loaded machine a click can land on
    // a list that is being replaced by the next answer. Then the item is picked again.
    for (let attempt = 1; ; attempt++) {
      try {
        await picker.click();
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.type(item.title.slice(0, 6));
        await openDropdown().locator('.ant-select-item-option').filter({ hasText: label }).first().click({ timeout: 5_000 });
        await picker.getByText(item.title, { exact: false }).first().waitFor({ timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await page.keyboard.press('Escape');
      }
    }
    await page.keyboard.press('Escape');
    await page.getByTestId('save-push').click();

    // Saved, the push's page opens.
    await page.getByTestId('push-title-text').getByText(PUSH_TITLE).waitFor();
    pushId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    const push = await getJson<PushSummary>(api(), `/api/pushes/${pushId}`);
    expect(push.title).toBe(PUSH_TITLE);

    // The delivery job delivers it, the outbox's dispatcher sends the group its digest.
    await expect.poll(() => digestsOfPush().length, { timeout: DELIVERY_TIMEOUT, interval: 500 }).toBeGreaterThan(0);
    const [digest] = digestsOfPush();
    expect(digest).toMatchObject({ path: '/cgi-bin/webhook/send', key: 'test' });
    // the whole group reads it: no member's name or phone in it
    expect(digest?.content).not.toContain(MEMBER.name);
    expect(digest?.content).not.toContain(MEMBER.phone);
    // one line for the push with its own link: the article in the member app, and which notice it was
    const links = [...(digest?.content ?? '').matchAll(/\((http[^)\s]+)\)/g)].map((m) => m[1] ?? '');
    const mine = links.filter((l) => l.includes(`/m/read/${pushId}/`));
    expect(mine).toHaveLength(1);
    deepLink = mine[0] ?? '';
    expect(deepLink).toMatch(new RegExp(`^${escapeRegExp(server.baseUrl)}/m/read/${pushId}/${item.id}\\?n=[0-9a-f-]{36}$`));

    // What the outbox says it did: one 企业微信 notice, sent (the sent count waits for the answer's record).
    await expect
      .poll(async () => (await getJson<ChannelReportBody>(api(), `/api/notify/report?sourceKind=push&sourceId=${pushId}`)).channels.find((c) => c.channel === 'wecom'), { timeout: UI_TIMEOUT })
      .toMatchObject({ sent: 1, failed: 0, opened: 0 });
    // One digest for the group, never one message per member.
    expect(digestsOfPush()).toHaveLength(1);
  });

  it('5. the member opens the deep link on the phone: the article opens and the read is recorded', async () => {
    const page = phonePage as Page;
    await page.goto(deepLink);
    await page.getByRole('heading', { name: item.title, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/m/read/${pushId}/${item.id}`);
    // told once: the notice's id leaves the address (a reload or going back never tells it again)
    await expect.poll(() => new URL(page.url()).searchParams.has('n')).toBe(false);

    // Read to the end: the reader counts it once the end has been in view a few seconds.
    const state = page.getByTestId('reader-read-state');
    await state.waitFor();
    await page.locator('.reader-end').scrollIntoViewIfNeeded();
    await expect.poll(() => state.getAttribute('data-read'), { timeout: UI_TIMEOUT }).toBe('true');

    // The link's notice is marked opened (the first open only).
    await expect
      .poll(async () => (await getJson<ChannelReportBody>(api(), `/api/notify/report?sourceKind=push&sourceId=${pushId}`)).channels.find((c) => c.channel === 'wecom')?.opened, { timeout: UI_TIMEOUT })
      .toBe(1);
  });

  it('6. on another phone, signed out, the same link asks to sign in first and then opens the article', async () => {
    otherPhone = (await openPhone(browser, server.baseUrl)).page;
    const page = otherPhone;
    await watch(page, 'other phone');
    await page.goto(deepLink);
    // with the password the member chose when joining
    await phoneLogin(page, MEMBER.phone, MEMBER_PASSWORD);
    await page.getByRole('heading', { name: item.title, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/m/read/${pushId}/${item.id}`);
    await expect.poll(() => new URL(page.url()).searchParams.has('n')).toBe(false);
    // already read on the first phone
    await expect.poll(() => page.getByTestId('reader-read-state').getAttribute('data-read'), { timeout: UI_TIMEOUT }).toBe('true');
  });

  it('7. the console’s push page shows it by channel: 企业微信 sent 1, opened 1, beside the in-app opened and read', async () => {
    const page = consolePage;
    await page.goto(`/pushes/${pushId}`);
    await page.getByTestId('push-title-text').getByText(PUSH_TITLE).waitFor();

    // In the app: the member opened and read it (nobody else of the branch has yet).
    const statistic = (testId: string): Promise<string> => page.getByTestId(testId).locator('.ant-statistic-content-value').innerText();
    await expect.poll(() => statistic('push-opened'), { timeout: UI_TIMEOUT }).toBe('1');
    await expect.poll(() => statistic('push-read'), { timeout: UI_TIMEOUT }).toBe('1');

    // By channel: the 企业微信 group's digest went out once and was opened once through its link.
    const report = page.getByTestId('channel-report');
    await report.getByText('各渠道触达').waitFor();
    const wecom = report.locator('tr[data-row-key="wecom"]');
    await wecom.waitFor();
    /** The row's figures under the table's column titles. */
    const figures = async (): Promise<Record<string, string>> => {
      const headers = (await report.locator('thead th').allInnerTexts()).map((h) => h.trim());
      const cells = (await wecom.locator('td').allInnerTexts()).map((c) => c.trim());
      return Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? '']));
    };
    await expect.poll(figures, { timeout: UI_TIMEOUT }).toMatchObject({ 渠道: '企业微信群', 已发出: '1', 失败: '0', 经链接打开: '1' });
    // Only the robot reached anyone: nobody of the branch has Web Push or SMS.
    expect(await report.locator('tbody tr[data-row-key]').count()).toBe(1);
  });

  it('8. no page broke or was refused by the Content-Security-Policy, and the robot got nothing else of the push', () => {
    expect(problems).toEqual([]);
    expect(digestsOfPush()).toHaveLength(1);
  });
});
