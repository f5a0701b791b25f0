import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { CareTaskDetail, CareTaskList, CareTaskPatch, CareTaskQuery, CreateCareTaskBody, UpdateCareTaskBody } from '../../../shared/api.ts';
import { Page } from '../../../shared/primitives.ts';
import type { AppServices } from '../../services.ts';
import { createCareTask, getCareTask, listCareTasks, listMyCareTasks, planCareTask, updateCareTask } from './service.ts';

const IdParams = z.object({ id: z.uuid() });
const MyTasksQuery = z.object({ ...Page });

export function registerCareRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['care'];
  const { db } = services;
  r.get('/api/care-tasks', {
    config: { access: 'session' },
    schema: { tags, summary: '跟进任务 Care tasks of a member or of units (open and overdue first)', querystring: CareTaskQuery, response: { 200: CareTaskList } },
    handler: async (req) => listCareTasks(db, context(req), req.query),
  });
  r.post('/api/care-tasks', {
    config: { access: 'session' },
    schema: { tags, summary: '新建跟进任务 Create a care task by hand', body: CreateCareTaskBody, response: { 200: CareTaskDetail } },
    handler: async (req) => createCareTask(db, context(req), req.body),
  });
  r.get('/api/care-tasks/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '跟进任务详情 A care task with its history', params: IdParams, response: { 200: CareTaskDetail } },
    handler: async (req) => getCareTask(db, context(req), req.params.id),
  });
  r.patch('/api/care-tasks/:id', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '处理跟进任务 Close, drop, snooze or reopen a care task', params: IdParams, body: UpdateCareTaskBody, response: { 200: CareTaskDetail } },
    handler: async (req) => updateCareTask(db, context(req), req.params.id, req.body),
  });
  r.patch('/api/care-tasks/:id/plan', {
    config: { access: 'session' },
    schema: { tags, summary: '安排跟进任务 Reassign, move the due day or add a note', params: IdParams, body: CareTaskPatch, response: { 200: CareTaskDetail } },
    handler: async (req) => planCareTask(db, context(req), req.params.id, req.body),
  });
  r.get('/api/me/care-tasks', {
    config: { access: 'session' },
    schema: { tags, summary: '我的跟进任务 Tasks assigned to me and about my mentees', querystring: MyTasksQuery, response: { 200: CareTaskList } },
    handler: async (req) => listMyCareTasks(db, context(req), req.query),
  });
}
