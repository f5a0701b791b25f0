import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the Excel roster (run by src/server/authorization.test.ts): export of
 * 第二党支部 for the secretaries above it; the template and imports for any secretary.
 */
let ids: BaseIds;

export const rosterAuthz: AuthzModule = {
  setup: async (_env: TestEnv, base: BaseIds) => {
    ids = base;
  },
  cases: [
    { method: 'GET', route: '/api/members/export', url: () => `/api/members/export?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/import-template', url: () => '/api/members/import-template', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'POST', route: '/api/imports', url: () => '/api/imports', multipart: true, allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/imports/:id', url: () => '/api/imports/00000000-0000-4000-8000-000000000000', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
  ],
};
