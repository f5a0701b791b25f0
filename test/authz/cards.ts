import type { AuthzModule } from '../support/authz.ts';

export const cardsAuthz: AuthzModule = {
  setup: async () => {},
  cases: [],
};
