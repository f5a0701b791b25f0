import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { NewsApproveInput, NewsEditor, NewsEditorInput, NewsEditorList, NewsEditorQuery, NewsInput, NewsItem, NewsList, NewsPatch, NewsQuery, NewsReturnInput, NewsUnits } from '../../../shared/api-news.ts';
import {
  addNewsEditor,
  addNewsToLibrary,
  approveNews,
  createNews,
  getNews,
  listNews,
  listNewsEditors,
  listNewsUnits,
  removeNewsEditor,
  returnNews,
  submitNews,
  updateNews,
  withdrawNews,
} from './service.ts';
import { newsArticlePage, newsListPage, publicNewsFile } from './public.ts';
import { PUBLIC_CACHE, sendPublicPage as sendPage } from '../../public-page.ts';

const IdParams = z.object({ id: z.uuid() });
const EditorParams = z.object({ orgId: z.uuid(), accountId: z.uuid() });
const Ok = z.object({ ok: z.literal(true) });

export function registerNewsRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['news'];
  const db = services.db;
  const publicUrl = services.config.publicUrl;

  r.get('/api/news', {
    config: { access: 'session' },
    schema: { tags, summary: '新闻列表 News items of my units', querystring: NewsQuery, response: { 200: NewsList } },
    handler: async (req) => listNews(db, context(req), req.query),
  });
  r.get('/api/news/units', {
    config: { access: 'session' },
    schema: { tags, summary: '可撰写新闻的组织 Units I may draft news for', response: { 200: NewsUnits } },
    handler: async (req) => listNewsUnits(db, context(req)),
  });
  r.post('/api/news', {
    config: { access: 'session' },
    schema: { tags, summary: '撰写新闻 Draft a news item', body: NewsInput, response: { 200: NewsItem } },
    handler: async (req) => createNews(db, context(req), req.body, publicUrl),
  });
  r.get('/api/news/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '新闻详情 A news item with its review history', params: IdParams, response: { 200: NewsItem } },
    handler: async (req) => getNews(db, context(req), req.params.id, publicUrl),
  });
  r.patch('/api/news/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改新闻 Edit a news item (an approved one gets a new version to review)', params: IdParams, body: NewsPatch, response: { 200: NewsItem } },
    handler: async (req) => updateNews(db, context(req), req.params.id, req.body, publicUrl),
  });
  r.post('/api/news/:id/submit', {
    config: { access: 'session' },
    schema: { tags, summary: '送审 Submit a news item for review (保密审查)', params: IdParams, response: { 200: NewsItem } },
    handler: async (req) => submitNews(db, context(req), req.params.id, publicUrl),
  });
  r.post('/api/news/:id/approve', {
    config: { access: 'session' },
    schema: { tags, summary: '审核通过并发布 Approve and publish', params: IdParams, body: NewsApproveInput, response: { 200: NewsItem } },
    handler: async (req) => approveNews(db, context(req), req.params.id, req.body, publicUrl),
  });
  r.post('/api/news/:id/return', {
    config: { access: 'session' },
    schema: { tags, summary: '退回修改 Send back with a note', params: IdParams, body: NewsReturnInput, response: { 200: NewsItem } },
    handler: async (req) => returnNews(db, context(req), req.params.id, req.body, publicUrl),
  });
  r.post('/api/news/:id/withdraw', {
    config: { access: 'session' },
    schema: { tags, summary: '撤回已发布的新闻 Withdraw from the public page', params: IdParams, response: { 200: NewsItem } },
    handler: async (req) => withdrawNews(db, context(req), req.params.id, publicUrl),
  });
  r.post('/api/news/:id/to-library', {
    config: { access: 'session' },
    schema: { tags, summary: '加入学习资料库 Add a published item to the study library (once)', params: IdParams, response: { 200: NewsItem } },
    handler: async (req) => addNewsToLibrary(db, context(req), req.params.id, publicUrl),
  });
  r.get('/api/news-editors', {
    config: { access: 'session' },
    schema: { tags, summary: '通讯员 The news editors of a unit', querystring: NewsEditorQuery, response: { 200: NewsEditorList } },
    handler: async (req) => listNewsEditors(db, context(req), req.query.orgId),
  });
  r.post('/api/news-editors', {
    config: { access: 'session' },
    schema: { tags, summary: '指定通讯员 Name a news editor of a unit', body: NewsEditorInput, response: { 200: NewsEditor } },
    handler: async (req) => addNewsEditor(db, context(req), req.body),
  });
  r.delete('/api/news-editors/:orgId/:accountId', {
    config: { access: 'session' },
    schema: { tags, summary: '取消通讯员 Remove a news editor', params: EditorParams, response: { 200: Ok } },
    handler: async (req) => removeNewsEditor(db, context(req), req.params.orgId, req.params.accountId),
  });

  // ---------- public pages (no login, outside /api; registered before the web apps' fallback) ----------
  const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });
  app.get('/news/:orgId', { schema: { hide: true } }, async (req, reply) => {
    const { orgId } = req.params as { orgId: string };
    const { page } = PageQuery.parse(req.query ?? {});
    return sendPage(req, reply, await newsListPage(db, orgId, page, publicUrl));
  });
  app.get('/news/:orgId/:itemId', { schema: { hide: true } }, async (req, reply) => {
    const { orgId, itemId } = req.params as { orgId: string; itemId: string };
    return sendPage(req, reply, await newsArticlePage(db, orgId, itemId, publicUrl));
  });
  app.get('/news/:orgId/files/:fileId', { schema: { hide: true } }, async (req, reply) => {
    const { orgId, fileId } = req.params as { orgId: string; fileId: string };
    const file = await publicNewsFile(db, orgId, fileId);
    if (!file || !(await services.storage.exists(file.storage_key))) {
      return reply.status(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('Not found');
    }
    const etag = `"${file.sha256}"`;
    reply
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', PUBLIC_CACHE)
      .header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.header('content-type', file.mime_type).header('content-length', String(Number(file.size_bytes))).send(services.storage.read(file.storage_key));
  });
}
