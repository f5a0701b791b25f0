import type { FastifyReply } from 'fastify';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { MobilityInput, MyProfile, ReturnBody, Today } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { getMyProfile, recordMyReturn, updateMyDestination } from './service.ts';
import { getToday } from './today.ts';

export function registerMeRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['member app'];
  const deps = { db: services.db, cipher: services.cipher };
  r.get('/api/me/profile', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '我的信息 My profile, branch, group and mentor', response: { 200: MyProfile } },
    handler: async (req) => getMyProfile(deps, context(req)),
  });
  r.post('/api/me/mobility', {
    config: { access: 'session' },
    schema: { tags, summary: '更新我的流向 Update my destination', body: MobilityInput, response: { 200: MyProfile } },
    handler: async (req) => updateMyDestination(deps, context(req), req.body),
  });
  r.post('/api/me/return', {
    config: { access: 'session' },
    schema: { tags, summary: '我已返乡 I am back home', body: ReturnBody, response: { 200: MyProfile } },
    handler: async (req) => recordMyReturn(deps, context(req), req.body.returnedOn),
  });
  r.get('/api/me/today', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '今日 What is due today: study, make-ups, the next class, check-ins open now', response: { 200: Today } },
    handler: async (req, typedReply) => {
      const answer = await getToday(services.db, context(req));
      // Sent pre-serialized (the cached string): the reply is used untyped.
      const reply = typedReply as unknown as FastifyReply;
      // The app polls this on every open over weak networks: an unchanged answer costs a 304.
      reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
      if (req.headers['if-none-match'] === answer.etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(answer.json);
    },
  });
}
