import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { shanghaiDate } from '../../src/server/clock.ts';

/**
 * Authorization cases of 我为群众办实事 (run by src/server/authorization.test.ts). The pledge, the job
 * offer, the villager looking for work and their match all belong to 第二党支部 (the pledge and the
 * offer are ids.target's): the console's lists, counts, period, follow-up, outcome and job matching
 * answer only the secretaries above it (the village secretary) and the admin. One's own calls
 * (/api/me/pledges, /api/me/jobs) pass for every account with a member record — another's offer is
 * not found for them — and refuse the admin, who has none.
 */
const SELF: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
let ids: BaseIds;
let pledgeId = '';
let offerId = '';
let seekerId = '';
let matchId = '';
const seekers: string[] = [];
let nextSeeker = 0;
const year = () => Number(shanghaiDate().slice(0, 4));

export const pledgesAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const m = await env.db.selectFrom('member').select('org_id').where('tenant_id', '=', env.tenantId).where('id', '=', ids.target).executeTakeFirstOrThrow();
    pledgeId = (
      await env.db
        .insertInto('pledge')
        .values({ tenant_id: env.tenantId, member_id: ids.target, org_id: m.org_id, year: year(), kind: 'suggestion', body: '授权测试的承诺' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    offerId = (
      await env.db
        .insertInto('job_offer')
        .values({ tenant_id: env.tenantId, member_id: ids.target, org_id: m.org_id, employer: '授权测试厂', city: '苏州', wage_min_yuan: 4000, wage_max_yuan: 6000, contact: '13900000000' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const seeker = async () =>
      (
        await env.db
          .insertInto('job_seeker')
          .values({ tenant_id: env.tenantId, org_id: ids.branch2, name: '授权测试求职人', phone: '13900000001', wanted_work: '普工' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    seekerId = await seeker();
    for (let i = 0; i < 8; i++) seekers.push(await seeker());
    matchId = (
      await env.db.insertInto('job_match').values({ tenant_id: env.tenantId, offer_id: offerId, seeker_id: seekerId }).returning('id').executeTakeFirstOrThrow()
    ).id;
  },
  cases: [
    { method: 'GET', route: '/api/me/pledges', url: () => '/api/me/pledges', allowed: SELF },
    { method: 'PUT', route: '/api/me/pledges', url: () => '/api/me/pledges', body: () => ({ items: [{ kind: 'good_deed', body: '授权测试：帮邻居修路灯' }] }), allowed: SELF },
    { method: 'GET', route: '/api/me/jobs', url: () => '/api/me/jobs', allowed: SELF },
    { method: 'POST', route: '/api/me/jobs', url: () => '/api/me/jobs', body: () => ({ employer: '授权测试公司', city: '杭州', wageMinYuan: 3000, wageMaxYuan: 5000, contact: '王经理 13900000002' }), allowed: SELF },
    { method: 'POST', route: '/api/me/jobs/:id/close', url: () => `/api/me/jobs/${offerId}/close`, allowed: SELF },
    { method: 'GET', route: '/api/pledges', url: () => `/api/pledges?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/pledges/summary', url: () => `/api/pledges/summary?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/pledges/not-pledged', url: () => `/api/pledges/not-pledged?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/pledges/period', url: () => `/api/pledges/period?orgId=${ids.branch2}`, allowed: SECRETARIES },
    {
      method: 'PUT',
      route: '/api/pledges/period',
      url: () => '/api/pledges/period',
      body: () => ({ orgId: ids.branch2, year: year(), opensOn: `${year()}-01-01`, closesOn: `${year()}-12-31` }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/pledges/:id', url: () => `/api/pledges/${pledgeId}`, allowed: SECRETARIES },
    { method: 'PUT', route: '/api/pledges/:id/follow-up', url: () => `/api/pledges/${pledgeId}/follow-up`, body: () => ({ memberId: ids.target, dueOn: shanghaiDate() }), allowed: SECRETARIES },
    { method: 'PUT', route: '/api/pledges/:id/outcome', url: () => `/api/pledges/${pledgeId}/outcome`, body: () => ({ outcome: 'in_progress' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/jobs/offers', url: () => `/api/jobs/offers?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/jobs/seekers', url: () => `/api/jobs/seekers?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/jobs/seekers', url: () => '/api/jobs/seekers', body: () => ({ orgId: ids.branch2, name: '授权测试', phone: '13900000003', wantedWork: '保洁' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/jobs/seekers/:id/close', url: () => `/api/jobs/seekers/${seekerId}/close`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/jobs/matches', url: () => `/api/jobs/matches?orgId=${ids.branch2}`, allowed: SECRETARIES },
    // each call its own open seeker, so an allowed role's match does not turn the next role's 403 into a 409
    { method: 'POST', route: '/api/jobs/matches', url: () => '/api/jobs/matches', body: () => ({ offerId, seekerId: seekers[nextSeeker++ % seekers.length] }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/jobs/matches/:id', url: () => `/api/jobs/matches/${matchId}`, body: () => ({ status: 'hired', note: '已上岗' }), allowed: SECRETARIES },
  ],
};
