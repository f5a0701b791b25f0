import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock, shanghaiDate } from '../../src/server/clock.ts';
import { addDays } from '../../src/shared/china-time.ts';

/**
 * Authorization cases of 志愿服务 (run by src/server/authorization.test.ts). The team, its person
 * looked after, the project, its task, the sign-up and the log all belong to 第二党支部 (the team is
 * led by ids.target, a member there, who also signed up and logged):
 * - the member's own lists (my service, my logs): every account with a member record;
 * - the project, signing up, logging for the team, the team's logs, cancelling the sign-up: the
 *   project's unit's members and the team's members only — none of the test roles;
 * - the console (projects, sign-ups, logs, voiding, hours): the secretaries above 第二党支部.
 */
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
let branch2 = '';
let teamId = '';
let projectId = '';
let taskId = '';
let signupId = '';
let logId = '';
const year = () => Number(shanghaiDate(clock.now()).slice(0, 4));

export const serviceAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    const tenantId = env.tenantId;
    const today = shanghaiDate(clock.now());
    const target = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['m.id', 'm.org_id', 'o.path'])
      .where('m.id', '=', ids.target)
      .executeTakeFirstOrThrow();
    teamId = (
      await env.db
        .insertInto('service_team')
        .values({ tenant_id: tenantId, org_id: ids.branch2, name: '授权测试服务队', kind: 'companion', leader_member_id: ids.target })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const recipient = await env.db
      .insertInto('care_recipient')
      .values({ tenant_id: tenantId, team_id: teamId, label: '授权测试对象(化名)', category: 'elderly_alone', need: '电话问候' })
      .returning('id')
      .executeTakeFirstOrThrow();
    projectId = (
      await env.db
        .insertInto('service_project')
        .values({ tenant_id: tenantId, org_id: ids.branch2, team_id: teamId, title: '授权测试项目', starts_on: today, ends_on: addDays(today, 30), status: 'open' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    taskId = (
      await env.db
        .insertInto('service_task')
        .values({ tenant_id: tenantId, project_id: projectId, title: '授权测试任务', remote: true, capacity: 100 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    signupId = (
      await env.db
        .insertInto('service_signup')
        .values({ tenant_id: tenantId, task_id: taskId, member_id: ids.target, status: 'confirmed' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    logId = (
      await env.db
        .insertInto('service_log')
        .values({
          tenant_id: tenantId,
          member_id: ids.target,
          org_id: target.org_id,
          org_path: target.path,
          project_id: projectId,
          task_id: taskId,
          team_id: teamId,
          recipient_id: recipient.id,
          served_on: today,
          minutes: 30,
          remote: true,
          what: '授权测试的服务记录',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  },
  cases: [
    { method: 'GET', route: '/api/me/service', url: () => '/api/me/service', allowed: MEMBERS },
    { method: 'GET', route: '/api/me/service/projects/:id', url: () => `/api/me/service/projects/${projectId}`, allowed: [] },
    { method: 'POST', route: '/api/me/service/tasks/:id/signup', url: () => `/api/me/service/tasks/${taskId}/signup`, allowed: [] },
    { method: 'DELETE', route: '/api/me/service/signups/:id', url: () => `/api/me/service/signups/${signupId}`, allowed: [] },
    {
      method: 'POST',
      route: '/api/me/service/logs',
      url: () => '/api/me/service/logs',
      body: () => ({ teamId, servedOn: shanghaiDate(clock.now()), minutes: 30, remote: true, what: '授权测试' }),
      allowed: [],
    },
    { method: 'GET', route: '/api/me/service/logs', url: () => '/api/me/service/logs', allowed: MEMBERS },
    { method: 'GET', route: '/api/me/teams/:id/logs', url: () => `/api/me/teams/${teamId}/logs`, allowed: [] },
    { method: 'GET', route: '/api/service/projects', url: () => `/api/service/projects?orgId=${branch2}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/service/projects',
      url: () => '/api/service/projects',
      body: () => ({ orgId: branch2, teamId, title: '授权测试：新项目', startsOn: shanghaiDate(clock.now()), endsOn: shanghaiDate(clock.now()), tasks: [{ title: '任务', capacity: 2 }] }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/service/projects/:id', url: () => `/api/service/projects/${projectId}`, allowed: SECRETARIES },
    {
      method: 'PATCH',
      route: '/api/service/projects/:id',
      url: () => `/api/service/projects/${projectId}`,
      body: () => ({ updatedAt: new Date(0).toISOString(), title: '授权测试：改名' }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/service/tasks/:id/signups', url: () => `/api/service/tasks/${taskId}/signups`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/service/logs', url: () => `/api/service/logs?orgId=${branch2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/service/logs/:id/void', url: () => `/api/service/logs/${logId}/void`, body: () => ({ reason: '授权测试' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/service/hours', url: () => `/api/service/hours?orgId=${branch2}&year=${year()}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/service/hours/units', url: () => `/api/service/hours/units?orgId=${branch2}&year=${year()}`, allowed: SECRETARIES },
  ],
};
