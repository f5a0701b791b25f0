import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the dashboard (run by src/server/authorization.test.ts): 第二党支部's
 * figures for the secretaries above it.
 */
let ids: BaseIds;

export const dashboardAuthz: AuthzModule = {
  setup: async (_env: TestEnv, base: BaseIds) => {
    ids = base;
  },
  cases: [
    { method: 'GET', route: '/api/dashboard', url: () => `/api/dashboard?orgId=${ids.branch2}`, allowed: SECRETARIES },
  ],
};
