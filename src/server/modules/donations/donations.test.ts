import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { shanghaiDate } from '../../clock.ts';
import { addDays } from '../../../shared/china-time.ts';
import type { Campaign, CampaignList, Ledger } from '../../../shared/api-donations.ts';

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let member: Session;
const orgIds: Record<string, string> = {};
let today = '';

const call = (session: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function campaign(session: Session = secretary, over: Record<string, unknown> = {}): Promise<Campaign> {
  const res = await call(session, 'POST', '/api/donations', { orgId: orgIds['新桥村党总支'], title: '助学捐款', purpose: '资助村里考上大学的孩子', startsOn: today, ...over });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Campaign;
}

async function receipt(id: string, over: Record<string, unknown> = {}, session: Session = secretary) {
  return call(session, 'POST', `/api/donations/${id}/receipts`, { donorName: '李大伯', kind: 'money', amountYuan: '100', receivedOn: today, ...over });
}
async function okReceipt(id: string, over: Record<string, unknown> = {}): Promise<Ledger> {
  const res = await receipt(id, over);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Ledger;
}
const spend = (id: string, over: Record<string, unknown> = {}) =>
  call(secretary, 'POST', `/api/donations/${id}/spendings`, { kind: 'money', amountYuan: '10', spentOn: today, purpose: '购买书包', recipient: '村小学', ...over });

const auditCount = async (action: string) => (await env.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length;

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  member = await login(env.app, PHONES.mobileMember);
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
  today = shanghaiDate();
});
afterAll(async () => env?.close());

describe('money is exact, in fen', () => {
  it('adds "0.10" and "0.20" to 30 fen and keeps the balance received − spent', async () => {
    const c = await campaign();
    await okReceipt(c.id, { amountYuan: '0.10' });
    const ledger = await okReceipt(c.id, { amountYuan: '0.20', showName: true });
    expect(ledger.campaign.totals).toMatchObject({ receivedFen: 30, spentFen: 0, balanceFen: 30, receipts: 2 });
    const spent = await spend(c.id, { amountYuan: '0.3' });
    expect(spent.statusCode, spent.body).toBe(200);
    expect((spent.json() as Ledger).campaign.totals).toMatchObject({ receivedFen: 30, spentFen: 30, balanceFen: 0 });
    const row = await env.db.selectFrom('donation_receipt').select(['amount_fen', 'receipt_no']).where('campaign_id', '=', c.id).orderBy('created_at').execute();
    expect(row.map((r) => Number(r.amount_fen))).toEqual([10, 20]);
    expect(row.map((r) => r.receipt_no)).toEqual(['JZ-0001', 'JZ-0002']);
  });

  it('refuses negative, non-numeric and three-decimal amounts, naming the field', async () => {
    const c = await campaign();
    for (const [amountYuan, words] of [
      ['-5', '金额不能为负数'],
      ['abc', '金额应为数字'],
      ['1.005', '金额最多两位小数'],
      ['0', '金额应大于 0'],
    ] as const) {
      const res = await receipt(c.id, { amountYuan });
      expect(res.statusCode, amountYuan).toBe(400);
      const body = res.json() as { message: string; issues: { field: string; message: string }[] };
      expect(body.issues.map((i) => i.field)).toContain('amountYuan');
      expect(body.message).toContain(words);
    }
    const en = await env.app.inject({ method: 'POST', url: `/api/donations/${c.id}/receipts`, headers: { ...secretary.headers, 'accept-language': 'en-US' }, payload: { donorName: '李', kind: 'money', amountYuan: '-1', receivedOn: today } });
    expect(en.statusCode).toBe(400);
    expect(en.body).toContain('The amount cannot be negative');
    const negSpend = await spend(c.id, { amountYuan: '-1' });
    expect(negSpend.statusCode).toBe(400);
    expect((await env.db.selectFrom('donation_receipt').select('id').where('campaign_id', '=', c.id).execute()).length).toBe(0);
  });

  it('asks goods for a goods entry and a donor', async () => {
    const c = await campaign();
    const noGoods = await receipt(c.id, { kind: 'goods', amountYuan: undefined });
    expect(noGoods.statusCode).toBe(400);
    expect(noGoods.body).toContain('goods');
    const noDonor = await receipt(c.id, { donorName: undefined });
    expect(noDonor.statusCode).toBe(400);
    expect(noDonor.body).toContain('donorName');
    const ledger = await okReceipt(c.id, { kind: 'goods', amountYuan: undefined, goods: '大米', quantity: '10 袋' });
    expect(ledger.receipts[0]).toMatchObject({ kind: 'goods', goods: '大米', quantity: '10 袋', amountFen: null, showName: false });
    expect(ledger.campaign.totals).toMatchObject({ receivedFen: 0, goodsReceived: 1 });
  });

  it('refuses a date in the future', async () => {
    const c = await campaign();
    const res = await receipt(c.id, { receivedOn: addDays(today, 1) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('receivedOn');
  });
});

describe('the balance never goes below zero', () => {
  it('refuses a spending larger than the balance with 409 naming the balance, writing nothing', async () => {
    const c = await campaign();
    await okReceipt(c.id, { amountYuan: '50' });
    const before = await auditCount('donation_spending.create');
    const res = await spend(c.id, { amountYuan: '50.01' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ message: '支出 50.01 元超过结余 50.00 元，不能登记' });
    expect((await env.db.selectFrom('donation_spending').select('id').where('campaign_id', '=', c.id).execute()).length).toBe(0);
    expect(await auditCount('donation_spending.create')).toBe(before);
  });

  it('lets only one of two spendings at once take the last of the balance (row lock on the campaign)', async () => {
    const c = await campaign();
    await okReceipt(c.id, { amountYuan: '80' });
    const [a, b] = await Promise.all([spend(c.id, { amountYuan: '60' }), spend(c.id, { amountYuan: '60' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const ledger = (await call(secretary, 'GET', `/api/donations/${c.id}`)).json() as Ledger;
    expect(ledger.campaign.totals).toMatchObject({ receivedFen: 8000, spentFen: 6000, balanceFen: 2000 });
  });

  it('excludes voided entries from the totals, keeps them in the ledger, and refuses a void that would go negative', async () => {
    const c = await campaign();
    const first = await okReceipt(c.id, { amountYuan: '30' });
    await okReceipt(c.id, { amountYuan: '20' });
    const spent = await spend(c.id, { amountYuan: '25' });
    expect(spent.statusCode).toBe(200);
    const receiptId = first.receipts[0]!.id;
    const tooMuch = await call(secretary, 'POST', `/api/donation-receipts/${receiptId}/void`, { reason: '重复登记' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.body).toContain('25.00');
    const spendingId = (spent.json() as Ledger).spendings[0]!.id;
    const noReason = await call(secretary, 'POST', `/api/donation-spendings/${spendingId}/void`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('reason');
    expect((await call(secretary, 'POST', `/api/donation-spendings/${spendingId}/void`, { reason: '金额记错' })).statusCode).toBe(200);
    const res = await call(secretary, 'POST', `/api/donation-receipts/${receiptId}/void`, { reason: '重复登记' });
    expect(res.statusCode, res.body).toBe(200);
    const ledger = res.json() as Ledger;
    expect(ledger.campaign.totals).toMatchObject({ receivedFen: 2000, spentFen: 0, balanceFen: 2000, receipts: 1 });
    expect(ledger.receipts.find((r) => r.id === receiptId)?.voided).toMatchObject({ reason: '重复登记' });
    expect(ledger.spendings[0]?.voided).toMatchObject({ reason: '金额记错' });
    expect((await call(secretary, 'POST', `/api/donation-receipts/${receiptId}/void`, { reason: '再次' })).statusCode).toBe(409);
    const audit = await env.db.selectFrom('audit_log').select(['action']).where('entity_id', '=', receiptId).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['donation_receipt.create', 'donation_receipt.void']);
  });
});

describe('receipt numbers', () => {
  it('are unique per campaign among entries not voided, and skip numbers typed by hand', async () => {
    const c = await campaign();
    await okReceipt(c.id, { receiptNo: 'JZ-0001' });
    const dup = await receipt(c.id, { receiptNo: 'JZ-0001' });
    expect(dup.statusCode).toBe(409);
    const next = await okReceipt(c.id);
    expect(next.receipts.map((r) => r.receiptNo)).toEqual(['JZ-0001', 'JZ-0002']);
    const other = await campaign();
    expect((await okReceipt(other.id, { receiptNo: 'JZ-0001' })).receipts[0]?.receiptNo).toBe('JZ-0001');
  });
});

describe('donors and scope', () => {
  it('names a party member of the subtree as donor, and refuses one outside it', async () => {
    const branch = await campaign(secretary, { orgId: orgIds['第二党支部'] });
    const mobile = await memberIdByPhone(env, PHONES.mobileMember);
    const outside = await receipt(branch.id, { donorName: undefined, donorMemberId: mobile });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('donorMemberId');
    const village = await campaign();
    const ok = await okReceipt(village.id, { donorName: undefined, donorMemberId: mobile });
    expect(ok.receipts[0]).toMatchObject({ donorMemberId: mobile });
    expect(ok.receipts[0]?.donorName.length).toBeGreaterThan(0);
  });

  it('lists only campaigns in the caller\'s scope, and a member manages none', async () => {
    const branch2 = await campaign(secretary, { orgId: orgIds['第二党支部'], title: '第二支部的活动' });
    const list = (await call(branchSecretary, 'GET', '/api/donations')).json() as CampaignList;
    expect(list.items.map((c) => c.id)).not.toContain(branch2.id);
    expect(list.items.every((c) => c.orgName !== '第二党支部' && c.orgName !== '新桥村党总支')).toBe(true);
    expect((await call(branchSecretary, 'GET', `/api/donations/${branch2.id}`)).statusCode).toBe(403);
    expect((await call(member, 'GET', '/api/donations')).statusCode).toBe(403);
  });

  it('closing a campaign stops new entries until reopened', async () => {
    const c = await campaign();
    expect((await call(secretary, 'PATCH', `/api/donations/${c.id}`, { status: 'closed' })).statusCode).toBe(200);
    expect((await receipt(c.id)).statusCode).toBe(409);
    expect((await call(secretary, 'PATCH', `/api/donations/${c.id}`, { status: 'open' })).statusCode).toBe(200);
    expect((await receipt(c.id)).statusCode).toBe(200);
  });
});

describe('the ledger export', () => {
  it('is an xlsx with the totals and every entry, audited', async () => {
    const c = await campaign(secretary, { title: '抗疫捐款' });
    await okReceipt(c.id, { amountYuan: '12.5' });
    const res = await env.app.inject({ url: `/api/donations/${c.id}/export`, headers: secretary.headers });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const text = JSON.stringify(wb.worksheets[0]!.getSheetValues());
    expect(text).toContain('收入 12.50 元');
    expect(text).toContain('结余 12.50 元');
    expect(await auditCount('donation_campaign.export')).toBeGreaterThan(0);
  });
});
