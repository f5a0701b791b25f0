import type { AuthzModule } from '../support/authz.ts';

export const talksAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
