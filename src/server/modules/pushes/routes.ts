import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { Inbox, InboxEntry, InboxQuery, PushDetail, PushInput, PushList, PushPatch, PushQuery, ReadProgressBody } from '../../../shared/api-learning.ts';
import { cancelPush, createPush, getPush, listInbox, listPushes, openInboxEntry, recordReadProgress, updatePush } from './service.ts';

const IdParams = z.object({ id: z.uuid() });
const PushIdParams = z.object({ pushId: z.uuid() });

export function registerPushesRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['pushes'];
  const db = services.db;

  r.get('/api/pushes', {
    config: { access: 'session' },
    schema: { tags, summary: '每日一推送 Pushes of my units with delivered / opened / read', querystring: PushQuery, response: { 200: PushList } },
    handler: async (req) => listPushes(db, context(req), req.query),
  });
  r.post('/api/pushes', {
    config: { access: 'session' },
    schema: { tags, summary: '计划推送 Plan a push (a past time is delivered at once)', body: PushInput, response: { 200: PushDetail } },
    handler: async (req) => createPush(db, context(req), req.body),
  });
  r.get('/api/pushes/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '推送详情 A push with its recipients (unread first)', params: IdParams, response: { 200: PushDetail } },
    handler: async (req) => getPush(db, context(req), req.params.id),
  });
  r.patch('/api/pushes/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改推送 Change a planned push', params: IdParams, body: PushPatch, response: { 200: PushDetail } },
    handler: async (req) => updatePush(db, context(req), req.params.id, req.body),
  });
  r.post('/api/pushes/:id/cancel', {
    config: { access: 'session' },
    schema: { tags, summary: '取消推送 Cancel a planned push', params: IdParams, response: { 200: PushDetail } },
    handler: async (req) => cancelPush(db, context(req), req.params.id),
  });

  r.get('/api/me/inbox', {
    config: { access: 'session', etag: true },
    schema: { tags: ['me'], summary: '我的学习推送 My inbox, newest first, with the unread count', querystring: InboxQuery, response: { 200: Inbox } },
    handler: async (req) => listInbox(db, context(req), req.query),
  });
  r.post('/api/me/inbox/:pushId/open', {
    config: { access: 'session', idempotent: true },
    schema: { tags: ['me'], summary: '打开推送 Open a push', params: PushIdParams, response: { 200: InboxEntry } },
    handler: async (req) => openInboxEntry(db, context(req), req.params.pushId),
  });
  r.post('/api/me/inbox/:pushId/read', {
    config: { access: 'session', idempotent: true },
    schema: { tags: ['me'], summary: '记录阅读 Reading progress on an item of a push', params: PushIdParams, body: ReadProgressBody, response: { 200: InboxEntry } },
    handler: async (req) => recordReadProgress(db, context(req), req.params.pushId, req.body),
  });
}
