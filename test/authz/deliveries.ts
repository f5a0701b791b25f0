import type { AuthzModule } from '../support/authz.ts';

export const deliveriesAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
