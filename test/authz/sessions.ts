import type { AuthzModule } from '../support/authz.ts';

/** Authorization cases of the sessions routes (run by src/server/authorization.test.ts). */
export const sessionsAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
