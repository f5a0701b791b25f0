import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { Dashboard, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { getDashboard } from './service.ts';

export function registerDashboardRoutes(app: App, { db }: AppServices): void {
  typed(app).get('/api/dashboard', {
    config: { access: 'session' },
    schema: {
      tags: ['dashboard'],
      summary: '概览 Totals, mobile members by destination, members by unit',
      querystring: z.object({ orgId: Uuid.optional() }),
      response: { 200: Dashboard.extend({ root: z.object({ id: z.string(), name: z.string() }) }) },
    },
    handler: async (req) => getDashboard(db, context(req), req.query.orgId),
  });
}
