import type { AuthzModule, Role } from '../support/authz.ts';
import { mobility } from './members.ts';

/**
 * Authorization cases of the member app's own pages (run by src/server/authorization.test.ts): every
 * account with a member record, never the tenant admin (who has none).
 */
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];

export const meAuthz: AuthzModule = {
  setup: async () => {},
  cases: [
    { method: 'GET', route: '/api/me/profile', url: () => '/api/me/profile', allowed: MEMBERS },
    { method: 'POST', route: '/api/me/mobility', url: () => '/api/me/mobility', body: mobility, allowed: MEMBERS },
    { method: 'POST', route: '/api/me/return', url: () => '/api/me/return', body: () => ({ returnedOn: '2026-01-02' }), allowed: MEMBERS },
    { method: 'GET', route: '/api/me/today', url: () => '/api/me/today', allowed: MEMBERS },
  ],
};
