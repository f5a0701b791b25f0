import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the coverage routes (run by src/server/authorization.test.ts). The
 * coverage view aims at 第二党支部: only the secretaries above it (and the admin) pass. (Care tasks
 * have their cases in care.ts.)
 */
let branch2 = '';

export const coverageAuthz: AuthzModule = {
  setup: async (_env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
  },
  cases: [
    { method: 'GET', route: '/api/coverage', url: () => `/api/coverage?orgId=${branch2}&from=2026-01&to=2026-12`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/coverage/export', url: () => `/api/coverage/export?orgId=${branch2}&from=2026-01&to=2026-12`, allowed: SECRETARIES },
  ],
};
