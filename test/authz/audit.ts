import type { AuthzModule } from '../support/authz.ts';

/** Authorization cases of the audit log (run by src/server/authorization.test.ts): the admin's alone. */
export const auditAuthz: AuthzModule = {
  setup: async () => {},
  cases: [{ method: 'GET', route: '/api/audit', url: () => '/api/audit', allowed: ['admin'] }],
};
