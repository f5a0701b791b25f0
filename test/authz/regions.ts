import type { AuthzModule } from '../support/authz.ts';

/**
 * Authorization cases of the region list (run by src/server/authorization.test.ts): public reference
 * data (provinces, cities, districts), answered to anyone, signed in or not.
 */
export const regionsAuthz: AuthzModule = {
  setup: async () => {},
  cases: [{ method: 'GET', route: '/api/regions', url: () => '/api/regions', allowed: 'all', public: true }],
};
