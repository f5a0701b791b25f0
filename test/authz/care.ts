import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import { memberIdByPhone, PHONES, type TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the care-task routes (run by src/server/authorization.test.ts). The tasks
 * are about a member of 第二党支部 (ids.target): only the secretaries above it (and the admin)
 * pass; the branch secretary, group leader, mentor and member get 403. One task is assigned to the
 * mobile member (the 'member' role): as its assignee they may open and handle it, though it is
 * about someone outside their care. Every account with a member record may ask for its own tasks
 * (assigned to it or about its mentees); the admin account has none.
 */
let ids: BaseIds;
let taskId = '';
let planTaskId = '';
let assignedTaskId = '';

export const careAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const task = (kind: 'follow_up' | 'visit' | 'hardship', assignee: string | null) =>
      env.db
        .insertInto('care_task')
        .values({ tenant_id: env.tenantId, member_id: ids.target, kind, reason: '授权测试', due_on: '2026-12-31', assignee_member_id: assignee })
        .returning('id')
        .executeTakeFirstOrThrow();
    taskId = (await task('follow_up', null)).id;
    planTaskId = (await task('visit', null)).id;
    assignedTaskId = (await task('hardship', await memberIdByPhone(env, PHONES.mobileMember))).id;
  },
  cases: [
    { method: 'GET', route: '/api/care-tasks', url: () => `/api/care-tasks?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/care-tasks', url: () => `/api/care-tasks?memberId=${ids.target}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/care-tasks',
      url: () => '/api/care-tasks',
      // The second secretary meets the first one's task: 409, still past authorization.
      body: () => ({ memberId: ids.target, kind: 'other', reason: '授权测试：新建任务', dueOn: '2099-12-31' }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/care-tasks/:id', url: () => `/api/care-tasks/${taskId}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/care-tasks/:id', url: () => `/api/care-tasks/${assignedTaskId}`, allowed: [...SECRETARIES, 'member'] },
    { method: 'PATCH', route: '/api/care-tasks/:id', url: () => `/api/care-tasks/${taskId}`, body: () => ({ status: 'done', note: '已电话联系' }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/care-tasks/:id', url: () => `/api/care-tasks/${assignedTaskId}`, body: () => ({ status: 'open', note: '已上门' }), allowed: [...SECRETARIES, 'member'] },
    { method: 'PATCH', route: '/api/care-tasks/:id/plan', url: () => `/api/care-tasks/${planTaskId}/plan`, body: () => ({ dueOn: '2099-06-30', note: '改期' }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/care-tasks/:id/plan', url: () => `/api/care-tasks/${assignedTaskId}/plan`, body: () => ({ note: '补充情况' }), allowed: [...SECRETARIES, 'member'] },
    { method: 'GET', route: '/api/me/care-tasks', url: () => '/api/me/care-tasks', allowed: ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'] },
  ],
};
