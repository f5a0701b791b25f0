import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { ReadableItem, SpeechStatus, StudyItem, StudyItemInput, StudyItemList, StudyItemPatch, StudyItemQuery } from '../../../shared/api-learning.ts';
import { createStudyItem, getReadableItem, getStudyItem, getSpeechStatus, listStudyItems, retireStudyItem, updateStudyItem } from './service.ts';

const IdParams = z.object({ id: z.uuid() });

export function registerLibraryRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['library'];
  const db = services.db;

  r.get('/api/study-items', {
    config: { access: 'session' },
    schema: { tags, summary: '学习资料库 Study items of my units and the units above', querystring: StudyItemQuery, response: { 200: StudyItemList } },
    handler: async (req) => listStudyItems(db, context(req), req.query),
  });
  r.post('/api/study-items', {
    config: { access: 'session' },
    schema: { tags, summary: '新增学习内容 Add a study item', body: StudyItemInput, response: { 200: StudyItem } },
    handler: async (req) => createStudyItem(db, context(req), req.body, { speech: Boolean(services.speech) }),
  });
  r.get('/api/study-items/speech', {
    config: { access: 'session' },
    schema: { tags, summary: '语音合成是否配置 Whether speech synthesis makes the audio of articles', response: { 200: SpeechStatus } },
    handler: async (req) => getSpeechStatus(context(req), Boolean(services.speech)),
  });
  r.get('/api/study-items/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '学习内容详情 A study item', params: IdParams, response: { 200: StudyItem } },
    handler: async (req) => getStudyItem(db, context(req), req.params.id),
  });
  r.patch('/api/study-items/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改学习内容 Edit a study item', params: IdParams, body: StudyItemPatch, response: { 200: StudyItem } },
    handler: async (req) => updateStudyItem(db, context(req), req.params.id, req.body, { speech: Boolean(services.speech) }),
  });
  r.post('/api/study-items/:id/retire', {
    config: { access: 'session' },
    schema: { tags, summary: '下架学习内容 Retire a study item', params: IdParams, response: { 200: StudyItem } },
    handler: async (req) => retireStudyItem(db, context(req), req.params.id),
  });
  r.get('/api/me/items/:id', {
    config: { access: 'session', etag: true },
    schema: { tags: ['me'], summary: '阅读学习内容 Read a study item in the member app', params: IdParams, response: { 200: ReadableItem } },
    handler: async (req) => getReadableItem(db, context(req), req.params.id),
  });
}
