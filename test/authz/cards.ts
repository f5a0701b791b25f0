import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { clock } from '../../src/server/clock.ts';

/**
 * Authorization cases of the card routes (run by src/server/authorization.test.ts). The campaign
 * belongs to 第二党支部 and is already sent (so deleting it answers 409 to those allowed, and stays
 * for the next role); its posted card is addressed to the mobile target. Only the secretaries above
 * 第二党支部 (and the admin) manage it, print contact cards of its members and list its birthdays.
 * Every account with a member record may list its own cards; opening the target's card answers them
 * 404 (not theirs). The admin account has no member record: 403 in the member app.
 */
let ids: BaseIds;
let campaignId = '';
let cardId = '';
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];

export const cardsAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    const now = clock.now();
    const campaign = await env.db
      .insertInto('card_campaign')
      .values({
        tenant_id: env.tenantId,
        org_id: base.branch2,
        occasion: 'dragon_boat',
        title: '端午安康',
        greeting: '授权测试',
        signature: '第二党支部',
        send_on: '2026-06-19',
        sent_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    campaignId = campaign.id;
    const card = await env.db
      .insertInto('card')
      .values({ tenant_id: env.tenantId, campaign_id: campaignId, member_id: base.mobileTarget, channel: 'both', address: '江苏省苏州市吴中区 电子厂', post_status: 'pending', sent_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    cardId = card.id;
  },
  cases: [
    { method: 'GET', route: '/api/card-campaigns', url: () => `/api/card-campaigns?orgId=${ids.branch2}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/card-campaigns',
      url: () => '/api/card-campaigns',
      body: () => ({ orgId: ids.branch2, occasion: 'custom', title: '七一问候', greeting: '授权测试', sendOn: '2027-07-01', audience: 'all' }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/card-campaigns/:id', url: () => `/api/card-campaigns/${campaignId}`, allowed: SECRETARIES },
    { method: 'DELETE', route: '/api/card-campaigns/:id', url: () => `/api/card-campaigns/${campaignId}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/card-campaigns/:id/cards/bulk',
      url: () => `/api/card-campaigns/${campaignId}/cards/bulk`,
      body: () => ({ cardIds: [cardId], postStatus: 'posted' }),
      allowed: SECRETARIES,
    },
    { method: 'PATCH', route: '/api/cards/:id', url: () => `/api/cards/${cardId}`, body: () => ({ postNote: '已电话确认地址' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/me/cards', url: () => '/api/me/cards', allowed: MEMBERS },
    { method: 'POST', route: '/api/me/cards/:id/open', url: () => `/api/me/cards/${cardId}/open`, allowed: MEMBERS },
    { method: 'GET', route: '/api/contact-cards', url: () => `/api/contact-cards?memberId=${ids.target}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/contact-cards', url: () => `/api/contact-cards?gridId=${ids.grid}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/birthdays', url: () => `/api/birthdays?orgId=${ids.branch2}`, allowed: SECRETARIES },
  ],
};
