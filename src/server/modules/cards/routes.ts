import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  BirthdayList,
  BirthdayQuery,
  CampaignDetail,
  CampaignInput,
  CampaignList,
  CampaignQuery,
  CardPatch,
  CardRow,
  CardsBulkPatch,
  ContactCardQuery,
  ContactCards,
  MyCard,
  MyCards,
} from '../../../shared/api-care.ts';
import type { AppServices } from '../../services.ts';
import { listBirthdays } from './birthdays.ts';
import { createCampaign, deleteCampaign, getCampaign, listCampaigns, updateCard, updateCardsBulk } from './campaigns.ts';
import { listContactCards } from './contact-cards.ts';
import { listMyCards, openMyCard } from './my-cards.ts';

const IdParams = z.object({ id: z.uuid() });

/** Where the caller reached us (behind a proxy: what it forwarded, when LIANXIN_TRUST_PROXY is set). */
const originOf = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;

export function registerCardsRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['cards'];
  const { db } = services;
  const config = { access: 'session' } as const;

  // ---------- holiday-card campaigns (节日贺卡) ----------
  r.get('/api/card-campaigns', {
    config,
    schema: { tags, summary: '贺卡活动 Holiday-card campaigns', querystring: CampaignQuery, response: { 200: CampaignList } },
    handler: async (req) => listCampaigns(db, context(req), req.query),
  });
  r.post('/api/card-campaigns', {
    config,
    schema: { tags, summary: '发贺卡 Start a campaign', body: CampaignInput, response: { 200: CampaignDetail } },
    handler: async (req) => createCampaign(db, context(req), req.body),
  });
  r.get('/api/card-campaigns/:id', {
    config,
    schema: { tags, summary: '贺卡活动详情 A campaign with its cards', params: IdParams, response: { 200: CampaignDetail } },
    handler: async (req) => getCampaign(db, context(req), req.params.id),
  });
  r.delete('/api/card-campaigns/:id', {
    config,
    schema: { tags, summary: '删除未发出的贺卡活动 Delete a campaign not yet sent', params: IdParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await deleteCampaign(db, context(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.post('/api/card-campaigns/:id/cards/bulk', {
    config,
    schema: { tags, summary: '批量标记寄出/送达/退回 Mark several cards', params: IdParams, body: CardsBulkPatch, response: { 200: z.object({ updated: z.number() }) } },
    handler: async (req) => updateCardsBulk(db, context(req), req.params.id, req.body),
  });
  r.patch('/api/cards/:id', {
    config,
    schema: { tags, summary: '修改贺卡寄送方式、地址或状态 Change a card', params: IdParams, body: CardPatch, response: { 200: CardRow } },
    handler: async (req) => updateCard(db, context(req), req.params.id, req.body),
  });

  // ---------- member app ----------
  r.get('/api/me/cards', {
    config,
    schema: { tags, summary: '我收到的贺卡 My cards', response: { 200: MyCards } },
    handler: async (req) => listMyCards(db, context(req)),
  });
  r.post('/api/me/cards/:id/open', {
    config: { ...config, idempotent: true },
    schema: { tags, summary: '打开贺卡 Open a card', params: IdParams, response: { 200: MyCard } },
    handler: async (req) => openMyCard(db, context(req), req.params.id),
  });

  // ---------- grid contact cards (网格连心卡) and political birthdays (政治生日) ----------
  r.get('/api/contact-cards', {
    config,
    schema: { tags, summary: '网格连心卡（打印） Grid contact cards to print', querystring: ContactCardQuery, response: { 200: ContactCards } },
    handler: async (req) => listContactCards(db, context(req), req.query, originOf(req)),
  });
  r.get('/api/birthdays', {
    config,
    schema: { tags, summary: '政治生日 Joining anniversaries', querystring: BirthdayQuery, response: { 200: BirthdayList } },
    handler: async (req) => listBirthdays(db, context(req), req.query),
  });
}
