import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { Delivery, DeliveryInput, DeliveryList, DeliveryPatch, DeliveryQuery, MemberDeliveries } from '../../../shared/api-care.ts';
import { Uuid } from '../../../shared/primitives.ts';
import type { AppServices } from '../../services.ts';
import { createDelivery, deleteDelivery, getDelivery, listDeliveries, updateDelivery, viewMemberDeliveries } from './service.ts';

const IdParams = z.object({ id: Uuid });

export function registerDeliveriesRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['deliveries'];
  const { db } = services;
  r.post('/api/deliveries', {
    config: { access: 'session' },
    schema: { tags, summary: '记录千里送学 Record a study delivery trip', body: DeliveryInput, response: { 200: Delivery } },
    handler: async (req) => createDelivery(db, context(req), req.body),
  });
  r.get('/api/deliveries', {
    config: { access: 'session' },
    schema: { tags, summary: '送学记录 Trips of a unit (newest first) and where they went', querystring: DeliveryQuery, response: { 200: DeliveryList } },
    handler: async (req) => listDeliveries(db, context(req), req.query),
  });
  r.get('/api/deliveries/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '送学详情 A trip with what each member received and said (audited)', params: IdParams, response: { 200: Delivery } },
    handler: async (req) => getDelivery(db, context(req), req.params.id),
  });
  r.patch('/api/deliveries/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改送学记录 Correct a trip (members and photos replace the whole lists)', params: IdParams, body: DeliveryPatch, response: { 200: Delivery } },
    handler: async (req) => updateDelivery(db, context(req), req.params.id, req.body),
  });
  r.delete('/api/deliveries/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '删除送学记录 Delete a trip recorded by mistake (audited with the whole record)', params: IdParams, response: { 204: z.null() } },
    handler: async (req, reply) => {
      await deleteDelivery(db, context(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
  r.get('/api/members/:id/deliveries', {
    config: { access: 'session' },
    schema: { tags, summary: '党员收到的送学 Visits a member received, newest first (audited)', params: IdParams, response: { 200: MemberDeliveries } },
    handler: async (req) => viewMemberDeliveries(db, context(req), req.params.id),
  });
}
