/**
 * 志愿服务 through the real server in Chromium: the demo's mobile member (13800000003, working in
 * another city) opens 志愿服务 from 我的 on a phone in WeChat, finds the project 每周探访独居老人 marked
 * 远程, signs up for its remote task 电话陪聊, and logs a 30-minute call to a person the team looks
 * after, with a photo (a file of the wrong type is refused with words first). The team's leader, the
 * mentor 13800000002, opens 我的服务队 on their phone and sees the log with whom it was for. In the
 * console the general-branch secretary (13800000000) sees under 志愿服务 → 服务时长 the grid's minutes
 * grown by 30. Last, a log written without signal waits on 待发送 as 服务记录 and goes out exactly once
 * when the signal returns. And a draft for the team keeps its day, is offered back (not lost) when
 * 记录服务 is opened from a project, and sent without signal still names the person chosen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../../src/shared/china-time.ts';
import { clock } from '../../src/server/clock.ts';
import { expectAccessible } from './support/a11y.ts';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { redPng } from './support/png.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';
const LEADER_PHONE = '13800000002';
const SECRETARY_PHONE = '13800000000';
const PROJECT = '每周探访独居老人';
const REMOTE_TASK = '电话陪聊';
const RECIPIENT = '王奶奶(化名)';
const WHAT = '电话陪聊半小时，问了问身体，提醒按时吃降压药。';
const OFFLINE_WHAT = '在地铁上没有信号时记下的：帮李爷爷在网上预约了医保办理。';
const DRAFT_WHAT = '晚上陪王奶奶聊了一个小时，没写完就没电了。';

interface MyService {
  projects: { id: string; title: string; remote: boolean }[];
  signups: { signupId: string; status: string; task: { id: string; title: string } }[];
  hours: { monthMinutes: number; yearMinutes: number };
}
interface ProjectDetail {
  id: string;
  tasks: { id: string; title: string; remote: boolean; mine: null | { status: string; position: number | null } }[];
}
interface ServiceLog {
  id: string;
  minutes: number;
  remote: boolean;
  what: string;
  team: { id: string; name: string } | null;
  recipient: { id: string; label: string } | null;
  photos: { fileId: string }[];
}
interface HoursReport {
  byGrid: { gridId: string | null; name: string; minutes: number }[];
}

/** Opens a screen inside the running app (as a tap would), which works without signal too. */
async function goInApp(page: Page, to: string): Promise<void> {
  await page.evaluate((path) => {
    history.pushState(null, '', path);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, to);
}

/** Puts a file into a file input as a phone's WebView gives it (made in the page). */
async function chooseFile(page: Page, testId: string, name: string, type: string, bytes: number[]): Promise<void> {
  await page.getByTestId(testId).evaluate(
    (input: HTMLInputElement, file: { name: string; type: string; data: number[] }) => {
      const list = new DataTransfer();
      list.items.add(new File([new Uint8Array(file.data)], file.name, { type: file.type }));
      input.files = list.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { name, type, data: bytes },
  );
}

/** The minutes of a grid this month (China), as the console's hours report counts them. */
async function gridMinutes(desk: Page, gridId: string): Promise<number> {
  const [year, month] = chinaDay(clock.now()).split('-').map(Number);
  const report = await getJson<HoursReport>(desk.request, `/api/service/hours?year=${year}&month=${month}`);
  return report.byGrid.find((g) => g.gridId === gridId)?.minutes ?? 0;
}

/** The number in the console's 服务时长 cell of a grid (this month, as the tab opens); 0 when the grid has no row yet. */
async function gridCell(desk: Page, gridId: string): Promise<number> {
  await desk.getByTestId('service-hours-total').waitFor();
  const cell = desk.getByTestId(`service-grid-minutes-${gridId}`);
  if ((await cell.count()) === 0) return 0;
  return Number(((await cell.textContent()) ?? '').replace(/[^\d]/g, ''));
}

describe('a mobile member signs up for a remote task and logs a call; the leader sees it; the grid’s hours grow', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page | undefined;
  let leader: Page | undefined;
  let desk: Page | undefined;
  let projectId = '';
  let taskId = '';
  let logId = '';
  let gridId = '';
  let minutesBefore = 0;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone, leader, console: desk }));

  it('0. the secretary’s 志愿服务 → 服务时长 shows the minutes of the companion team’s grid this month', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    // the grid of the demo's companion team (the mobile member's grid)
    const teams = await getJson<{ items: { name: string; gridId: string | null; gridName: string | null }[] }>(desk.request, '/api/teams');
    const companion = teams.items.find((t) => t.name === '爱·陪伴志愿服务队');
    expect(companion?.gridId, 'the demo companion team is on a grid').toBeTruthy();
    gridId = companion?.gridId ?? '';
    await desk.getByTestId('nav-service').click();
    await desk.getByTestId('service-tab-hours').click();
    minutesBefore = await gridCell(desk, gridId);
    expect(minutesBefore).toBe(await gridMinutes(desk, gridId));
  });

  it('1. the member opens 志愿服务 from 我的: the project is marked 远程 and open to a member in another city', async () => {
    phone = (await openPhone(browser, server.baseUrl)).page;
    await phone.goto('/m/me');
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByTestId('me-service').tap();
    await phone.getByTestId('service-projects').waitFor();
    const mine = await getJson<MyService>(phone.request, '/api/me/service');
    const project = mine.projects.find((p) => p.title === PROJECT);
    expect(project, 'the demo project is open to the member').toBeDefined();
    expect(project?.remote).toBe(true);
    projectId = project?.id ?? '';
    const card = phone.getByTestId(`service-project-${projectId}`);
    await card.getByText('远程', { exact: true }).waitFor();
    await card.getByText('可以在外地参加').waitFor();
    // 我的服务队: the member is in the companion team
    await phone.getByText('爱·陪伴志愿服务队').first().waitFor();
    await expectAccessible(phone, '志愿服务');
  });

  it('2. signs up for the remote task 电话陪聊 and is confirmed', async () => {
    const page = phone as Page;
    await page.getByTestId(`service-project-${projectId}`).tap();
    await page.getByTestId('service-project').waitFor();
    const task = page.locator(`[data-testid^="service-task-"][data-title="${REMOTE_TASK}"]`);
    await task.getByText('远程', { exact: true }).waitFor();
    taskId = ((await task.getAttribute('data-testid')) ?? '').replace('service-task-', '');
    await expectAccessible(page, 'a project with its tasks');
    await task.getByTestId('service-signup').tap();
    await page.getByText(`报名成功：${REMOTE_TASK}`).waitFor();
    await task.getByText('已报名', { exact: true }).waitFor();
    const detail = await getJson<ProjectDetail>(page.request, `/api/me/service/projects/${projectId}`);
    expect(detail.tasks.find((t) => t.id === taskId)?.mine?.status).toBe('confirmed');
  });

  it('3. logs a 30-minute call to a person the team looks after, with a photo (a wrong file is refused with words)', async () => {
    const page = phone as Page;
    await page.getByTestId('service-project-log').tap();
    await page.getByTestId('service-log-form').waitFor();
    // the remote task's sign-up is chosen, and the log is marked remote
    await expect.poll(() => page.getByTestId('service-log-for').inputValue()).toBe(`task:${projectId}:${taskId}`);
    expect(await page.getByTestId('service-log-remote').isChecked()).toBe(true);
    // the day is today in China
    expect(await page.getByTestId('service-log-date').inputValue()).toBe(chinaDay(clock.now()));
    // an empty log is refused on the phone, in words
    await page.getByTestId('service-log-send').tap();
    await page.getByTestId('sl-what-error').waitFor();
    await page.getByTestId('sl-minutes-error').waitFor();
    await expectAccessible(page, 'the log form with its errors');

    await page.getByTestId('service-log-minutes-30').check();
    await page.getByTestId('service-log-whom').selectOption({ label: RECIPIENT });
    await page.getByTestId('service-log-what').fill(WHAT);
    await chooseFile(page, 'service-photo-input', '记录.txt', 'text/plain', [...Buffer.from('不是照片')]);
    await page.getByTestId('service-photo-note').getByText('“记录.txt”不是能用的照片').waitFor();
    await chooseFile(page, 'service-photo-input', '通话截图.png', '', [...redPng(16, 16)]);
    await page.getByTestId('service-photo-done').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('service-log-send').tap();
    const sent = page.getByTestId('service-log-sent');
    await sent.waitFor();
    await sent.getByText('记录了 30 分钟的服务').waitFor();
    logId = (await sent.getAttribute('data-log-id')) ?? '';

    const logs = await getJson<{ items: ServiceLog[] }>(page.request, '/api/me/service/logs');
    const log = logs.items.find((l) => l.id === logId);
    expect(log).toMatchObject({ minutes: 30, remote: true, what: WHAT, recipient: { label: RECIPIENT } });
    expect(log?.photos).toHaveLength(1);
    // the draft goes once sent, and no person looked after was ever kept on the phone (the outbox's
    // sent list names them by id only)
    const kept = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(kept).not.toContain('lx_service_draft:');
    expect(kept).not.toContain(RECIPIENT);
  });

  it('4. the team leader opens 我的服务队 on their phone and sees the log', async () => {
    leader = (await openPhone(browser, server.baseUrl)).page;
    await leader.goto('/m/me');
    await phoneLogin(leader, LEADER_PHONE, server.password);
    await leader.getByTestId('me-service').tap();
    await leader.locator('[data-testid^="service-team-"]', { hasText: '爱·陪伴志愿服务队' }).tap();
    await leader.getByTestId('team').waitFor();
    const entry = leader.getByTestId(`team-log-${logId}`);
    await entry.waitFor();
    await entry.getByText(WHAT).waitFor();
    await entry.getByText(`服务对象：${RECIPIENT}`).waitFor();
    expect(await entry.getByTestId('team-log-minutes').textContent()).toBe('30 分钟');
    expect(await entry.locator('img').count()).toBe(1);
    // the people the team looks after, with a call button for a contact's phone
    await leader.getByTestId('team-recipients').getByText(RECIPIENT).waitFor();
    await expectAccessible(leader, '我的服务队');
    // nothing about the people looked after is kept on the leader's phone
    const kept = await leader.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(kept).not.toContain(RECIPIENT);
  });

  it('5. the secretary’s 志愿服务 → 服务时长 shows the grid’s minutes grown by 30', async () => {
    const page = desk as Page;
    expect(await gridMinutes(page, gridId)).toBe(minutesBefore + 30);
    await page.reload();
    await page.getByTestId(`service-grid-minutes-${gridId}`).waitFor();
    expect(await gridCell(page, gridId)).toBe(minutesBefore + 30);
  });

  it('6. a log written without signal waits on 待发送 as 服务记录 and goes out exactly once when the signal returns', async () => {
    const page = phone as Page;
    await page.goto('/m/service-log');
    await page.getByTestId('service-log-form').waitFor();
    await page.getByTestId('service-log-minutes').fill('45');
    await page.getByTestId('service-log-what').fill(OFFLINE_WHAT);
    // what is typed survives a reload
    await page.reload();
    await page.getByTestId('service-draft-restored').waitFor();
    expect(await page.getByTestId('service-log-what').inputValue()).toBe(OFFLINE_WHAT);
    expect(await page.getByTestId('service-log-minutes').inputValue()).toBe('45');

    await page.context().setOffline(true);
    await page.getByTestId('service-log-send').tap();
    await page.getByTestId('service-log-queued').getByText('没有信号，服务记录已保存在手机上，有信号时自动发送').waitFor();
    await goInApp(page, '/m/outbox');
    const entry = page.getByTestId('outbox-waiting').locator('[data-kind="service-log"]');
    await entry.locator('strong', { hasText: '服务记录' }).waitFor();
    await entry.getByText(OFFLINE_WHAT.slice(0, 30)).waitFor();

    await page.context().setOffline(false);
    await expect
      .poll(async () => (await getJson<{ items: ServiceLog[] }>(page.request, '/api/me/service/logs')).items.filter((l) => l.what === OFFLINE_WHAT).length, { timeout: 20_000 })
      .toBe(1);
    const logs = await getJson<{ items: ServiceLog[] }>(page.request, '/api/me/service/logs');
    expect(logs.items.find((l) => l.what === OFFLINE_WHAT)).toMatchObject({ minutes: 45, remote: false, recipient: null });
    // sent: the form starts empty again
    await page.goto('/m/service-log');
    await page.getByTestId('service-log-form').waitFor();
    expect(await page.getByTestId('service-log-what').inputValue()).toBe('');
  });

  it('7. a kept draft keeps its day and is offered back when 记录服务 opens from a project; the person chosen goes with it without signal', async () => {
    const page = phone as Page;
    await page.goto('/m/service-log');
    await page.getByTestId('service-log-form').waitFor();
    await page.getByTestId('service-log-for').selectOption({ label: '服务队：爱·陪伴志愿服务队' });
    await page.getByTestId('service-log-whom').selectOption({ label: RECIPIENT });
    await page.getByTestId('service-log-minutes-60').check();
    await page.getByTestId('service-log-what').fill(DRAFT_WHAT);
    // the draft carries its day: reopened the next morning it is still the day it was written
    const kept = await page.evaluate(() => Object.entries(localStorage).find(([key]) => key.startsWith('lx_service_draft:'))?.[1] ?? '{}');
    expect((JSON.parse(kept) as { form?: { servedOn?: string } }).form?.servedOn).toBe(chinaDay(clock.now()));
    expect(kept).not.toContain(RECIPIENT);

    // opened from the project: the team's draft is offered back, never overwritten without a word
    await page.goto(`/m/service-log?project=${projectId}`);
    await page.getByTestId('service-other-draft').getByText(DRAFT_WHAT.slice(0, 10)).waitFor();
    expect(await page.getByTestId('service-log-form').count()).toBe(0);
    await expectAccessible(page, '记录服务 with another draft to continue');
    await page.getByTestId('service-other-draft-continue').tap();
    expect(await page.getByTestId('service-log-what').inputValue()).toBe(DRAFT_WHAT);

    // without signal, after a reload: the team's people are not on the phone, yet the one chosen goes
    await page.context().setOffline(true);
    await page.reload();
    await page.getByTestId('service-other-draft-continue').tap();
    await page.getByTestId('service-log-whom-kept').waitFor();
    await page.getByTestId('service-log-send').tap();
    await page.getByTestId('service-log-queued').waitFor();
    // the project's page without signal says it shows the copy seen last
    await goInApp(page, `/m/service/${projectId}`);
    await page.getByTestId('service-project').waitFor();
    await page.getByText('网络不通，下面是刚才看到的内容').waitFor();
    // the signal is back and the app is opened again: the log goes out, with the person chosen
    await page.context().setOffline(false);
    await page.reload();
    await expect
      .poll(async () => (await getJson<{ items: ServiceLog[] }>(page.request, '/api/me/service/logs')).items.filter((l) => l.what === DRAFT_WHAT).length, { timeout: 20_000 })
      .toBe(1);
    const logs = await getJson<{ items: ServiceLog[] }>(page.request, '/api/me/service/logs');
    expect(logs.items.find((l) => l.what === DRAFT_WHAT)).toMatchObject({ minutes: 60, team: { name: '爱·陪伴志愿服务队' }, recipient: { label: RECIPIENT } });
  });
});
