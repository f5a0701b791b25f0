import type { AuthzModule } from '../support/authz.ts';

/** Authorization cases of the coverage routes (run by src/server/authorization.test.ts). */
export const coverageAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
