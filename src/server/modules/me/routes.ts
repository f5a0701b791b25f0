import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { MobilityInput, MyProfile, ReturnBody } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { getMyProfile, recordMyReturn, updateMyDestination } from './service.ts';

export function registerMeRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['member app'];
  const deps = { db: services.db, cipher: services.cipher };
  r.get('/api/me/profile', {
    config: { access: 'session' },
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
}
