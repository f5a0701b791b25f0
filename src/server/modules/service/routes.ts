import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  CancelSignupResult,
  ConsoleServiceLog,
  ConsoleServiceLogPage,
  MyService,
  MyServiceLogQuery,
  MyServiceProjectDetail,
  ServiceHoursQuery,
  ServiceHoursReport,
  ServiceLog,
  ServiceLogInput,
  ServiceLogPage,
  ServiceLogQuery,
  ServiceProject,
  ServiceProjectInput,
  ServiceProjectList,
  ServiceProjectPatch,
  ServiceProjectQuery,
  ServiceSignupList,
  ServiceUnitHours,
  ServiceUnitHoursQuery,
  SignupResult,
  TeamServiceLogs,
  VoidLogInput,
} from '../../../shared/api-service.ts';
import { Uuid } from '../../../shared/primitives.ts';
import type { AppServices } from '../../services.ts';
import { createProject, getProject, listProjects, updateProject } from './projects.ts';
import { cancelSignup, myProject, myService, signUp, taskSignups } from './signups.ts';
import { createLog, listLogs, myLogs, teamLogs, voidLog } from './logs.ts';
import { hoursReport, unitHours } from './hours.ts';

const IdParams = z.object({ id: Uuid });

export function registerServiceRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const { db } = services;
  const tags = ['service'];
  // ---------- the member app ----------
  r.get('/api/me/service', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '志愿服务 Open projects I may join, my sign-ups and my minutes this month and year', response: { 200: MyService } },
    handler: async (req) => myService(db, context(req)),
  });
  r.get('/api/me/service/projects/:id', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '服务项目 A project’s tasks with places left and my sign-up', params: IdParams, response: { 200: MyServiceProjectDetail } },
    handler: async (req) => myProject(db, context(req), req.params.id),
  });
  r.post('/api/me/service/tasks/:id/signup', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '报名 Sign up for a task: confirmed within capacity, else on the waiting list', params: IdParams, response: { 200: SignupResult } },
    handler: async (req) => signUp(db, context(req), req.params.id),
  });
  r.delete('/api/me/service/signups/:id', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '取消报名 Cancel my sign-up; the first waiting moves up', params: IdParams, response: { 200: CancelSignupResult } },
    handler: async (req) => cancelSignup(db, context(req), req.params.id),
  });
  r.post('/api/me/service/logs', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '记录服务 Log a service: project or team, day, minutes, whom, what, photos', body: ServiceLogInput, response: { 200: ServiceLog } },
    handler: async (req) => createLog(db, context(req), req.body),
  });
  // Logs may name a person looked after: never kept by a browser (WeChat keeps pages on disk) or a
  // proxy, no ETag to revalidate against; each showing is a read of its own, audited.
  r.get('/api/me/service/logs', {
    config: { access: 'session' },
    schema: { tags, summary: '我的服务记录 My service logs, newest first', querystring: MyServiceLogQuery, response: { 200: ServiceLogPage } },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return myLogs(db, context(req), req.query);
    },
  });
  r.get('/api/me/teams/:id/logs', {
    config: { access: 'session' },
    schema: { tags, summary: '服务队记录 My team’s recent logs and minutes (its members and leader)', params: IdParams, response: { 200: TeamServiceLogs } },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return teamLogs(db, context(req), req.params.id);
    },
  });
  // ---------- the console ----------
  r.get('/api/service/projects', {
    config: { access: 'session' },
    schema: { tags, summary: '服务项目 A unit’s service projects with their tasks', querystring: ServiceProjectQuery, response: { 200: ServiceProjectList } },
    handler: async (req) => listProjects(db, context(req), req.query),
  });
  r.post('/api/service/projects', {
    config: { access: 'session' },
    schema: { tags, summary: '新建服务项目 Create a project with its tasks', body: ServiceProjectInput, response: { 200: ServiceProject } },
    handler: async (req) => createProject(db, context(req), req.body),
  });
  r.get('/api/service/projects/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '服务项目 A project with its tasks', params: IdParams, response: { 200: ServiceProject } },
    handler: async (req) => getProject(db, context(req), req.params.id),
  });
  r.patch('/api/service/projects/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改服务项目 Edit a project, its tasks, open/close/cancel it', params: IdParams, body: ServiceProjectPatch, response: { 200: ServiceProject } },
    handler: async (req) => updateProject(db, context(req), req.params.id, req.body),
  });
  r.get('/api/service/tasks/:id/signups', {
    config: { access: 'session' },
    schema: { tags, summary: '报名情况 A task’s confirmed and waiting sign-ups', params: IdParams, response: { 200: ServiceSignupList } },
    handler: async (req) => taskSignups(db, context(req), req.params.id),
  });
  r.get('/api/service/logs', {
    config: { access: 'session' },
    schema: { tags, summary: '服务记录 Logs of a unit’s members (filters: month, team, grid, member)', querystring: ServiceLogQuery, response: { 200: ConsoleServiceLogPage } },
    handler: async (req) => listLogs(db, context(req), req.query),
  });
  r.post('/api/service/logs/:id/void', {
    config: { access: 'session' },
    schema: { tags, summary: '作废服务记录 Void a wrong log with a reason', params: IdParams, body: VoidLogInput, response: { 200: ConsoleServiceLog } },
    handler: async (req) => voidLog(db, context(req), req.params.id, req.body),
  });
  r.get('/api/service/hours', {
    config: { access: 'session' },
    schema: { tags, summary: '服务时长 A unit’s minutes by grid, team, member and month', querystring: ServiceHoursQuery, response: { 200: ServiceHoursReport } },
    handler: async (req) => hoursReport(db, context(req), req.query),
  });
  r.get('/api/service/hours/units', {
    config: { access: 'session' },
    schema: { tags, summary: '服务时长 The minutes of the units right under a unit, by month', querystring: ServiceUnitHoursQuery, response: { 200: ServiceUnitHours } },
    handler: async (req) => unitHours(db, context(req), req.query),
  });
}
