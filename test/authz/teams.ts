import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of grids' volunteer teams (run by src/server/authorization.test.ts). The team
 * belongs to 第二党支部 with ids.target as its only member (none of the test roles), and looks after
 * two people:
 * - the console's team, its members and its people looked after: the secretaries above 第二党支部;
 *   the team list and the export of all needs: every secretary (each sees their own subtrees);
 * - the member app's one team: its members and leader only (a secretary above is no member);
 *   one's own teams: everyone (an empty list without a team).
 */
const LIST: Role[] = ['admin', 'villageSecretary', 'branchSecretary'];
let teamId = '';
let retireTeamId = '';
let recipientId = '';
let retireRecipientIds: string[] = [];
let memberRowIds: string[] = [];
let branch2 = '';
let seq = 0;

export const teamsAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    const insertTeam = async (name: string) =>
      (
        await env.db
          .insertInto('service_team')
          .values({ tenant_id: env.tenantId, org_id: ids.branch2, name, kind: 'companion' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    teamId = await insertTeam('授权测试服务队');
    retireTeamId = await insertTeam('授权测试待撤销服务队');
    await env.db.insertInto('service_team_member').values({ tenant_id: env.tenantId, team_id: teamId, member_id: ids.target }).execute();
    const rows = await env.db
      .insertInto('service_team_member')
      .values(Array.from({ length: 6 }, (_, i) => ({ tenant_id: env.tenantId, team_id: teamId, name: `授权志愿者${i}`, phone: `1391234010${i}` })))
      .returning('id')
      .execute();
    memberRowIds = rows.map((r) => r.id);
    const recipients = await env.db
      .insertInto('care_recipient')
      .values(Array.from({ length: 7 }, (_, i) => ({ tenant_id: env.tenantId, team_id: teamId, label: `授权测试对象${i}`, category: 'other' as const, need: '授权测试' })))
      .returning('id')
      .execute();
    recipientId = recipients[0]?.id as string;
    retireRecipientIds = recipients.slice(1).map((r) => r.id);
  },
  cases: [
    { method: 'GET', route: '/api/teams', url: () => '/api/teams', allowed: LIST },
    { method: 'POST', route: '/api/teams', url: () => '/api/teams', body: () => ({ orgId: branch2, name: `授权新队${seq++}`, kind: 'other' }), allowed: SECRETARIES },
    { method: 'GET', route: '/api/teams/:id', url: () => `/api/teams/${teamId}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/teams/:id', url: () => `/api/teams/${teamId}`, body: () => ({ description: '授权测试' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/teams/:id/retire', url: () => `/api/teams/${retireTeamId}/retire`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/teams/:id/members', url: () => `/api/teams/${teamId}/members`, body: () => ({ name: '授权志愿者', phone: `139123402${String(seq++).padStart(2, '0')}` }), allowed: SECRETARIES },
    { method: 'DELETE', route: '/api/teams/:id/members/:rowId', url: () => `/api/teams/${teamId}/members/${memberRowIds.shift() ?? teamId}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/teams/:id/recipients', url: () => `/api/teams/${teamId}/recipients`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/teams/:id/recipients', url: () => `/api/teams/${teamId}/recipients`, body: () => ({ label: '授权新对象', category: 'elderly_alone', need: '授权测试' }), allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/care-recipients/:id', url: () => `/api/care-recipients/${recipientId}`, body: () => ({ need: '授权测试修改' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/care-recipients/:id/retire', url: () => `/api/care-recipients/${retireRecipientIds.shift() ?? recipientId}/retire`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/care-recipients/export', url: () => `/api/care-recipients/export?teamId=${teamId}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/me/teams', url: () => '/api/me/teams', allowed: 'all' },
    { method: 'GET', route: '/api/me/teams/:id', url: () => `/api/me/teams/${teamId}`, allowed: [] },
  ],
};
