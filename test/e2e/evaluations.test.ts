/**
 * 民主评议党员 run end to end for a small branch (the demo's 流动党员党支部, twelve mobile members),
 * through the real server in Chromium, clicked as people would: the general branch's secretary opens
 * the round and moves it through its phases in the console; a member working away writes the
 * self-evaluation and votes from a phone in WeChat; the secretary enters the paper ballots counted at
 * the meeting, tries one 优秀 too many (refused, with the cap shown), saves the proposal, holds the
 * notice, confirms the final grades and downloads the export; the member sees their grade.
 */
import fs from 'node:fs';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser, pickUnit } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { clock } from '../../src/server/clock.ts';

const SECRETARY_PHONE = '13800000000';
const BRANCH = '流动党员党支部';
const SELF_TEXT = '今年在外务工，坚持每周在云课堂学习，按时交纳党费；不足是回村参加活动少。';

/** 'YYYY-MM-DD' in Asia/Shanghai, `days` from now. */
const chinaDay = (days = 0): string => new Date(clock.now().getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

interface RoundBody {
  id: string;
  phase: string;
  voted: number;
  maxExcellent: number;
  paperBallots: number;
  onlineBallots: number;
  subjects: { memberId: string; name: string; graded: boolean; selfText: string | null; finalGrade: string | null; tally: Record<string, number> }[];
}
interface MemberListBody {
  items: { id: string; name: string; phone: string }[];
}

describe('民主评议 of a small branch: phases in the console, a remote self-evaluation and vote from a phone, paper ballots, the cap refused once, final grades and export', () => {
  let server: RunningServer;
  let browser: Browser;
  let consolePage: Page;
  let phonePage: Page | undefined;
  let roundId = '';
  let voter = { id: '', phone: '', name: '' };

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser({ keepData: true }));
    consolePage = (await openConsole(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    const s = server as RunningServer | undefined;
    if (s) {
      await s.stop();
      fs.rmSync(s.dataDir, { recursive: true, force: true });
    }
  });

  skipAfterFirstFailure(() => ({ console: consolePage, phone: phonePage }));

  const api = (): APIRequestContext => consolePage.request;
  const round = (): Promise<RoundBody> => getJson<RoundBody>(api(), `/api/evaluations/${roundId}`);
  const openDropdown = (): Locator => consolePage.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');


  /** Chooses a grade in a row's select of the proposal editor. */
  async function chooseGrade(memberId: string, label: string): Promise<void> {
    const select = consolePage.getByTestId(`grade-${memberId}`);
    for (let attempt = 1; ; attempt++) {
      try {
        await select.click();
        // the list of the select before may still be closing: the newest list is the last
        await openDropdown().last().getByTitle(label, { exact: true }).click({ timeout: 5_000 });
        await expect.poll(() => select.innerText(), { timeout: 5_000 }).toContain(label);
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await consolePage.keyboard.press('Escape');
      }
    }
  }

  async function nextPhase(confirmTestId = 'evaluation-next-ok'): Promise<void> {
    const before = (await round()).phase;
    await consolePage.getByTestId('evaluation-next').click();
    await consolePage.getByTestId(confirmTestId).click();
    await expect.poll(async () => (await round()).phase).not.toBe(before);
  }

  it('1. the secretary opens the round of the branch in the console', async () => {
    const page = consolePage;
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-evaluations').click();
    await page.getByRole('heading', { name: '民主评议党员' }).waitFor();
    await page.getByTestId('evaluation-create').click();
    const modal = page.locator('.ant-modal').filter({ hasText: '开始本支部的年度民主评议' });
    await pickUnit(consolePage, modal.locator('.ant-select').first(), BRANCH);
    await page.getByTestId('evaluation-create-ok').click();
    await page.waitForURL(/\/evaluations\/[0-9a-f-]{36}$/);
    roundId = page.url().split('/').pop() ?? '';
    const r = await round();
    expect(r.phase).toBe('study');
    expect(r.subjects.length).toBeGreaterThanOrEqual(10);
    await page.getByTestId('evaluation-steps').waitFor();

    // the voter: a member working away, signing in on their phone
    const orgs = await getJson<{ items: { id: string; name: string }[] }>(api(), '/api/orgs');
    const branchId = orgs.items.find((o) => o.name === BRANCH)?.id ?? '';
    const members = await getJson<MemberListBody>(api(), `/api/members?orgId=${branchId}&pageSize=50`);
    const inRound = members.items.find((m) => r.subjects.some((s) => s.memberId === m.id && s.graded));
    expect(inRound, 'a graded member of the branch').toBeTruthy();
    voter = { id: inRound?.id ?? '', phone: inRound?.phone ?? '', name: inRound?.name ?? '' };

    await nextPhase();
    expect((await round()).phase).toBe('self');
  });

  it('2. the member working away writes the self-evaluation on the phone', async () => {
    const phone = (await openPhone(browser, server.baseUrl)).page;
    phonePage = phone;
    await phone.goto('/m/');
    await phoneLogin(phone, voter.phone, server.password);
    await phone.getByTestId('home-evaluation').tap();
    await phone.getByTestId('evaluation-self').fill(SELF_TEXT);
    await phone.getByTestId('evaluation-self-send').tap();
    await phone.getByTestId('evaluation-self-sent').waitFor();
    expect((await round()).subjects.find((s) => s.memberId === voter.id)?.selfText).toBe(SELF_TEXT);
  });

  it('3. the secretary records the peer evaluation and opens the ballot', async () => {
    await consolePage.reload();
    await consolePage.getByText(SELF_TEXT).waitFor();
    await nextPhase();
    await nextPhase('evaluation-peer-ok');
    expect((await round()).phase).toBe('ballot');
  });

  it('4. the member votes from the phone: every comrade graded, a summary, submitted once', async () => {
    const phone = phonePage as Page;
    await phone.goto('/m/');
    await phone.getByTestId('home-evaluation').tap();
    await phone.getByTestId('evaluation-ballot').waitFor();
    await expectAccessible(phone, 'the ballot');
    const r = await round();
    const graded = r.subjects.filter((s) => s.graded);
    // 长辈模式: the four grade buttons one under another, in bigger words
    const buttons = phone.getByTestId(`ballot-${graded[0]?.memberId}`).locator('.evaluation-grade-button');
    const lefts = async () => Promise.all((await buttons.all()).map(async (b) => Math.round((await b.boundingBox())?.x ?? -1)));
    const fontSize = async () => buttons.first().evaluate((b) => parseFloat(getComputedStyle(b).fontSize));
    const before = await fontSize();
    expect(new Set(await lefts()).size).toBe(2);
    await phone.evaluate(() => (document.documentElement.dataset.elder = 'on'));
    expect(new Set(await lefts()).size).toBe(1);
    expect(await fontSize()).toBeGreaterThan(before);
    await phone.evaluate(() => (document.documentElement.dataset.elder = 'off'));
    for (const [i, s] of graded.entries()) await phone.getByTestId(`ballot-${s.memberId}-${i === 0 ? 'excellent' : 'qualified'}`).tap();
    await phone.getByTestId('evaluation-review').tap();
    await phone.getByTestId('evaluation-summary').waitFor();
    await expectAccessible(phone, 'the ballot summary');
    await phone.getByTestId('evaluation-summary').getByText('提交后不能修改').waitFor();
    await expect.poll(() => phone.getByTestId('evaluation-summary-counts').innerText()).toContain(`合格 ${graded.length - 1} 人`);
    // the same member votes from another phone first: this one's ballot is then answered 409
    // already_voted, and the phone shows the vote as done instead of an error
    const { csrfToken } = await getJson<{ csrfToken: string }>(phone.request, '/api/auth/me');
    const elsewhere = await phone.request.post(`/api/me/evaluations/${roundId}/ballot`, {
      headers: { 'x-csrf-token': csrfToken },
      data: { receipt: crypto.randomUUID(), grades: Object.fromEntries(graded.map((s, i) => [s.memberId, i === 0 ? 'excellent' : 'qualified'])) },
    });
    expect(elsewhere.status(), await elsewhere.text()).toBe(200);
    await phone.getByTestId('evaluation-vote-submit').tap();
    await phone.getByTestId('evaluation-voted').waitFor();
    expect(await phone.getByTestId('evaluation-vote-error').count()).toBe(0);
    const after = await round();
    expect(after.voted).toBe(1);
    expect(after.onlineBallots).toBe(1);
  });

  it('5. the secretary enters the paper ballots, closes the ballot and sees the tally', async () => {
    const page = consolePage;
    await page.reload();
    const r = await round();
    const first = r.subjects.find((s) => s.graded);
    // while the ballot runs the count stays closed: numbers of ballots only
    await page.getByTestId('evaluation-tally-closed').waitFor();
    expect(await page.getByTestId('evaluation-tally').count()).toBe(0);
    expect(r.subjects.every((s) => Object.values(s.tally).every((n) => n === 0))).toBe(true);
    await page.getByTestId('evaluation-paper').click();
    await page.locator('#evaluation-paper-ballots').fill('2');
    const cell = page.getByTestId(`paper-${first?.memberId}-excellent`);
    const input = (await cell.evaluate((e) => e.tagName)) === 'INPUT' ? cell : cell.locator('input');
    await input.fill('2');
    await page.getByTestId('evaluation-paper-ok').click();
    await page.getByTestId('evaluation-tally-info').getByText('纸质票 2 张').waitFor();
    await nextPhase();
    const closed = await round();
    expect(closed.phase).toBe('proposal');
    await page.getByTestId('evaluation-tally').waitFor();
    expect(await page.getByTestId('evaluation-tally-closed').count()).toBe(0);
    expect(closed.subjects.find((s) => s.memberId === first?.memberId)?.tally.excellent).toBe(3);
  });

  it('6. one 优秀 too many is refused with the cap shown; the proposal is saved within it', async () => {
    const page = consolePage;
    await page.reload();
    const r = await round();
    const graded = r.subjects.filter((s) => s.graded);
    const max = r.maxExcellent;
    for (const [i, s] of graded.entries()) await chooseGrade(s.memberId, i <= max ? '优秀' : '合格');
    await page.getByTestId('evaluation-cap-live').getByText('优秀已超过上限').waitFor();
    await page.getByTestId('evaluation-save-proposal').click();
    await page.locator('.ant-message').getByText(`最多 ${max} 名`).waitFor();
    expect((await round()).subjects.every((s) => s.finalGrade === null)).toBe(true);

    await chooseGrade(graded[max]?.memberId ?? '', '合格');
    await page.getByTestId('evaluation-save-proposal').click();
    await page.locator('.ant-message').getByText('已保存').waitFor();
  });

  it('7. the notice is held, the final grades confirmed, the results exported', async () => {
    const page = consolePage;
    await page.getByTestId('evaluation-next').click();
    const until = page.locator('#evaluation-notice-until');
    await until.click();
    await until.fill(chinaDay(5));
    await until.press('Enter');
    await page.getByTestId('evaluation-notice-ok').click();
    await expect.poll(async () => (await round()).phase).toBe('notice');

    await page.getByTestId('evaluation-final').click();
    await page.getByTestId('evaluation-confirm-early').click();
    await page.getByTestId('evaluation-final-ok').click();
    await expect.poll(async () => (await round()).phase).toBe('final');
    const r = await round();
    expect(r.subjects.filter((s) => s.finalGrade === 'excellent').length).toBe(r.maxExcellent);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evaluation-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^民主评议-.*\.xlsx$/);
  });

  it('8. the member sees their grade on the phone', async () => {
    const phone = phonePage as Page;
    await phone.goto(`/m/evaluation/${roundId}`);
    await phone.getByTestId('evaluation-result').waitFor();
    const expected = (await round()).subjects.find((s) => s.memberId === voter.id)?.finalGrade === 'excellent' ? '优秀' : '合格';
    await phone.getByTestId('evaluation-result').getByText(`我的评定结果：${expected}`).waitFor();
  });
});
