import type { AuthzModule } from '../support/authz.ts';

/**
 * Authorization cases of the organization's rules (run by src/server/authorization.test.ts): read by
 * every leader, changed by the admin.
 */
export const settingsAuthz: AuthzModule = {
  setup: async () => {},
  cases: [
    { method: 'GET', route: '/api/settings', url: () => '/api/settings', allowed: ['admin', 'villageSecretary', 'branchSecretary', 'groupLeader'] },
    { method: 'PUT', route: '/api/settings', url: () => '/api/settings', body: () => ({ lostContactDays: 180 }), allowed: ['admin'] },
  ],
};
