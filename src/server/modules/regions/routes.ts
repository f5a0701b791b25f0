import zlib from 'node:zlib';
import type { App } from '../../http.ts';
import { typed } from '../../http.ts';
import { regionTree } from './service.ts';

export function registerRegionRoutes(app: App): void {
  // Public reference data (the national division list, ~140 KB of JSON): serialised and
  // compressed once, sent gzipped (~30 KB) to phones on weak signals, cached for a day.
  const json = JSON.stringify({ provinces: regionTree() });
  const gzipped = zlib.gzipSync(json, { level: 9 });
  typed(app).get('/api/regions', {
    config: { access: 'public' },
    schema: { tags: ['reference'], summary: '行政区划 Provinces, cities and districts' },
    handler: async (req, reply) => {
      reply.header('cache-control', 'public, max-age=86400').header('vary', 'accept-encoding').type('application/json; charset=utf-8');
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(gzipped);
      return reply.send(json);
    },
  });
}
