import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock, shanghaiDate } from '../../src/server/clock.ts';
import { addDays } from '../../src/shared/china-time.ts';

/**
 * Authorization cases of 值守 (run by src/server/authorization.test.ts). The roster belongs to
 * 第二党支部; its shift tomorrow has ids.target on it, with a swap open to anyone:
 * - the console (rosters, the week, adding a shift, marking who served): the secretaries above it;
 * - one's own duty (GET /api/me/duty): every account with a member record, never the tenant admin;
 * - signing up for the shift, taking the swap: members of 第二党支部 only (none of the test roles);
 * - cancelling, asking a swap, the comrades to ask, withdrawing the swap: the assignment's member
 *   only; declining: a comrade the swap names (none).
 */
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
let rosterId = '';
let shiftId = '';
let assignmentId = '';
let swapId = '';
let branch2 = '';

export const dutyAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    const roster = await env.db.insertInto('duty_roster').values({ tenant_id: env.tenantId, org_id: ids.branch2, title: '授权测试的值守' }).returning('id').executeTakeFirstOrThrow();
    rosterId = roster.id;
    const start = new Date(clock.now().getTime() + 86_400_000);
    const shift = await env.db
      .insertInto('duty_shift')
      .values({ tenant_id: env.tenantId, roster_id: rosterId, starts_at: start, ends_at: new Date(start.getTime() + 3_600_000), capacity: 5 })
      .returning('id')
      .executeTakeFirstOrThrow();
    shiftId = shift.id;
    const a = await env.db.insertInto('duty_assignment').values({ tenant_id: env.tenantId, shift_id: shiftId, member_id: ids.target }).returning('id').executeTakeFirstOrThrow();
    assignmentId = a.id;
    const w = await env.db.insertInto('duty_swap').values({ tenant_id: env.tenantId, assignment_id: assignmentId, from_member_id: ids.target }).returning('id').executeTakeFirstOrThrow();
    swapId = w.id;
  },
  cases: [
    { method: 'GET', route: '/api/duty/rosters', url: () => `/api/duty/rosters?orgId=${branch2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/duty/rosters', url: () => '/api/duty/rosters', body: () => ({ orgId: branch2, title: '授权测试' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/duty/rosters/:id', url: () => `/api/duty/rosters/${rosterId}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/duty/rosters/:id/shifts',
      url: () => `/api/duty/rosters/${rosterId}/shifts`,
      body: () => ({ day: addDays(shanghaiDate(clock.now()), 2), start: '08:00', end: '12:00', capacity: 2 }),
      allowed: SECRETARIES,
    },
    { method: 'POST', route: '/api/duty/assignments/:id/served', url: () => `/api/duty/assignments/${assignmentId}/served`, body: () => ({ served: 'served' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/me/duty', url: () => '/api/me/duty', allowed: MEMBERS },
    { method: 'POST', route: '/api/me/duty/shifts/:id/signup', url: () => `/api/me/duty/shifts/${shiftId}/signup`, allowed: [] },
    { method: 'DELETE', route: '/api/me/duty/assignments/:id', url: () => `/api/me/duty/assignments/${assignmentId}`, allowed: [] },
    { method: 'GET', route: '/api/me/duty/assignments/:id/comrades', url: () => `/api/me/duty/assignments/${assignmentId}/comrades`, allowed: [] },
    { method: 'POST', route: '/api/me/duty/assignments/:id/swap', url: () => `/api/me/duty/assignments/${assignmentId}/swap`, body: () => ({}), allowed: [] },
    { method: 'POST', route: '/api/me/duty/swaps/:id/accept', url: () => `/api/me/duty/swaps/${swapId}/accept`, allowed: [] },
    { method: 'POST', route: '/api/me/duty/swaps/:id/withdraw', url: () => `/api/me/duty/swaps/${swapId}/withdraw`, allowed: [] },
    { method: 'POST', route: '/api/me/duty/swaps/:id/decline', url: () => `/api/me/duty/swaps/${swapId}/decline`, allowed: [] },
  ],
};
