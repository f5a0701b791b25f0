import type { AuthzModule } from '../support/authz.ts';

export const careAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
