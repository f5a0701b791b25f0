import type { AuthzModule, Role } from '../support/authz.ts';
import { memberIdByPhone, PHONES } from '../support/harness.ts';

/**
 * Authorization cases of the outbox's own route (run by src/server/authorization.test.ts): a notice
 * opened from its link. Every account with a member record gets through (its own notice is marked,
 * anyone else's is "not found"); the tenant admin, who has no member record, is refused.
 */
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
const ids = { notice: '' };

export const notifyAuthz: AuthzModule = {
  setup: async (env) => {
    const memberId = await memberIdByPhone(env, PHONES.mobileMember);
    const row = await env.db
      .insertInto('notification')
      .values({ tenant_id: env.tenantId, source_kind: 'push', source_id: crypto.randomUUID(), channel: 'sms', recipient_id: memberId, member_id: memberId, template_key: 'study', link: 'study', status: 'sent' })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.notice = row.id;
  },
  cases: [{ method: 'POST', route: '/api/me/notices/:id/opened', url: () => `/api/me/notices/${ids.notice}/opened`, allowed: MEMBERS }],
};
