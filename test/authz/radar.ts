import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the drift radar (run by src/server/authorization.test.ts). The drift list
 * aims at 第二党支部 (care.manage: the secretaries above it); a member's engagement and timeline
 * aim at members there and at a mobile member nobody among the test roles mentors (care.read: their
 * mentor and the secretaries above them), so only the admin and the village secretary pass.
 */
let ids: BaseIds;

export const radarAuthz: AuthzModule = {
  setup: async (_env: TestEnv, base: BaseIds) => {
    ids = base;
  },
  cases: [
    { method: 'GET', route: '/api/drift', url: () => `/api/drift?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/engagement', url: () => `/api/members/${ids.target}/engagement`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/engagement', url: () => `/api/members/${ids.mobileTarget}/engagement`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/timeline', url: () => `/api/members/${ids.mobileTarget}/timeline?limit=5`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/timeline', url: () => `/api/members/${ids.target}/timeline`, allowed: SECRETARIES },
  ],
};
