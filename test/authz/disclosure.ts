import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock } from '../../src/server/clock.ts';
import { chinaMonth } from '../../src/shared/china-time.ts';

/**
 * Authorization cases of 党务公开 (run by src/server/authorization.test.ts). Months aim at
 * 第二党支部: only the secretaries above it (and the admin) draft, read, preview, change, submit,
 * review and withdraw them. The lists and the units one may disclose for answer every secretary
 * (their subtrees) and refuse the group leader, the mentor and the member. The public pages
 * (outside /api) need no login; disclosure.test.ts checks what they show.
 */
let ids: BaseIds;
let month = '';
const made: Record<'draft' | 'submit' | 'approve' | 'return' | 'withdraw', string> = { draft: '', submit: '', approve: '', return: '', withdraw: '' };
/** Each month's `updatedAt` as a reviewer reads it (approve and send back name it). */
const seen = new Map<string, string>();

const EMPTY = { orgName: '第二党支部', month: '', projects: [], hours: { teams: [], totalMinutes: 0, totalLogs: 0 }, pledges: [], donations: [] };

export const disclosureAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    month = chinaMonth(clock.now());
    const row = async (m: string, state: 'draft' | 'submitted' | 'approved') => {
      const r = await env.db
        .insertInto('disclosure')
        .values({
          tenant_id: env.tenantId,
          org_id: ids.branch2,
          month: m,
          state,
          sections: JSON.stringify({ ...EMPTY, month: m }),
          created_by_name: '授权测试',
          ...(state === 'approved' ? { approved_at: clock.now() } : {}),
        })
        .returning(['id', 'updated_at'])
        .executeTakeFirstOrThrow();
      seen.set(r.id, new Date(r.updated_at).toISOString());
      return r.id;
    };
    made.draft = await row('2001-01', 'draft');
    made.submit = await row('2001-02', 'draft');
    made.approve = await row('2001-03', 'submitted');
    made.return = await row('2001-04', 'submitted');
    made.withdraw = await row('2001-05', 'approved');
  },
  cases: [
    { method: 'GET', route: '/api/disclosures', url: () => '/api/disclosures', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/disclosures', url: () => `/api/disclosures?orgId=${ids.branch2}&state=draft`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/disclosures/units', url: () => '/api/disclosures/units', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'POST', route: '/api/disclosures', url: () => '/api/disclosures', body: () => ({ orgId: ids.branch2, month }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/disclosures/:id', url: () => `/api/disclosures/${made.draft}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/disclosures/:id/preview', url: () => `/api/disclosures/${made.draft}/preview`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/disclosures/:id', url: () => `/api/disclosures/${made.draft}`, body: () => ({ note: '说明' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/disclosures/:id/submit', url: () => `/api/disclosures/${made.submit}/submit`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/disclosures/:id/approve', url: () => `/api/disclosures/${made.approve}/approve`, body: () => ({ updatedAt: seen.get(made.approve) }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/disclosures/:id/return', url: () => `/api/disclosures/${made.return}/return`, body: () => ({ reason: '请补充', updatedAt: seen.get(made.return) }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/disclosures/:id/withdraw', url: () => `/api/disclosures/${made.withdraw}/withdraw`, allowed: SECRETARIES },
    // The public pages: no login, every role alike (a draft is 404 for all).
    { method: 'GET', route: '/open/:orgId', url: () => `/open/${ids.branch2}`, allowed: 'all', public: true },
    { method: 'GET', route: '/open/:orgId/:month', url: () => `/open/${ids.branch2}/2001-05`, allowed: 'all', public: true },
  ],
};
