import type { AuthzModule } from '../support/authz.ts';

/** Authorization cases of the library routes (run by src/server/authorization.test.ts). */
export const libraryAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
