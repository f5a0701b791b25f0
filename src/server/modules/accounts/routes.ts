import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { IssuedLogin, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { issueMemberLogin } from './service.ts';

export function registerAccountRoutes(app: App, { db }: AppServices): void {
  typed(app).post('/api/members/:id/login', {
    config: { access: 'session' },
    schema: {
      tags: ['accounts'],
      summary: '开通/重置党员端登录 Open the member app to a member, or reset their password (one-time initial password)',
      params: z.object({ id: Uuid }),
      response: { 200: IssuedLogin },
    },
    handler: async (req) => issueMemberLogin(db, context(req), req.params.id),
  });
}
