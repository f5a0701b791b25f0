import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the member registry (run by src/server/authorization.test.ts): a member of
 * 第二党支部 and a mobile member of 第八党小组, outside every limited role's scope.
 */
let ids: BaseIds;
let seq = 0;
/** A destination anyone may record (the member app's own form uses it too). */
export const mobility = () => ({ provinceCode: '32', cityCode: '3205', since: '2025-03-01', workplace: '某电子厂' });

export const membersAuthz: AuthzModule = {
  setup: async (_env: TestEnv, base: BaseIds) => {
    ids = base;
  },
  cases: [
    { method: 'GET', route: '/api/members', url: () => '/api/members', allowed: 'all' },
    {
      method: 'POST',
      route: '/api/members',
      url: () => '/api/members',
      body: () => ({ name: '测试党员', gender: 'female', phone: `1770000${String(1000 + seq++).padStart(4, '0')}`, status: 'full', orgId: ids.group2 }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/members/:id', url: () => `/api/members/${ids.target}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/members/:id', url: () => `/api/members/${ids.target}`, body: () => ({ occupation: '务农' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/reveal-id', url: () => `/api/members/${ids.target}/reveal-id`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/mobility', url: () => `/api/members/${ids.target}/mobility`, body: mobility, allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/return', url: () => `/api/members/${ids.mobileTarget}/return`, body: () => ({ returnedOn: '2026-01-02' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/contact', url: () => `/api/members/${ids.target}/contact`, body: () => ({ contactedOn: '2026-01-02' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/lost-contact', url: () => `/api/members/${ids.target}/lost-contact`, allowed: SECRETARIES },
    { method: 'PUT', route: '/api/members/:id/mentor', url: () => `/api/members/${ids.target}/mentor`, body: () => ({ mentorMemberId: null }), allowed: SECRETARIES },
    { method: 'PUT', route: '/api/members/:id/elder-mode', url: () => `/api/members/${ids.target}/elder-mode`, body: () => ({ elderMode: true }), allowed: SECRETARIES },
  ],
};
