import { ROLES, SECRETARIES as SECRETARIES_OF_BRANCH2, type AuthzModule } from '../support/authz.ts';
import { contextFor, memberIdByPhone, PHONES } from '../support/harness.ts';
import { createStudyItem } from '../../src/server/modules/library/service.ts';
import { createPush } from '../../src/server/modules/pushes/service.ts';
import { clock } from '../../src/server/clock.ts';

/** Authorization cases of the pushes routes (run by src/server/authorization.test.ts). */
const WITH_MEMBER_RECORD = ROLES.filter((r) => r !== 'admin');
const ids = { branch2: '', item: '', planned: '', toCancel: '', delivered: '' };
const later = () => new Date(clock.now().getTime() + 24 * 3_600_000).toISOString();

export const pushesAuthz: AuthzModule = {
  setup: async (env, base) => {
    ids.branch2 = base.branch2;
    const admin = await contextFor(env, PHONES.tenantAdmin);
    const item = await createStudyItem(env.db, admin, { orgId: base.branch2, kind: 'article', title: '二支部推送内容', category: 'theory', tags: [], bodyHtml: '<p>正文</p>', minutes: 3 });
    ids.item = item.id;
    const plan = { orgId: base.branch2, title: '二支部每日一推送', plannedAt: later(), itemIds: [item.id], audience: 'subtree' as const, memberIds: [] };
    ids.planned = (await createPush(env.db, admin, plan)).id;
    ids.toCancel = (await createPush(env.db, admin, plan)).id;
    // Delivered to the member role directly (the member sits outside 第二党支部's audience).
    const delivered = await createPush(env.db, admin, plan);
    ids.delivered = delivered.id;
    await env.db.updateTable('push').set({ status: 'delivered', delivered_at: clock.now() }).where('id', '=', delivered.id).execute();
    await env.db.insertInto('push_delivery').values({ tenant_id: env.tenantId, push_id: delivered.id, member_id: await memberIdByPhone(env, PHONES.mobileMember) }).execute();
  },
  cases: [
    { method: 'GET', route: '/api/pushes', url: () => '/api/pushes', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    {
      method: 'POST',
      route: '/api/pushes',
      url: () => '/api/pushes',
      body: () => ({ orgId: ids.branch2, title: '新推送', plannedAt: later(), itemIds: [ids.item], audience: 'subtree' }),
      allowed: SECRETARIES_OF_BRANCH2,
    },
    { method: 'GET', route: '/api/pushes/:id', url: () => `/api/pushes/${ids.planned}`, allowed: SECRETARIES_OF_BRANCH2 },
    { method: 'PATCH', route: '/api/pushes/:id', url: () => `/api/pushes/${ids.planned}`, body: () => ({ title: '改标题' }), allowed: SECRETARIES_OF_BRANCH2 },
    { method: 'POST', route: '/api/pushes/:id/cancel', url: () => `/api/pushes/${ids.toCancel}/cancel`, allowed: SECRETARIES_OF_BRANCH2 },
    // Every account with a member record has an inbox; others' pushes answer 404 (not theirs).
    { method: 'GET', route: '/api/me/inbox', url: () => '/api/me/inbox', allowed: WITH_MEMBER_RECORD },
    { method: 'POST', route: '/api/me/inbox/:pushId/open', url: () => `/api/me/inbox/${ids.delivered}/open`, allowed: WITH_MEMBER_RECORD },
    {
      method: 'POST',
      route: '/api/me/inbox/:pushId/read',
      url: () => `/api/me/inbox/${ids.delivered}/read`,
      body: () => ({ itemId: ids.item, seconds: 120, reachedEnd: true }),
      allowed: WITH_MEMBER_RECORD,
    },
  ],
};
