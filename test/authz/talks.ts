import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { shanghaiDate } from '../../src/server/clock.ts';

/**
 * Authorization cases of the talks routes (run by src/server/authorization.test.ts). The talks and
 * the mentoring overview aim at 第二党支部 and its members: only the secretaries above it (and the
 * admin) pass. Without a unit or a member, the talk list answers secretaries (their subtrees) and
 * mentors (their mentees' talks); the group leader and a plain member get 403. Every account with
 * a member record may ask for its own mentees and its own records; the admin account has none.
 */
let ids: BaseIds;
let talkId = '';
const SELF = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'] as const;

export const talksAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const row = await env.db
      .insertInto('talk')
      .values({ tenant_id: env.tenantId, member_id: ids.target, talked_on: '2026-01-05', channel: 'phone', talker_name: '授权测试', summary: '授权测试的谈话' })
      .returning('id')
      .executeTakeFirstOrThrow();
    talkId = row.id;
  },
  cases: [
    {
      method: 'POST',
      route: '/api/talks',
      url: () => '/api/talks',
      body: () => ({ memberId: ids.target, talkedOn: shanghaiDate(), channel: 'wechat', summary: '微信聊了近况' }),
      allowed: SECRETARIES,
    },
    {
      method: 'POST',
      route: '/api/talks',
      url: () => '/api/talks',
      body: () => ({ memberId: ids.mobileTarget, talkedOn: shanghaiDate(), channel: 'phone', summary: '电话问候', followUpNeeded: true }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/talks', url: () => `/api/talks?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/talks', url: () => `/api/talks?memberId=${ids.target}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/talks', url: () => '/api/talks', allowed: ['admin', 'villageSecretary', 'branchSecretary', 'mentor'] },
    { method: 'GET', route: '/api/talks/:id', url: () => `/api/talks/${talkId}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/talks/:id', url: () => `/api/talks/${talkId}`, body: () => ({ concerns: '孩子上学的事' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/mentoring', url: () => `/api/mentoring?orgId=${ids.branch2}&scope=all`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/mentoring', url: () => '/api/mentoring', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/members/:id/mentorships', url: () => `/api/members/${ids.mobileTarget}/mentorships`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/me/mentees', url: () => '/api/me/mentees', allowed: [...SELF] },
    { method: 'GET', route: '/api/me/records', url: () => '/api/me/records', allowed: [...SELF] },
  ],
};
