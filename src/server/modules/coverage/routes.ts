import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import { Coverage, CoverageQuery } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { exportCoverage, getCoverage } from './service.ts';

export function registerCoverageRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['coverage'];
  const { db } = services;
  r.get('/api/coverage', {
    config: { access: 'session' },
    schema: { tags, summary: '学习覆盖 Coverage of a unit for a period (gaps first)', querystring: CoverageQuery, response: { 200: Coverage } },
    handler: async (req) => getCoverage(db, context(req), req.query),
  });
  r.get('/api/coverage/export', {
    config: { access: 'session' },
    schema: { tags, summary: '导出学习覆盖 Coverage as xlsx (sheets 单位 and 党员)', querystring: CoverageQuery },
    handler: async (req, reply) => {
      const file = await exportCoverage(db, context(req), req.query);
      return sendXlsx(reply, file.fileName, file.body);
    },
  });
}
