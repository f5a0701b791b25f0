import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { NoticeIdParams, NoticeOpened } from '../../../shared/api-notify.ts';
import { markNoticeOpened } from './opened.ts';

/** The outbox's own route: the member app marks a notice opened when its link brought the member in. */
export function registerNotifyRoutes(app: App, services: Pick<AppServices, 'db'>): void {
  const r = typed(app);
  const { db } = services;
  r.post('/api/me/notices/:id/opened', {
    config: { access: 'session' },
    schema: { tags: ['notify'], summary: '从通知链接打开 A notice opened from its link', params: NoticeIdParams, response: { 200: NoticeOpened } },
    handler: async (req) => markNoticeOpened(db, context(req), req.params.id),
  });
}
