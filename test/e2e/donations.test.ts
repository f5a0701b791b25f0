/**
 * 捐款捐物 through the real server in Chromium: the village's general secretary (13800000000) opens
 * 网格服务 → 捐款捐物 in the console, starts a campaign, records three money receipts (one donor
 * without consent to be named) and one spending, and the ledger's 收入 / 支出 / 结余 add up to the
 * entries to the fen; a spending larger than the balance is refused in plain words naming the
 * balance, and nothing is written.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const TITLE = '村道亮化捐款（测试）';
const RECEIPTS = [
  { donor: '赵建国', amount: '100.10', named: true },
  { donor: '钱秀英', amount: '200.20', named: true },
  { donor: '一位不愿留名的乡亲', amount: '49.70', named: false },
] as const;

interface Ledger {
  campaign: { id: string; title: string; totals: { receivedFen: number; spentFen: number; balanceFen: number } };
  receipts: { donorName: string; showName: boolean; amountFen: number; receiptNo: string }[];
  spendings: { amountFen: number; purpose: string }[];
}

describe('a donation campaign with receipts and one spending whose totals add up, in the console', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: Page | undefined;
  let campaignId = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ console: desk }));

  it('1. the secretary starts a campaign from 网格服务 → 捐款捐物', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    await desk.getByTestId('nav-donations').click();
    await desk.getByTestId('donation-campaigns').waitFor();
    // the demo's campaign is listed with its balance
    await desk.getByTestId('donation-campaigns').getByText('爱心助学捐款').waitFor();
    await desk.getByTestId('donation-new').click();
    await desk.getByTestId('donation-title').fill(TITLE);
    await desk.getByTestId('donation-create-ok').click();
    await desk.getByText(`${TITLE} · 收支台账`).waitFor();
    campaignId = new URL(desk.url()).searchParams.get('campaign') ?? '';
    expect(campaignId).not.toBe('');
    for (const id of ['donation-received', 'donation-spent', 'donation-balance']) expect(await desk.getByTestId(id).textContent()).toContain('0.00');
  });

  it('2. three receipts, one without consent, and one spending: 收入, 支出 and 结余 add up', async () => {
    const page = desk as Page;
    for (const r of RECEIPTS) {
      await page.getByTestId('donation-add-receipt').click();
      await page.getByTestId('donation-donor').fill(r.donor);
      await page.getByTestId('donation-receipt-amount').fill(r.amount);
      if (r.named) await page.getByText('捐赠人同意公开姓名').click();
      await page.getByTestId('donation-receipt-ok').click();
      await page.getByTestId('donation-receipts').getByText(r.donor).waitFor();
    }
    await page.getByTestId('donation-add-spending').click();
    await page.getByTestId('donation-spending-amount').fill('120.35');
    await page.getByTestId('donation-purpose').fill('购买路灯灯泡');
    await page.getByTestId('donation-spending-ok').click();
    await page.getByTestId('donation-spendings').getByText('购买路灯灯泡').waitFor();
    await expect.poll(() => page.getByTestId('donation-received').textContent()).toContain('350.00');
    expect(await page.getByTestId('donation-spent').textContent()).toContain('120.35');
    expect(await page.getByTestId('donation-balance').textContent()).toContain('229.65');
    // the donor without consent is marked 不公开 in the ledger
    const anonymousRow = page.getByTestId('donation-receipts').getByRole('row').filter({ hasText: RECEIPTS[2].donor });
    await anonymousRow.getByText('不公开').waitFor();

    const ledger = await getJson<Ledger>(page.request, `/api/donations/${campaignId}`);
    expect(ledger.receipts.map((x) => [x.donorName, x.showName, x.amountFen, x.receiptNo])).toEqual([
      ['赵建国', true, 10_010, 'JZ-0001'],
      ['钱秀英', true, 20_020, 'JZ-0002'],
      ['一位不愿留名的乡亲', false, 4_970, 'JZ-0003'],
    ]);
    const received = ledger.receipts.reduce((sum, x) => sum + x.amountFen, 0);
    const spent = ledger.spendings.reduce((sum, x) => sum + x.amountFen, 0);
    expect(ledger.campaign.totals).toEqual({ ...ledger.campaign.totals, receivedFen: received, spentFen: spent, balanceFen: received - spent });
    expect(ledger.campaign.totals.balanceFen).toBe(22_965);
  });

  it('3. a spending larger than the balance is refused in plain words, and nothing is written', async () => {
    const page = desk as Page;
    await page.getByTestId('donation-add-spending').click();
    await page.getByTestId('donation-spending-amount').fill('300');
    await page.getByTestId('donation-purpose').fill('超支的一笔');
    await page.getByTestId('donation-spending-ok').click();
    await page.getByText('支出 300.00 元超过结余 229.65 元，不能登记').waitFor();
    const ledger = await getJson<Ledger>(page.request, `/api/donations/${campaignId}`);
    expect(ledger.spendings).toHaveLength(1);
    expect(ledger.campaign.totals.balanceFen).toBe(22_965);
    expect(await page.getByTestId('donation-balance').textContent()).toContain('229.65');
  });
});
