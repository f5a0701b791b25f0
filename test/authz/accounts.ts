import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { PHONE_OF, SECRETARIES } from '../support/authz.ts';
import { sql } from 'kysely';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of leaders and member-app logins (run by src/server/authorization.test.ts).
 * Besides a member of 第二党支部, a login is issued on a member of 第一党小组 whose login is
 * secretary of 第二党支部: the branch secretary of 第一党支部 may edit that member's record, but not
 * take over a login that reaches beyond their branch.
 */
let ids: BaseIds;
const UNKNOWN_TOKEN = 'A'.repeat(43);
let reachingMember = '';

export const accountsAuthz: AuthzModule = {
  setup: async (env: TestEnv, base: BaseIds) => {
    ids = base;
    // A member of 第一党支部 who is none of the test roles, given a login that is secretary of 第二党支部.
    const { rows } = await sql<{ id: string; name: string; phone: string; account_id: string | null }>`
      SELECT m.id, m.name, m.phone, a.id AS account_id
      FROM member m
        JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
        JOIN org b ON b.tenant_id = o.tenant_id AND o.path LIKE b.path || '%' AND b.name = '第一党支部'
        LEFT JOIN account a ON a.tenant_id = m.tenant_id AND a.member_id = m.id
      WHERE m.tenant_id = ${env.tenantId} AND m.left_at IS NULL AND m.phone <> ALL(${Object.values(PHONE_OF)})
        AND NOT EXISTS (SELECT 1 FROM role_assignment r WHERE r.tenant_id = m.tenant_id AND r.account_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM account x WHERE x.tenant_id = m.tenant_id AND x.phone = m.phone AND x.member_id IS DISTINCT FROM m.id)
      ORDER BY m.name LIMIT 1`.execute(env.db);
    const member = rows[0];
    if (!member) throw new Error('no member of 第一党支部 to give a reaching login');
    reachingMember = member.id;
    const account =
      member.account_id ??
      (
        await env.db
          .insertInto('account')
          .values({ tenant_id: env.tenantId, phone: member.phone, display_name: member.name, password_hash: 'not-a-hash', member_id: member.id })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    await env.db.insertInto('role_assignment').values({ tenant_id: env.tenantId, account_id: account, role: 'secretary', org_id: ids.branch2 }).execute();
  },
  cases: [
    { method: 'GET', route: '/api/orgs/:id/leaders', url: () => `/api/orgs/${ids.branch2}/leaders`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/orgs/:id/leaders', url: () => `/api/orgs/${ids.group2}/leaders`, body: () => ({ memberId: ids.target, role: 'group_leader' }), allowed: SECRETARIES },
    {
      method: 'DELETE',
      route: '/api/orgs/:id/leaders/:assignmentId',
      url: () => `/api/orgs/${ids.group2}/leaders/00000000-0000-4000-8000-000000000000`,
      allowed: SECRETARIES,
    },
    { method: 'POST', route: '/api/members/:id/login', url: () => `/api/members/${ids.target}/login`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/login', url: () => `/api/members/${reachingMember}/login`, allowed: SECRETARIES },
    // 开通情况 of 第二党支部, and one member of it: secretaries above it only
    { method: 'GET', route: '/api/activation', url: () => `/api/activation?orgId=${ids.branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/members/:id/activation', url: () => `/api/members/${ids.target}/activation`, allowed: SECRETARIES },
    // invitations: issued and revoked by secretaries over the member (and over all their login reaches)
    { method: 'POST', route: '/api/members/:id/invitation', url: () => `/api/members/${ids.target}/invitation`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/members/:id/invitation', url: () => `/api/members/${reachingMember}/invitation`, allowed: SECRETARIES },
    { method: 'DELETE', route: '/api/members/:id/invitation', url: () => `/api/members/${ids.target}/invitation`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/invitations/bulk', url: () => '/api/invitations/bulk', body: () => ({ orgId: ids.branch2 }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/invitations/bulk', url: () => '/api/invitations/bulk', body: () => ({ orgId: ids.branch2, memberIds: [ids.target], only: 'all' }), allowed: SECRETARIES },
    // the link itself is opened signed out (an unknown token: 404)
    { method: 'GET', route: '/api/invitations/:token', url: () => `/api/invitations/${UNKNOWN_TOKEN}`, allowed: 'all', public: true },
    {
      method: 'POST',
      route: '/api/invitations/:token/redeem',
      url: () => `/api/invitations/${UNKNOWN_TOKEN}/redeem`,
      body: () => ({ answer: '1234', password: 'a-new-password-1', remember: true }),
      allowed: 'all',
      public: true,
    },
    // one's own devices: every signed-in account (another's session id: 404)
    { method: 'GET', route: '/api/me/devices', url: () => '/api/me/devices', allowed: 'all' },
    { method: 'DELETE', route: '/api/me/devices/:id', url: () => '/api/me/devices/00000000-0000-4000-8000-000000000000', allowed: 'all' },
    // ends only the caller's other sessions: the shared session of each role stays
    { method: 'POST', route: '/api/me/devices/sign-out-others', url: () => '/api/me/devices/sign-out-others', allowed: 'all' },
  ],
};
