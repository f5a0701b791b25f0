import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock, shanghaiDate } from '../../src/server/clock.ts';
import { addDays } from '../../src/shared/china-time.ts';

/**
 * Authorization cases of 有问必答 (run by src/server/authorization.test.ts). The questions and FAQ
 * entries belong to ids.target, a member of 第二党支部 with no mentor among the test roles: only the
 * secretaries above it (and the admin) answer them and edit the FAQ. The list without a unit answers
 * every secretary (their subtrees) and the mentor (the questions routed to them; a mentor without
 * mentees gets 403 there); the group leader and a plain member get 403. One's own calls (/api/me/…) pass for every account with a member record — another's
 * question is not found for them — and refuse the admin, who has none. Each DELETE call gets an
 * entry of its own, so an entry deleted by one role does not turn the next role's 403 into a 404.
 */
let ids: BaseIds;
let questionId = '';
let faqId = '';
const spare: string[] = [];
let spareNext = 0;
const SELF = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'] as const;

async function insertFaq(env: TestEnv, org: string): Promise<string> {
  const row = await env.db
    .insertInto('faq_entry')
    .values({ tenant_id: env.tenantId, org_id: org, question_text: '授权测试的问题', answer_text: '授权测试的回答', source_question_id: questionId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const questionsAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const m = await env.db.selectFrom('member').select('org_id').where('tenant_id', '=', env.tenantId).where('id', '=', ids.target).executeTakeFirstOrThrow();
    const row = await env.db
      .insertInto('question')
      .values({ tenant_id: env.tenantId, member_id: ids.target, org_id: m.org_id, branch_org_id: ids.branch2, body: '授权测试的提问', publishable: true, due_on: addDays(shanghaiDate(), 2), status: 'answered', answered_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    questionId = row.id;
    faqId = await insertFaq(env, ids.branch2);
    for (let i = 0; i < 8; i++) spare.push(await insertFaq(env, ids.branch2));
  },
  cases: [
    { method: 'POST', route: '/api/me/questions', url: () => '/api/me/questions', body: () => ({ body: '授权测试：我想问一个问题', publishable: false }), allowed: [...SELF] },
    { method: 'GET', route: '/api/me/questions', url: () => '/api/me/questions', allowed: [...SELF] },
    { method: 'GET', route: '/api/me/questions/:id', url: () => `/api/me/questions/${questionId}`, allowed: [...SELF] },
    { method: 'POST', route: '/api/me/questions/:id/seen', url: () => `/api/me/questions/${questionId}/seen`, allowed: [...SELF] },
    { method: 'GET', route: '/api/me/faq', url: () => '/api/me/faq', allowed: [...SELF] },
    { method: 'GET', route: '/api/me/mentee-questions', url: () => '/api/me/mentee-questions', allowed: [...SELF] },
    { method: 'GET', route: '/api/questions', url: () => `/api/questions?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/questions', url: () => '/api/questions?status=overdue', allowed: ['admin', 'villageSecretary', 'branchSecretary', 'mentor'] },
    { method: 'GET', route: '/api/questions/:id', url: () => `/api/questions/${questionId}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/questions/:id/answers', url: () => `/api/questions/${questionId}/answers`, body: () => ({ body: '授权测试的回复' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/questions/faq', url: () => `/api/questions/faq?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/questions/faq', url: () => '/api/questions/faq', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'POST', route: '/api/questions/faq', url: () => '/api/questions/faq', body: () => ({ questionId, question: '授权测试的问题', answer: '授权测试的回答' }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/questions/faq/:id', url: () => `/api/questions/faq/${faqId}`, body: () => ({ answer: '改过的回答' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/questions/faq/:id/publish', url: () => `/api/questions/faq/${faqId}/publish`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/questions/faq/:id/unpublish', url: () => `/api/questions/faq/${faqId}/unpublish`, allowed: SECRETARIES },
    { method: 'DELETE', route: '/api/questions/faq/:id', url: () => `/api/questions/faq/${spare[spareNext++ % spare.length] as string}`, allowed: SECRETARIES },
  ],
};
