import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { Uuid } from '../../../shared/primitives.ts';
import { Activation, ActivationQuery, MemberActivation } from '../../../shared/api-activation.ts';
import type { AppServices } from '../../services.ts';
import { getActivation, getMemberActivation } from './activation.ts';

/** 开通情况: who has activated the member app, per unit and per member. */
export function registerActivationRoutes(app: App, { db }: AppServices): void {
  const r = typed(app);
  const tags = ['accounts'];
  r.get('/api/activation', {
    config: { access: 'session' },
    schema: {
      tags,
      summary: '开通情况 Who has activated the member app, who is invited, who has neither: per unit of the subtree and per member',
      querystring: ActivationQuery,
      response: { 200: Activation },
    },
    handler: async (req) => getActivation(db, context(req), req.query),
  });
  r.get('/api/members/:id/activation', {
    config: { access: 'session' },
    schema: { tags, summary: '党员开通状态 Whether a member has activated the app or holds an open invitation', params: z.object({ id: Uuid }), response: { 200: MemberActivation } },
    handler: async (req) => getMemberActivation(db, context(req), req.params.id),
  });
}
