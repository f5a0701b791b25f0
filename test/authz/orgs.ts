import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the org tree and grids (run by src/server/authorization.test.ts): reading
 * for every leader, changes for the secretaries above 第二党支部.
 */
let ids: BaseIds;
let seq = 0;

export const orgsAuthz: AuthzModule = {
  setup: async (_env: TestEnv, base: BaseIds) => {
    ids = base;
  },
  cases: [
    { method: 'GET', route: '/api/orgs', url: () => '/api/orgs', allowed: ['admin', 'villageSecretary', 'branchSecretary', 'groupLeader'] },
    { method: 'POST', route: '/api/orgs', url: () => '/api/orgs', body: () => ({ parentId: ids.branch2, kind: 'group', name: `小组${seq++}` }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/orgs/:id', url: () => `/api/orgs/${ids.branch2}`, body: () => ({ name: '第二党支部' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/orgs/:id/move', url: () => `/api/orgs/${ids.group2}/move`, body: () => ({ newParentId: ids.branch2 }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/orgs/:id/retire', url: () => `/api/orgs/${ids.group2}/retire`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/grids', url: () => '/api/grids', allowed: ['admin', 'villageSecretary', 'branchSecretary', 'groupLeader'] },
    { method: 'POST', route: '/api/grids', url: () => '/api/grids', body: () => ({ orgId: ids.village, name: '新网格' }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/grids/:id', url: () => `/api/grids/${ids.grid}`, body: () => ({ name: '第1网格' }), allowed: SECRETARIES },
  ],
};
