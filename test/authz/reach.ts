import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of module reach (run by src/server/authorization.test.ts). The unreachable
 * list aims at 第二党支部 (care.manage: the secretaries above it); one member's channels aim at a
 * member there and at a mobile member nobody among the test roles mentors (member.read), so only
 * the admin and the village secretary pass.
 */
let ids: BaseIds;

export const reachAuthz: AuthzModule = {
  setup: async (_env: TestEnv, base: BaseIds) => {
    ids = base;
  },
  cases: [
    { method: 'GET', route: '/api/reach/unreachable', url: () => `/api/reach/unreachable?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/reach/unreachable', url: () => `/api/reach/unreachable?orgId=${ids.group2}&missing=sms`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/reach', url: () => `/api/members/${ids.target}/reach`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/reach', url: () => `/api/members/${ids.mobileTarget}/reach`, allowed: SECRETARIES },
  ],
};
