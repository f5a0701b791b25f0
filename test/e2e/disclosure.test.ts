/**
 * 党务公开 in Chromium: the general branch secretary drafts this month's disclosure of the village in
 * the console (生成本月公开内容); the preview — the public page as the server renders it — shows the
 * demo's pledge done this month and the donation campaign's totals; they leave the hours out, add a
 * note and submit; sent back with a reason (none is refused on the spot), it is submitted again and
 * approved; a phone in WeChat without any login opens the public page: the pledge, totals that add
 * up (received − spent = balance, equal to the campaign's own ledger), no hours, no person looked
 * after and no phone number, no script and no Content-Security-Policy violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const VILLAGE = '新桥村党总支';
const CAMPAIGN = '爱心助学捐款';

interface Snapshot {
  pledges: { text: string; outcome: string; memberName: string }[];
  donations: { title: string; receivedFen: number; spentFen: number; balanceFen: number; received: { kind: string; amountFen: number | null; donor: string }[]; spending: { kind: string; amountFen: number | null }[] }[];
}
interface Disclosure {
  id: string;
  orgId: string;
  month: string;
  state: string;
  publicUrl: string;
  sections: Snapshot;
}
interface Campaign {
  id: string;
  title: string;
  totals: { receivedFen: number; spentFen: number; balanceFen: number };
}

const MEMBER_PHONE = '13800000003';
const FALLBACK_PLEDGE = '帮邻居联系到县城的装修活';

/**
 * The demo's pledge done this month (C's demo seeds one). Should the month's draft show none, one is
 * made the way members and secretaries make them — the member pledges on their phone's API, the
 * secretary records it done — and the draft is refreshed from the data.
 */
async function ensurePledgeDone(page: Page, password: string, orgId: string): Promise<void> {
  const ctx = page.context().request;
  const member = await page.context().browser()?.newContext({ baseURL: new URL(page.url()).origin });
  if (!member) throw new Error('no browser');
  try {
    const login = await member.request.post('/api/auth/login', { data: { phone: MEMBER_PHONE, password } });
    expect(login.status(), await login.text()).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const made = await member.request.put('/api/me/pledges', { headers: { 'x-csrf-token': csrfToken }, data: { items: [{ kind: 'job_help', body: FALLBACK_PLEDGE }] } });
    expect(made.status(), await made.text()).toBe(200);
  } finally {
    await member.close();
  }
  const { csrfToken } = await getJson<{ csrfToken: string }>(ctx, '/api/auth/me');
  const list = await getJson<{ items: { id: string; body: string }[] }>(ctx, `/api/pledges?orgId=${orgId}&pageSize=200`);
  const pledge = list.items.find((p) => p.body === FALLBACK_PLEDGE);
  expect(pledge).toBeDefined();
  const done = await ctx.put(`/api/pledges/${pledge?.id}/outcome`, { headers: { 'x-csrf-token': csrfToken }, data: { outcome: 'done', note: '已上岗' } });
  expect(done.status(), await done.text()).toBe(200);
}

const yuan = (fen: number): string => `${String(Math.floor(fen / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${String(fen % 100).padStart(2, '0')} 元`;

describe('the village’s month is drafted, approved and read without login', () => {
  let server: RunningServer;
  let browser: Browser;
  let secretary: Page;
  let reader: Page | undefined;
  let d: Disclosure;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    secretary = (await openConsole(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ secretary, reader }));

  it('1. the secretary drafts this month; the preview shows the pledge done this month and the campaign’s totals', async () => {
    await consoleLogin(secretary, SECRETARY_PHONE, server.password);
    await secretary.getByTestId('nav-disclosure').click();
    await expect.poll(() => secretary.getByTestId('disclosure-unit').innerText(), { timeout: UI_TIMEOUT }).toContain(VILLAGE);
    await secretary.getByTestId('disclosure-generate').click();
    const drawer = secretary.getByRole('dialog').filter({ hasText: '党务公开' });
    await drawer.getByTestId('disclosure-state').filter({ hasText: '草稿' }).waitFor();
    const list = await getJson<{ items: Disclosure[] }>(secretary.request, '/api/disclosures?state=draft');
    const draft = list.items.find((i) => i.state === 'draft');
    expect(draft).toBeDefined();
    d = await getJson<Disclosure>(secretary.request, `/api/disclosures/${draft?.id}`);
    if (!d.sections.pledges.some((p) => p.outcome === 'done')) {
      await ensurePledgeDone(secretary, server.password, d.orgId);
      await drawer.getByTestId('disclosure-regenerate').click();
      await expect.poll(async () => (await getJson<Disclosure>(secretary.request, `/api/disclosures/${d.id}`)).sections.pledges.length, { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
      d = await getJson<Disclosure>(secretary.request, `/api/disclosures/${d.id}`);
    }
    // The demo's pledge done this month, and the campaign whose entries add up to its totals.
    const pledge = d.sections.pledges.find((p) => p.outcome === 'done');
    expect(pledge, JSON.stringify(d.sections.pledges)).toBeDefined();
    const c = d.sections.donations.find((x) => x.title === CAMPAIGN);
    expect(c).toBeDefined();
    if (!c || !pledge) return;
    expect(c.received.reduce((a, r) => a + (r.kind === 'money' ? (r.amountFen ?? 0) : 0), 0)).toBe(c.receivedFen);
    expect(c.spending.reduce((a, s) => a + (s.kind === 'money' ? (s.amountFen ?? 0) : 0), 0)).toBe(c.spentFen);
    expect(c.receivedFen - c.spentFen).toBe(c.balanceFen);
    // The same as the campaign's own ledger in the console.
    const campaigns = await getJson<{ items: Campaign[] }>(secretary.request, '/api/donations');
    const ledger = campaigns.items.find((x) => x.title === CAMPAIGN);
    expect(ledger?.totals).toMatchObject({ receivedFen: c.receivedFen, spentFen: c.spentFen, balanceFen: c.balanceFen });
    // A donor who did not consent is 爱心人士.
    expect(c.received.some((r) => r.donor === '爱心人士')).toBe(true);
    const preview = secretary.frameLocator('[data-testid="disclosure-preview"]');
    await preview.getByText(pledge.text).waitFor({ timeout: UI_TIMEOUT });
    await preview.getByText(CAMPAIGN).waitFor();
    await preview.getByText(yuan(c.balanceFen)).first().waitFor();
  });

  it('2. leaves the hours out, is sent back with a reason, submits again and approves it; the public link is the month’s page', async () => {
    const drawer = secretary.getByRole('dialog').filter({ hasText: '党务公开' });
    const preview = secretary.frameLocator('[data-testid="disclosure-preview"]');
    await preview.getByRole('heading', { name: '志愿服务时长' }).waitFor();
    await drawer.getByRole('checkbox', { name: '志愿服务时长（按服务队）' }).uncheck();
    await drawer.getByTestId('disclosure-note').fill('欢迎村民监督。');
    await drawer.getByTestId('disclosure-save').click();
    await expect.poll(() => preview.getByRole('heading', { name: '志愿服务时长' }).count(), { timeout: UI_TIMEOUT }).toBe(0);
    await preview.getByText('欢迎村民监督。').waitFor();
    await drawer.getByTestId('disclosure-submit').click();
    await drawer.getByTestId('disclosure-state').filter({ hasText: '待审核' }).waitFor();
    // Sending back needs a reason, said on the spot.
    await drawer.getByTestId('disclosure-send-back').click();
    await drawer.getByText('请填写退回原因').waitFor();
    await drawer.getByTestId('disclosure-reason').fill('请核对捐赠名单');
    await drawer.getByTestId('disclosure-send-back').click();
    await drawer.getByTestId('disclosure-state').filter({ hasText: '已退回' }).waitFor();
    await drawer.getByTestId('disclosure-returned').filter({ hasText: '请核对捐赠名单' }).waitFor();
    expect((await secretary.request.get(new URL(d.publicUrl).pathname)).status()).toBe(404);
    await drawer.getByTestId('disclosure-submit').click();
    await drawer.getByTestId('disclosure-state').filter({ hasText: '待审核' }).waitFor();
    await drawer.getByTestId('disclosure-approve').click();
    await drawer.getByTestId('disclosure-state').filter({ hasText: '已公开' }).waitFor();
    d = await getJson<Disclosure>(secretary.request, `/api/disclosures/${d.id}`);
    expect(d.state).toBe('approved');
    expect(await drawer.getByTestId('disclosure-public-url').innerText()).toBe(d.publicUrl);
  });

  it('3. a phone without any login reads the pledge and totals that add up, and no person looked after', async () => {
    reader = (await openPhone(browser, server.baseUrl)).page;
    reader.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const res = await reader.goto(new URL(d.publicUrl).pathname);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['cache-control']).toBe('public, no-cache');
    await reader.getByRole('heading', { level: 1 }).filter({ hasText: '党务公开' }).waitFor();
    const pledge = d.sections.pledges.find((p) => p.outcome === 'done');
    await reader.getByText(pledge?.text ?? '(none)').waitFor();
    await reader.getByText('欢迎村民监督。').waitFor();
    // the section left out is not there
    expect(await reader.getByRole('heading', { name: '志愿服务时长' }).count()).toBe(0);
    const block = reader.locator('.campaign').filter({ has: reader.getByRole('heading', { name: CAMPAIGN }) });
    const fen = (await block.locator('.totals b[data-fen]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-fen'))))) as number[];
    const [received = -1, spent = -1, balance = -1] = fen;
    expect(received - spent).toBe(balance);
    const c = d.sections.donations.find((x) => x.title === CAMPAIGN);
    expect([received, spent, balance]).toEqual([c?.receivedFen, c?.spentFen, c?.balanceFen]);
    await block.getByText(yuan(balance)).waitFor();
    // Every person looked after of every team, and their contacts: none on the page (the console reads them, audited).
    const html = await reader.content();
    const teams = await getJson<{ items: { id: string }[] }>(secretary.request, '/api/teams');
    let people = 0;
    for (const team of teams.items) {
      const recipients = await getJson<{ items: { label: string; contactName: string | null; contactPhone: string | null }[] }>(secretary.request, `/api/teams/${team.id}/recipients`);
      for (const r of recipients.items) {
        people++;
        for (const v of [r.label, r.contactName, r.contactPhone]) if (v) expect(html).not.toContain(v);
      }
    }
    expect(people, 'the demo has people looked after to look for').toBeGreaterThan(0);
    expect(html).not.toMatch(/(?<![0-9])1[3-9][0-9]{9}(?![0-9])/);
    expect(await reader.locator('script').count()).toBe(0);
    // The unit's page lists the month.
    await reader.goto(new URL(d.publicUrl).pathname.replace(/\/\d{4}-\d{2}$/, ''));
    await reader.locator(`a[href$="/${d.month}"]`).first().waitFor();
    expect(cspViolations).toEqual([]);
  });
});
