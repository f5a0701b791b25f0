/**
 * 开通情况 through the real server in Chromium, clicked as a secretary would: the general branch's
 * secretary opens the page from the menu, sees the village and its branches counted, ticks two
 * members not yet activated and prints their invitation sheet (one slip each, with its own QR code;
 * printing shows the sheet alone); then, on a third member's page, 邀请开通 shows the link and a QR
 * code to scan from the screen, and 作废 stops the link working; the member's grid contact card,
 * switched to 附开通二维码, carries their own activation code; 本组织未开通的全部 prints a slip for
 * everyone not yet activated.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin, openConsole, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';

interface ActivationBody {
  orgId: string;
  units: { unitId: string; unitName: string; members: number; active: number; invited: number; none: number }[];
  members: { memberId: string; name: string; status: 'active' | 'invited' | 'none' }[];
  total: number;
}

describe('a secretary sees who has activated the member app and invites the rest', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let notActive: ActivationBody['members'] = [];

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

  it('1. 开通情况 opens from the menu with the village and its branches counted; three new members are not activated', async () => {
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    // Every demo member has used the app: three new members of 第四党小组 have no login yet.
    const { csrfToken } = await getJson<{ csrfToken: string }>(page.request, '/api/auth/me');
    const { items: orgs } = await getJson<{ items: { id: string; name: string }[] }>(page.request, '/api/orgs');
    const group = orgs.find((o) => o.name === '第四党小组');
    expect(group).toBeDefined();
    const created: string[] = [];
    for (const [i, name] of ['邀新甲', '邀新乙', '邀新丙'].entries()) {
      const res = await page.request.post('/api/members', {
        headers: { 'x-csrf-token': csrfToken },
        data: { name, gender: 'female', phone: `1390000777${i}`, status: 'full', orgId: group?.id, birthDate: `199${i}-03-0${i + 1}` },
      });
      expect(res.status(), await res.text()).toBe(200);
      created.push(((await res.json()) as { id: string }).id);
    }
    await page.getByTestId('nav-activation').click();
    await page.getByRole('heading', { name: '开通情况' }).waitFor();
    const body = await getJson<ActivationBody>(page.request, '/api/activation?status=none&pageSize=200');
    notActive = body.members;
    expect(notActive.map((m) => m.memberId).sort()).toEqual([...created].sort());
    expect(body.units[0]?.none).toBe(3);
    const root = body.units[0];
    expect(root?.members).toBe((root?.active ?? 0) + (root?.invited ?? 0) + (root?.none ?? 0));
    const units = page.getByTestId('activation-units');
    for (const u of body.units) await units.getByText(u.unitName, { exact: true }).first().waitFor();
    await page.getByTestId(`activation-rate-${root?.unitId}`).waitFor();
  });

  it('2. two members ticked get an invitation sheet: a slip each with its QR code, the sheet alone when printed', async () => {
    await page.getByTestId('activation-status-filter').getByText('未开通', { exact: true }).click();
    const picked = notActive.slice(0, 2);
    for (const m of picked) {
      const row = page.locator('tr', { has: page.getByTestId(`activation-member-${m.memberId}`) });
      await row.getByRole('checkbox').check();
    }
    await page.getByTestId('invite-selected').click();
    const sheet = page.getByTestId('invitation-sheet');
    await sheet.waitFor();
    await expect.poll(() => sheet.getByTestId('sheet-row').count()).toBe(2);
    await expect.poll(() => sheet.getByTestId('sheet-qr').count()).toBe(2);
    for (const m of picked) await sheet.getByText(m.name, { exact: true }).waitFor();
    expect(await sheet.getByText('用微信扫码，按提示输入身份证后4位并设置密码').count()).toBe(2);
    const font = await sheet.evaluate((e) => getComputedStyle(e).fontFamily);
    expect(font).toContain('Microsoft YaHei');
    expect(font).toContain('Noto Sans CJK SC');
    // printed: the console under the sheet is hidden, the toolbar too
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.ant-layout').first().isVisible()).toBe(false);
    expect(await page.getByTestId('sheet-print').isVisible()).toBe(false);
    expect(await sheet.getByTestId('sheet-row').first().isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.getByTestId('sheet-close').click();
    await sheet.waitFor({ state: 'detached' });
    // the two are invited now
    const after = await getJson<ActivationBody>(page.request, '/api/activation?status=invited&pageSize=200');
    expect(after.members.map((m) => m.memberId)).toEqual(expect.arrayContaining(picked.map((m) => m.memberId)));
  });

  it('3. 邀请开通 on a member’s page shows the link and its QR code; 作废 stops it', async () => {
    const m = notActive[2] as ActivationBody['members'][number];
    await page.goto(`/members/${m.memberId}`);
    await page.getByTestId('member-activation').waitFor();
    expect(await page.getByTestId('member-activation').getAttribute('data-status')).toBe('none');
    await page.getByTestId('invite-open').click();
    const dialog = page.getByTestId('invite-modal');
    await dialog.getByTestId('invite-qr').waitFor();
    const link = await dialog.getByTestId('invite-link').inputValue();
    expect(link).toMatch(/\/m\/invite\/[A-Za-z0-9_-]{20,}$/);
    const qr = dialog.getByTestId('invite-qr');
    // Measured once the dialog's opening zoom has finished (a loaded machine catches it mid-way).
    await expect.poll(async () => (await qr.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(240);
    await dialog.getByTestId('invite-expires').waitFor();
    const token = link.slice(link.lastIndexOf('/') + 1);
    expect((await getJson<{ status: string }>(page.request, `/api/invitations/${token}`)).status).toBe('open');
    await expect.poll(() => page.getByTestId('member-activation').getAttribute('data-status')).toBe('invited');

    await dialog.getByTestId('invite-revoke').click();
    await page.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await getJson<{ status: string }>(page.request, `/api/invitations/${token}`)).status).toBe('revoked');
    await expect.poll(() => page.getByTestId('member-activation').getAttribute('data-status')).toBe('none');
  });

  it('4. the grid contact card, 附开通二维码 switched on, carries the member’s own activation code', async () => {
    const m = notActive[2] as ActivationBody['members'][number];
    await page.goto(`/print/contact-cards?memberId=${m.memberId}`);
    const card = page.getByTestId('contact-card');
    await card.waitFor();
    expect(await card.getByTestId('contact-card-invitation').count()).toBe(0);
    await page.getByTestId('cards-with-invitation').click();
    await card.getByTestId('contact-card-invitation').waitFor();
    await card.getByText('扫码开通党员端').waitFor();
    const one = await getJson<{ status: string; expiresAt: string | null }>(page.request, `/api/members/${m.memberId}/activation`);
    expect(one.status).toBe('invited');
  });

  it('5. 本组织未开通的全部 gives everyone not yet activated a slip, once confirmed', async () => {
    await page.goto('/activation');
    await page.getByRole('heading', { name: '开通情况' }).waitFor();
    await page.getByTestId('invite-all').click();
    await page.getByText('将为 3 名未开通的党员各生成一个新的邀请链接', { exact: false }).waitFor();
    await page.getByRole('button', { name: '确定' }).click();
    const sheet = page.getByTestId('invitation-sheet');
    await sheet.waitFor();
    await expect.poll(() => sheet.getByTestId('sheet-row').count()).toBe(3);
    const rows = await sheet.getByTestId('sheet-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-member-id')));
    expect(rows.sort()).toEqual(notActive.map((m) => m.memberId).sort());
    await page.getByTestId('sheet-close').click();
    const after = await getJson<ActivationBody>(page.request, '/api/activation?status=invited&pageSize=200');
    expect(after.units[0]).toMatchObject({ invited: 3, none: 0 });
  });
});
