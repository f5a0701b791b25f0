import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { Uuid } from '../../../shared/primitives.ts';
import { MemberReach, UnreachableList, UnreachableQuery } from '../../../shared/api-reach.ts';
import type { AppServices } from '../../services.ts';
import { getMemberReach, listUnreachable } from './unreachable.ts';

const IdParams = z.object({ id: Uuid });

export function registerReachRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['reach'];
  const { db } = services;
  r.get('/api/reach/unreachable', {
    config: { access: 'session' },
    schema: { tags, summary: '联系不上的党员 Members no channel reaches who stay away from the app', querystring: UnreachableQuery, response: { 200: UnreachableList } },
    handler: async (req) => listUnreachable(db, context(req), req.query),
  });
  r.get('/api/members/:id/reach', {
    config: { access: 'session' },
    schema: { tags, summary: '通知渠道 The channels that reach a member now', params: IdParams, response: { 200: MemberReach } },
    handler: async (req) => getMemberReach(db, context(req), req.params.id),
  });
}
