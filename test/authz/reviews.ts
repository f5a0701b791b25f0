import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { shanghaiDate } from '../../src/server/clock.ts';
import { previousQuarter, quarterDays, quarterOf } from '../../src/shared/api-reviews.ts';
import { DEFAULT_RUBRIC } from '../../src/server/modules/reviews/rubric.ts';
import { gatherEvidence } from '../../src/server/modules/reviews/evidence-repo.ts';

/**
 * Authorization cases of the quarterly review (季度一评议), run by src/server/authorization.test.ts.
 * The round and the rubric belong to 第二党支部: only the secretaries above it (and the admin)
 * pass. The round list answers every secretary (their subtrees); the group leader, the mentor and
 * a plain member get 403. The member's own review answers every account with a member record
 * (a round they are not part of is 404 to them); the admin account has none.
 */
let ids: BaseIds;
let roundId = '';
const SELF = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'] as const;

export const reviewsAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const quarter = previousQuarter(previousQuarter(quarterOf(shanghaiDate())));
    const row = await env.db
      .insertInto('review_round')
      .values({ tenant_id: env.tenantId, org_id: ids.branch2, quarter, status: 'open', rubric: JSON.stringify(DEFAULT_RUBRIC) })
      .returning('id')
      .executeTakeFirstOrThrow();
    roundId = row.id;
    const evidence = await gatherEvidence(env.db, env.tenantId, [ids.target], quarterDays(quarter));
    await env.db.insertInto('review_entry').values({ tenant_id: env.tenantId, round_id: roundId, member_id: ids.target, evidence: JSON.stringify(evidence.get(ids.target)) }).execute();
  },
  cases: [
    { method: 'GET', route: '/api/reviews/rounds', url: () => '/api/reviews/rounds', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/reviews/rounds', url: () => `/api/reviews/rounds?orgId=${ids.branch2}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/reviews/rounds',
      url: () => '/api/reviews/rounds',
      body: () => ({ orgId: ids.branch2, quarter: quarterOf(shanghaiDate()) }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/reviews/rounds/:id', url: () => `/api/reviews/rounds/${roundId}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/reviews/rounds/:id/evidence', url: () => `/api/reviews/rounds/${roundId}/evidence`, allowed: SECRETARIES },
    {
      method: 'PUT',
      route: '/api/reviews/rounds/:id/entries/:memberId/inflow',
      url: () => `/api/reviews/rounds/${roundId}/entries/${ids.target}/inflow`,
      body: () => ({ inflowOpinion: { orgName: '苏州工业园区某公司党支部', text: '表现良好' } }),
      allowed: SECRETARIES,
    },
    {
      method: 'PUT',
      route: '/api/reviews/rounds/:id/entries/:memberId/comment',
      url: () => `/api/reviews/rounds/${roundId}/entries/${ids.target}/comment`,
      body: () => ({ comment: '继续保持' }),
      allowed: SECRETARIES,
    },
    { method: 'POST', route: '/api/reviews/rounds/:id/scoring', url: () => `/api/reviews/rounds/${roundId}/scoring`, allowed: SECRETARIES },
    {
      method: 'PUT',
      route: '/api/reviews/rounds/:id/entries/:memberId/scores',
      url: () => `/api/reviews/rounds/${roundId}/entries/${ids.target}/scores`,
      body: () => ({ scores: { org_life: 20 } }),
      allowed: SECRETARIES,
    },
    { method: 'POST', route: '/api/reviews/rounds/:id/publish', url: () => `/api/reviews/rounds/${roundId}/publish`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/reviews/rounds/:id/export', url: () => `/api/reviews/rounds/${roundId}/export`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/reviews/rubrics/:orgId', url: () => `/api/reviews/rubrics/${ids.branch2}`, allowed: SECRETARIES },
    {
      method: 'PUT',
      route: '/api/reviews/rubrics/:orgId',
      url: () => `/api/reviews/rubrics/${ids.branch2}`,
      body: () => ({ items: DEFAULT_RUBRIC }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/me/review', url: () => '/api/me/review', allowed: [...SELF] },
    {
      method: 'PUT',
      route: '/api/me/review/rounds/:id/summary',
      url: () => `/api/me/review/rounds/${roundId}/summary`,
      body: () => ({ text: '本季度按时参加线上学习。' }),
      allowed: [...SELF],
    },
    { method: 'POST', route: '/api/me/review/rounds/:id/seen', url: () => `/api/me/review/rounds/${roundId}/seen`, allowed: [...SELF] },
  ],
};
