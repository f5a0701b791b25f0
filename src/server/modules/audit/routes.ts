import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { AuditEntry, AuditQuery } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { listAuditEntries } from './service.ts';

export function registerAuditRoutes(app: App, { db }: AppServices): void {
  typed(app).get('/api/audit', {
    config: { access: 'session' },
    schema: { tags: ['audit'], summary: '审计日志 Audit log (tenant admin)', querystring: AuditQuery, response: { 200: z.object({ items: z.array(AuditEntry), total: z.number() }) } },
    handler: async (req) => listAuditEntries(db, context(req), req.query),
  });
}
