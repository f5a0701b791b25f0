import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { DriftList, DriftQuery, Engagement, Timeline, TimelineQuery, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { getEngagement, getTimeline, listDrift } from './service.ts';

const IdParams = z.object({ id: Uuid });

export function registerRadarRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['radar'];
  const { db } = services;
  r.get('/api/drift', {
    config: { access: 'session' },
    schema: { tags, summary: '流失预警 Members drifting away, with the reasons (high first)', querystring: DriftQuery, response: { 200: DriftList } },
    handler: async (req) => listDrift(db, context(req), req.query),
  });
  r.get('/api/members/:id/engagement', {
    config: { access: 'session' },
    schema: { tags, summary: '参与情况 A member\'s last 6 months of reading, classes and talks, and current drift reasons', params: IdParams, response: { 200: Engagement } },
    handler: async (req) => getEngagement(db, context(req), req.params.id),
  });
  r.get('/api/members/:id/timeline', {
    config: { access: 'session' },
    schema: { tags, summary: '党员时间线 Everything that happened with a member, newest first (audited)', params: IdParams, querystring: TimelineQuery, response: { 200: Timeline } },
    handler: async (req) => getTimeline(db, context(req), req.params.id, req.query),
  });
}
