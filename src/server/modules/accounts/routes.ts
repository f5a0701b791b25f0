import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { AppointBody, IssuedLogin, UnitLeader, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { issueMemberLogin } from './service.ts';
import { appointLeader, dismissLeader, listLeaders } from './leaders.ts';

const Leaders = z.object({ items: z.array(UnitLeader) });
const OrgParams = z.object({ id: Uuid });

export function registerAccountRoutes(app: App, { db }: AppServices): void {
  const r = typed(app);
  const tags = ['accounts'];
  r.get('/api/orgs/:id/leaders', {
    config: { access: 'session' },
    schema: { tags, summary: '组织负责人 Secretaries or group leader of a unit', params: OrgParams, response: { 200: Leaders } },
    handler: async (req) => ({ items: await listLeaders(db, context(req), req.params.id) }),
  });
  r.post('/api/orgs/:id/leaders', {
    config: { access: 'session' },
    schema: { tags, summary: '任命 Appoint a secretary or group leader', params: OrgParams, body: AppointBody, response: { 200: Leaders } },
    handler: async (req) => ({ items: await appointLeader(db, context(req), req.params.id, req.body) }),
  });
  r.delete('/api/orgs/:id/leaders/:assignmentId', {
    config: { access: 'session' },
    schema: { tags, summary: '免职 Dismiss', params: OrgParams.extend({ assignmentId: Uuid }), response: { 200: Leaders } },
    handler: async (req) => ({ items: await dismissLeader(db, context(req), req.params.id, req.params.assignmentId) }),
  });
  r.post('/api/members/:id/login', {
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
