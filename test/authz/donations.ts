import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock, shanghaiDate } from '../../src/server/clock.ts';

/**
 * Authorization cases of 捐款捐物 (run by src/server/authorization.test.ts). The campaign belongs to
 * 第二党支部, with a receipt and a spending to void: only the secretaries above it (the village
 * secretary) and the tenant admin pass (service.manage); the list is theirs too.
 */
let campaignId = '';
let receiptId = '';
let spendingId = '';
let branch2 = '';

export const donationsAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    const day = shanghaiDate(clock.now());
    const c = await env.db
      .insertInto('donation_campaign')
      .values({ tenant_id: env.tenantId, org_id: ids.branch2, title: '授权测试的捐助', starts_on: day })
      .returning('id')
      .executeTakeFirstOrThrow();
    campaignId = c.id;
    const r = await env.db
      .insertInto('donation_receipt')
      .values({ tenant_id: env.tenantId, campaign_id: campaignId, donor_name: '授权测试', kind: 'money', amount_fen: 100_000, received_on: day, receipt_no: 'AZ-1' })
      .returning('id')
      .executeTakeFirstOrThrow();
    receiptId = r.id;
    const s = await env.db
      .insertInto('donation_spending')
      .values({ tenant_id: env.tenantId, campaign_id: campaignId, kind: 'money', amount_fen: 100, spent_on: day, purpose: '授权测试' })
      .returning('id')
      .executeTakeFirstOrThrow();
    spendingId = s.id;
  },
  cases: [
    { method: 'GET', route: '/api/donations', url: () => `/api/donations?orgId=${branch2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/donations', url: () => '/api/donations', body: () => ({ orgId: branch2, title: '授权测试', startsOn: shanghaiDate(clock.now()) }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/donations/:id', url: () => `/api/donations/${campaignId}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/donations/:id', url: () => `/api/donations/${campaignId}`, body: () => ({ purpose: '授权测试（改）' }), allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/donations/:id/receipts',
      url: () => `/api/donations/${campaignId}/receipts`,
      body: () => ({ donorName: '授权测试', kind: 'goods', goods: '大米', quantity: '1 袋', receivedOn: shanghaiDate(clock.now()) }),
      allowed: SECRETARIES,
    },
    {
      method: 'POST',
      route: '/api/donations/:id/spendings',
      url: () => `/api/donations/${campaignId}/spendings`,
      body: () => ({ kind: 'money', amountYuan: '1.00', spentOn: shanghaiDate(clock.now()), purpose: '授权测试' }),
      allowed: SECRETARIES,
    },
    { method: 'POST', route: '/api/donation-receipts/:id/void', url: () => `/api/donation-receipts/${receiptId}/void`, body: () => ({ reason: '授权测试' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/donation-spendings/:id/void', url: () => `/api/donation-spendings/${spendingId}/void`, body: () => ({ reason: '授权测试' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/donations/:id/export', url: () => `/api/donations/${campaignId}/export`, allowed: SECRETARIES },
  ],
};
