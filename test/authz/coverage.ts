import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the coverage routes (run by src/server/authorization.test.ts). The
 * coverage view and the task list aim at 第二党支部 and the task at a member of it: only the
 * secretaries above it (and the admin) pass. Every account with a member record may ask for its own
 * mentor tasks (an empty list when it mentors nobody); the admin account has none.
 */
let taskId = '';
let branch2 = '';

export const coverageAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    const row = await env.db
      .insertInto('care_task')
      .values({ tenant_id: env.tenantId, member_id: ids.target, kind: 'follow_up', reason: '授权测试', due_on: '2026-12-31' })
      .returning('id')
      .executeTakeFirstOrThrow();
    taskId = row.id;
  },
  cases: [
    { method: 'GET', route: '/api/coverage', url: () => `/api/coverage?orgId=${branch2}&from=2026-01&to=2026-12`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/coverage/export', url: () => `/api/coverage/export?orgId=${branch2}&from=2026-01&to=2026-12`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/care-tasks', url: () => `/api/care-tasks?orgId=${branch2}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/care-tasks/:id', url: () => `/api/care-tasks/${taskId}`, body: () => ({ status: 'done', note: '已电话联系' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/me/care-tasks', url: () => '/api/me/care-tasks', allowed: ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'] },
  ],
};
