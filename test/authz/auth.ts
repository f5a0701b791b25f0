import type { AuthzModule } from '../support/authz.ts';

/**
 * Authorization cases of signing in and out (run by src/server/authorization.test.ts): open to
 * every caller; logout takes a session of its own, as it ends it.
 */
export const authAuthz: AuthzModule = {
  setup: async () => {},
  cases: [
    { method: 'POST', route: '/api/auth/login', url: () => '/api/auth/login', body: () => ({ phone: '19900000000', password: 'wrong-password' }), allowed: 'all', public: true },
    { method: 'POST', route: '/api/auth/logout', url: () => '/api/auth/logout', allowed: 'all', public: true, freshSession: true },
    { method: 'GET', route: '/api/auth/me', url: () => '/api/auth/me', allowed: 'all' },
    { method: 'POST', route: '/api/auth/password', url: () => '/api/auth/password', body: () => ({ currentPassword: 'not-it', newPassword: 'whatever-123' }), allowed: 'all' },
  ],
};
