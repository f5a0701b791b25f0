import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { sendPublicPage } from '../../public-page.ts';
import {
  Disclosure,
  DisclosureApproveInput,
  DisclosureInput,
  DisclosureList,
  DisclosurePatch,
  DisclosurePreview,
  DisclosureQuery,
  DisclosureReturnInput,
  DisclosureUnits,
} from '../../../shared/api-disclosure.ts';
import {
  approveDisclosure,
  generateDisclosure,
  getDisclosure,
  listDisclosures,
  listDisclosureUnits,
  previewDisclosure,
  returnDisclosure,
  submitDisclosure,
  updateDisclosure,
  withdrawDisclosure,
} from './service.ts';
import { openListPage, openMonthPage } from './public.ts';

const IdParams = z.object({ id: z.uuid() });

export function registerDisclosureRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['disclosure'];
  const db = services.db;
  const publicUrl = services.config.publicUrl;

  r.get('/api/disclosures', {
    config: { access: 'session' },
    schema: { tags, summary: '党务公开列表 Disclosures of my units, newest month first', querystring: DisclosureQuery, response: { 200: DisclosureList } },
    handler: async (req) => listDisclosures(db, context(req), req.query, publicUrl),
  });
  r.get('/api/disclosures/units', {
    config: { access: 'session' },
    schema: { tags, summary: '可公开的组织 Units I may disclose for', response: { 200: DisclosureUnits } },
    handler: async (req) => listDisclosureUnits(db, context(req)),
  });
  r.post('/api/disclosures', {
    config: { access: 'session' },
    schema: { tags, summary: '生成本月公开内容 Draft (or refresh the draft of) a unit’s month from the data', body: DisclosureInput, response: { 200: Disclosure } },
    handler: async (req) => generateDisclosure(db, context(req), req.body, publicUrl),
  });
  r.get('/api/disclosures/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '公开内容详情 A disclosure with its snapshot', params: IdParams, response: { 200: Disclosure } },
    handler: async (req) => getDisclosure(db, context(req), req.params.id, publicUrl),
  });
  r.get('/api/disclosures/:id/preview', {
    config: { access: 'session' },
    schema: { tags, summary: '预览 The public page as it will show, rendered from the current snapshot', params: IdParams, response: { 200: DisclosurePreview } },
    handler: async (req) => previewDisclosure(db, context(req), req.params.id, publicUrl),
  });
  r.patch('/api/disclosures/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '隐去部分内容、填写说明 Leave sections out, write a note (a draft or a returned one)', params: IdParams, body: DisclosurePatch, response: { 200: Disclosure } },
    handler: async (req) => updateDisclosure(db, context(req), req.params.id, req.body, publicUrl),
  });
  r.post('/api/disclosures/:id/submit', {
    config: { access: 'session' },
    schema: { tags, summary: '送审 Submit for approval', params: IdParams, response: { 200: Disclosure } },
    handler: async (req) => submitDisclosure(db, context(req), req.params.id, publicUrl),
  });
  r.post('/api/disclosures/:id/approve', {
    config: { access: 'session' },
    schema: { tags, summary: '审核通过并公开 Approve: the public page shows it', params: IdParams, body: DisclosureApproveInput, response: { 200: Disclosure } },
    handler: async (req) => approveDisclosure(db, context(req), req.params.id, req.body, publicUrl),
  });
  r.post('/api/disclosures/:id/return', {
    config: { access: 'session' },
    schema: { tags, summary: '退回 Send back with a reason', params: IdParams, body: DisclosureReturnInput, response: { 200: Disclosure } },
    handler: async (req) => returnDisclosure(db, context(req), req.params.id, req.body, publicUrl),
  });
  r.post('/api/disclosures/:id/withdraw', {
    config: { access: 'session' },
    schema: { tags, summary: '撤回 Take off the public page (a draft again)', params: IdParams, response: { 200: Disclosure } },
    handler: async (req) => withdrawDisclosure(db, context(req), req.params.id, publicUrl),
  });

  // ---------- public pages (no login, outside /api; registered before the web apps' fallback) ----------
  const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });
  app.get('/open/:orgId', { schema: { hide: true } }, async (req, reply) => {
    const { orgId } = req.params as { orgId: string };
    const { page } = PageQuery.parse(req.query ?? {});
    return sendPublicPage(req, reply, await openListPage(db, orgId, page, publicUrl));
  });
  app.get('/open/:orgId/:month', { schema: { hide: true } }, async (req, reply) => {
    const { orgId, month } = req.params as { orgId: string; month: string };
    return sendPublicPage(req, reply, await openMonthPage(db, orgId, month, publicUrl));
  });
}
