import type { AuthzModule } from '../support/authz.ts';

/** Authorization cases of the pushes routes (run by src/server/authorization.test.ts). */
export const pushesAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
