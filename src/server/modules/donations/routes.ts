import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import { Campaign, CampaignInput, CampaignList, CampaignPatch, CampaignQuery, Ledger, ReceiptInput, SpendingInput, VoidInput } from '../../../shared/api-donations.ts';
import { Uuid } from '../../../shared/primitives.ts';
import type { AppServices } from '../../services.ts';
import { createCampaign, getLedger, listCampaigns, updateCampaign } from './campaigns.ts';
import { addReceipt, addSpending, voidReceipt, voidSpending } from './entries.ts';
import { exportLedger } from './export.ts';

const IdParams = z.object({ id: Uuid });

export function registerDonationsRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['donations'];
  const { db } = services;
  r.get('/api/donations', {
    config: { access: 'session' },
    schema: { tags, summary: '捐助活动 Donation campaigns of the units one manages, with totals', querystring: CampaignQuery, response: { 200: CampaignList } },
    handler: async (req) => listCampaigns(db, context(req), req.query),
  });
  r.post('/api/donations', {
    config: { access: 'session' },
    schema: { tags, summary: '新建捐助活动 Start a donation campaign', body: CampaignInput, response: { 200: Campaign } },
    handler: async (req) => createCampaign(db, context(req), req.body),
  });
  r.get('/api/donations/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '收支台账 A campaign with every receipt and spending (voided ones marked) and its balance', params: IdParams, response: { 200: Ledger } },
    handler: async (req) => getLedger(db, context(req), req.params.id),
  });
  r.patch('/api/donations/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改捐助活动 Change a campaign, close or reopen it', params: IdParams, body: CampaignPatch, response: { 200: Campaign } },
    handler: async (req) => updateCampaign(db, context(req), req.params.id, req.body),
  });
  r.post('/api/donations/:id/receipts', {
    config: { access: 'session' },
    schema: { tags, summary: '登记收入 Record money (yuan, two places at most) or goods received', params: IdParams, body: ReceiptInput, response: { 200: Ledger } },
    handler: async (req) => addReceipt(db, context(req), req.params.id, req.body),
  });
  r.post('/api/donations/:id/spendings', {
    config: { access: 'session' },
    schema: { tags, summary: '登记支出 Record money spent or goods handed over (never more money than the balance)', params: IdParams, body: SpendingInput, response: { 200: Ledger } },
    handler: async (req) => addSpending(db, context(req), req.params.id, req.body),
  });
  r.post('/api/donation-receipts/:id/void', {
    config: { access: 'session' },
    schema: { tags, summary: '作废收入 Void a wrong receipt with a reason', params: IdParams, body: VoidInput, response: { 200: Ledger } },
    handler: async (req) => voidReceipt(db, context(req), req.params.id, req.body),
  });
  r.post('/api/donation-spendings/:id/void', {
    config: { access: 'session' },
    schema: { tags, summary: '作废支出 Void a wrong spending with a reason', params: IdParams, body: VoidInput, response: { 200: Ledger } },
    handler: async (req) => voidSpending(db, context(req), req.params.id, req.body),
  });
  r.get('/api/donations/:id/export', {
    config: { access: 'session' },
    schema: { tags, summary: '导出台账 The ledger as xlsx (audited)', params: IdParams },
    handler: async (req, reply) => {
      const file = await exportLedger(db, context(req), req.params.id);
      return sendXlsx(reply, file.fileName, file.body);
    },
  });
}
