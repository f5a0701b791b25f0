import type { AuthzModule } from '../support/authz.ts';

export const radarAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
