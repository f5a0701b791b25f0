import { randomUUID } from 'node:crypto';
import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import { contextFor, PHONES, type TestEnv } from '../support/harness.ts';
import { createRound } from '../../src/server/modules/evaluations/service.ts';

/**
 * Authorization cases of the annual evaluation (民主评议党员), run by src/server/authorization.test.ts.
 * The console routes aim at a round of 第二党支部: only the secretaries above it (and the admin) pass;
 * the round list without a unit answers every secretary (their subtrees). The member routes aim at a
 * round of 第二党支部, where none of the test roles is a member (403 for all), and at one of 第一党支部,
 * where the five demo people are members (the admin has no member record: 403).
 */
let ids: BaseIds;
let round2 = '';
let round1 = '';
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];

export const evaluationsAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const secretary = await contextFor(env, PHONES.generalSecretary);
    round2 = (await createRound(env.db, secretary, { orgId: ids.branch2, year: 2030 })).id;
    const branch1 = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow();
    round1 = (await createRound(env.db, secretary, { orgId: branch1.id, year: 2030 })).id;
  },
  cases: [
    { method: 'GET', route: '/api/evaluations', url: () => '/api/evaluations', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/evaluations', url: () => `/api/evaluations?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/evaluations', url: () => '/api/evaluations', body: () => ({ orgId: ids.branch2, year: 2031 }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/evaluations/:id', url: () => `/api/evaluations/${round2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/evaluations/:id/phase', url: () => `/api/evaluations/${round2}/phase`, body: () => ({ phase: 'self' }), allowed: SECRETARIES },
    { method: 'PUT', route: '/api/evaluations/:id/paper', url: () => `/api/evaluations/${round2}/paper`, body: () => ({ paperBallots: 0, counts: [] }), allowed: SECRETARIES },
    { method: 'PUT', route: '/api/evaluations/:id/proposal', url: () => `/api/evaluations/${round2}/proposal`, body: () => ({ grades: [] }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/evaluations/:id/final', url: () => `/api/evaluations/${round2}/final`, body: () => ({ grades: [] }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/evaluations/:id/export', url: () => `/api/evaluations/${round2}/export`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/evaluation-cap', url: () => `/api/evaluation-cap?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'PUT', route: '/api/evaluation-cap', url: () => '/api/evaluation-cap', body: () => ({ orgId: ids.branch2, cap: { num: 1, den: 3 } }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/me/evaluations', url: () => '/api/me/evaluations', allowed: MEMBERS },
    { method: 'GET', route: '/api/me/evaluations/:id', url: () => `/api/me/evaluations/${round1}`, allowed: MEMBERS },
    { method: 'GET', route: '/api/me/evaluations/:id', url: () => `/api/me/evaluations/${round2}`, allowed: [] },
    { method: 'PUT', route: '/api/me/evaluations/:id/self', url: () => `/api/me/evaluations/${round1}/self`, body: () => ({ text: '自我评价' }), allowed: MEMBERS },
    { method: 'PUT', route: '/api/me/evaluations/:id/self', url: () => `/api/me/evaluations/${round2}/self`, body: () => ({ text: '自我评价' }), allowed: [] },
    { method: 'POST', route: '/api/me/evaluations/:id/ballot', url: () => `/api/me/evaluations/${round1}/ballot`, body: () => ({ receipt: randomUUID(), grades: {} }), allowed: MEMBERS },
    { method: 'POST', route: '/api/me/evaluations/:id/ballot', url: () => `/api/me/evaluations/${round2}/ballot`, body: () => ({ receipt: randomUUID(), grades: {} }), allowed: [] },
  ],
};
