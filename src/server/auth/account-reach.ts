import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { Actor } from './actor.ts';
import { AppError } from '../errors.ts';
import { can, type AccountReach } from './policy.ts';

interface ReachRow {
  is_tenant_admin: boolean;
  member_org_path: string | null;
  role_paths: string[];
  mentee_org_paths: string[];
}

/**
 * What signing in as the login of a member would grant: the member's unit, every unit the login
 * holds a role on (retired units included: a role can come back with its unit), every member it
 * mentors. `null` when the member has no login.
 */
export async function accountReachOfMember(db: Executor, tenantId: string, memberId: string): Promise<AccountReach | null> {
  const { rows } = await sql<ReachRow>`
    SELECT a.is_tenant_admin,
      (SELECT o.path FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
        WHERE m.tenant_id = a.tenant_id AND m.id = a.member_id) AS member_org_path,
      coalesce((SELECT json_agg(o.path) FROM role_assignment r JOIN org o ON o.tenant_id = r.tenant_id AND o.id = r.org_id
        WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id), '[]'::json) AS role_paths,
      coalesce((SELECT json_agg(o.path) FROM mentorship ms
          JOIN member m ON m.tenant_id = ms.tenant_id AND m.id = ms.member_id
          JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
        WHERE ms.tenant_id = a.tenant_id AND ms.mentor_member_id = a.member_id AND ms.ended_on IS NULL), '[]'::json) AS mentee_org_paths
    FROM account a
    WHERE a.tenant_id = ${tenantId} AND a.member_id = ${memberId}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  return { isTenantAdmin: row.is_tenant_admin, memberOrgPath: row.member_org_path, rolePaths: row.role_paths, menteeOrgPaths: row.mentee_org_paths };
}

/**
 * Before a login is issued, reset, or follows a new phone, name or unit of its member: the caller
 * must cover everything the login reaches, or a branch secretary could take over the login of the
 * general-branch secretary whose member record sits in their branch.
 */
export async function authorizeAccountOfMember(db: Executor, actor: Actor, memberId: string): Promise<void> {
  const reach = await accountReachOfMember(db, actor.tenantId, memberId);
  if (reach && !can(actor, 'account.manage', { kind: 'account', tenantId: actor.tenantId, reach })) {
    throw new AppError('forbidden', '该党员的登录账号有超出您管辖范围的职务或联系对象，请由上级组织书记或管理员办理');
  }
}
