import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock } from '../../src/server/clock.ts';
import { chinaMonth } from '../../src/shared/china-time.ts';

/**
 * Authorization cases of 每月一互动 (run by src/server/authorization.test.ts). The post, its
 * comment and the topic belong to 第二党支部 (the post is ids.target's, for that branch only):
 * - the member app's feed and posting: every account with a member record, never the tenant admin;
 * - the post, its comments and likes: whoever sees it — its branch's members (none of the test
 *   roles) and the secretaries above it who are members (the village secretary); deleting the post
 *   or the comment: only their author (none of the test roles);
 * - the console (list, detail, hiding, topics, who has shared): the secretaries above 第二党支部.
 */
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
let postId = '';
let commentId = '';
let topicId = '';
let branch2 = '';

export const sharesAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    const branch = await env.db.selectFrom('org').select(['id', 'path']).where('id', '=', ids.branch2).executeTakeFirstOrThrow();
    const member = await env.db.selectFrom('member').select('org_id').where('id', '=', ids.target).executeTakeFirstOrThrow();
    const post = await env.db
      .insertInto('share_post')
      .values({
        tenant_id: env.tenantId,
        member_id: ids.target,
        org_id: member.org_id,
        kind: 'work',
        body: '授权测试的分享',
        audience: 'branch',
        audience_org_id: branch.id,
        audience_path: branch.path,
        created_at: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    postId = post.id;
    const comment = await env.db
      .insertInto('share_comment')
      .values({ tenant_id: env.tenantId, post_id: postId, member_id: ids.target, body: '授权测试的评论', created_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    commentId = comment.id;
    const month = chinaMonth(clock.now());
    const topic = await env.db
      .insertInto('share_topic')
      .values({ tenant_id: env.tenantId, org_id: ids.branch2, month, title: '授权测试的话题', due_on: `${month}-28` })
      .returning('id')
      .executeTakeFirstOrThrow();
    topicId = topic.id;
  },
  cases: [
    { method: 'GET', route: '/api/me/shares', url: () => '/api/me/shares?scope=village', allowed: MEMBERS },
    { method: 'GET', route: '/api/me/shares/:id', url: () => `/api/me/shares/${postId}`, allowed: ['villageSecretary'] },
    { method: 'POST', route: '/api/me/shares', url: () => '/api/me/shares', body: () => ({ kind: 'study', body: '授权测试：新的分享', audience: 'branch' }), allowed: MEMBERS },
    { method: 'DELETE', route: '/api/me/shares/:id', url: () => `/api/me/shares/${postId}`, allowed: [] },
    { method: 'POST', route: '/api/me/shares/:id/comments', url: () => `/api/me/shares/${postId}/comments`, body: () => ({ body: '授权测试' }), allowed: ['villageSecretary'] },
    { method: 'DELETE', route: '/api/me/share-comments/:id', url: () => `/api/me/share-comments/${commentId}`, allowed: [] },
    { method: 'PUT', route: '/api/me/shares/:id/like', url: () => `/api/me/shares/${postId}/like`, allowed: ['villageSecretary'] },
    { method: 'DELETE', route: '/api/me/shares/:id/like', url: () => `/api/me/shares/${postId}/like`, allowed: ['villageSecretary'] },
    { method: 'GET', route: '/api/shares', url: () => `/api/shares?orgId=${branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/shares/participation', url: () => `/api/shares/participation?orgId=${branch2}&month=${chinaMonth(clock.now())}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/shares/:id', url: () => `/api/shares/${postId}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/shares/:id/hide', url: () => `/api/shares/${postId}/hide`, body: () => ({ reason: '授权测试' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/shares/:id/unhide', url: () => `/api/shares/${postId}/unhide`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/share-comments/:id/hide', url: () => `/api/share-comments/${commentId}/hide`, body: () => ({ reason: '授权测试' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/share-comments/:id/unhide', url: () => `/api/share-comments/${commentId}/unhide`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/share-topics', url: () => `/api/share-topics?orgId=${branch2}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/share-topics',
      url: () => '/api/share-topics',
      body: () => ({ orgId: branch2, month: chinaMonth(clock.now()), title: '授权测试', dueOn: `${chinaMonth(clock.now())}-28` }),
      allowed: SECRETARIES,
    },
    { method: 'PATCH', route: '/api/share-topics/:id', url: () => `/api/share-topics/${topicId}`, body: () => ({ title: '授权测试（改）' }), allowed: SECRETARIES },
  ],
};
