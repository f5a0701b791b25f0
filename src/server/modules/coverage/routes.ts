import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import { CareTask, CareTaskList, CareTaskQuery, Coverage, CoverageQuery, UpdateCareTaskBody } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { exportCoverage, getCoverage, listCareTasks, listMyCareTasks, updateCareTask } from './service.ts';

const IdParams = z.object({ id: z.uuid() });

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
  r.get('/api/care-tasks', {
    config: { access: 'session' },
    schema: { tags, summary: '跟进任务 Follow-up tasks in the secretary\'s units (overdue first)', querystring: CareTaskQuery, response: { 200: CareTaskList } },
    handler: async (req) => listCareTasks(db, context(req), req.query),
  });
  r.patch('/api/care-tasks/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '处理跟进任务 Close, snooze or reopen a follow-up task', params: IdParams, body: UpdateCareTaskBody, response: { 200: CareTask } },
    handler: async (req) => updateCareTask(db, context(req), req.params.id, req.body),
  });
  r.get('/api/me/care-tasks', {
    config: { access: 'session' },
    schema: { tags, summary: '我的跟进任务 A mentor\'s open tasks about their mentees', response: { 200: CareTaskList } },
    handler: async (req) => listMyCareTasks(db, context(req)),
  });
}
