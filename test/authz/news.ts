import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock } from '../../src/server/clock.ts';

/**
 * Authorization cases of the news routes (run by src/server/authorization.test.ts). Items aim at
 * 第二党支部: only the secretaries above it (and the admin) draft, read, review, withdraw and add to
 * the library; its 通讯员 are named by them. The lists and the units one may draft for answer
 * every secretary (their subtrees) and refuse the group leader, the mentor and the member, who
 * are nobody's 通讯员 here. The public pages (outside /api) need no login: they are checked too.
 */
let ids: BaseIds;
let draftId = '';
let reviewId = '';
let returnId = '';
/** Each item's `updatedAt` as a reviewer reads it (approve and send back name it). */
const seen = new Map<string, string>();
let liveId = '';
let libraryId = '';
let withdrawId = '';
let removableAccount = '';

export const newsAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const item = async (title: string, status: 'draft' | 'in_review' | 'approved', live = false) => {
      const row = await env.db
        .insertInto('news_item')
        .values({
          tenant_id: env.tenantId,
          org_id: ids.branch2,
          title,
          body_html: '<p>正文</p>',
          author_name: '授权测试',
          status,
          ...(live
            ? { published_version: 1, published_title: title, published_summary: '', published_body_html: '<p>正文</p>', published_at: clock.now(), first_published_at: clock.now() }
            : {}),
        })
        .returning(['id', 'updated_at'])
        .executeTakeFirstOrThrow();
      seen.set(row.id, new Date(row.updated_at).toISOString());
      return row.id;
    };
    draftId = await item('草稿', 'draft');
    reviewId = await item('待审核', 'in_review');
    returnId = await item('待退回', 'in_review');
    liveId = await item('已发布', 'approved', true);
    libraryId = await item('加入资料库', 'approved', true);
    withdrawId = await item('待撤回', 'approved', true);
    // A group leader's account inside 第二党支部 to name (and one already named, to remove).
    const group = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('id', '=', ids.group2).executeTakeFirstOrThrow();
    const made = await env.db
      .insertInto('account')
      .values({ tenant_id: env.tenantId, phone: '13800009901', display_name: '授权测试小组长', password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    removableAccount = made.id;
    await env.db.insertInto('role_assignment').values({ tenant_id: env.tenantId, account_id: removableAccount, role: 'group_leader', org_id: group.id }).execute();
  },
  cases: [
    { method: 'GET', route: '/api/news', url: () => '/api/news', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/news', url: () => `/api/news?orgId=${ids.branch2}&status=draft`, allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/news/units', url: () => '/api/news/units', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'POST', route: '/api/news', url: () => '/api/news', body: () => ({ orgId: ids.branch2, title: '新稿', bodyHtml: '<p>x</p>' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/news/:id', url: () => `/api/news/${draftId}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/news/:id', url: () => `/api/news/${draftId}`, body: () => ({ title: '改标题' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/news/:id/submit', url: () => `/api/news/${draftId}/submit`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/news/:id/approve', url: () => `/api/news/${reviewId}/approve`, body: () => ({ updatedAt: seen.get(reviewId) }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/news/:id/return', url: () => `/api/news/${returnId}/return`, body: () => ({ note: '请修改', updatedAt: seen.get(returnId) }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/news/:id/withdraw', url: () => `/api/news/${withdrawId}/withdraw`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/news/:id/to-library', url: () => `/api/news/${libraryId}/to-library`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/news-editors', url: () => `/api/news-editors?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/news-editors', url: () => '/api/news-editors', body: () => ({ orgId: ids.branch2, accountId: removableAccount }), allowed: SECRETARIES },
    { method: 'DELETE', route: '/api/news-editors/:orgId/:accountId', url: () => `/api/news-editors/${ids.branch2}/${removableAccount}`, allowed: SECRETARIES },
    // The public pages: no login, every role alike (a draft is 404 for all; news.test.ts checks what they show).
    { method: 'GET', route: '/news/:orgId', url: () => `/news/${ids.branch2}`, allowed: 'all', public: true },
    { method: 'GET', route: '/news/:orgId/:itemId', url: () => `/news/${ids.branch2}/${liveId}`, allowed: 'all', public: true },
    { method: 'GET', route: '/news/:orgId/files/:fileId', url: () => `/news/${ids.branch2}/files/${draftId}`, allowed: 'all', public: true },
  ],
};
