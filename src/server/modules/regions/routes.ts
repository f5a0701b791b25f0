import type { App } from '../../http.ts';
import { typed } from '../../http.ts';
import { regionTree } from './service.ts';

export function registerRegionRoutes(app: App): void {
  // Public reference data (the national division list); cached by browsers for a day.
  typed(app).get('/api/regions', {
    config: { access: 'public' },
    schema: { tags: ['reference'], summary: '行政区划 Provinces, cities and districts' },
    handler: async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=86400');
      return { provinces: regionTree() };
    },
  });
}
