import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { bumpAuthEpoch } from '../../auth/epoch.ts';
import { AppError, notFound, uniqueViolation } from '../../errors.ts';
import type { UnitLeader } from '../../../shared/api.ts';
import { recordAudit } from '../../audit-log.ts';
import { memberWithOrg } from '../../directory/index.ts';
import { getOrg } from '../../directory/index.ts';

/** The people who lead a unit: its secretaries (党组织书记) or, for a party group, its leader (党小组长). */
export async function listLeaders(db: Database, ctx: RequestContext, orgId: string): Promise<UnitLeader[]> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'org.read', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  const rows = await db
    .selectFrom('role_assignment as r')
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.account_id'))
    .select(['r.id', 'r.role', 'a.member_id', 'a.display_name', 'a.phone'])
    .where('r.tenant_id', '=', actor.tenantId)
    .where('r.org_id', '=', orgId)
    .orderBy('r.created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, role: r.role, memberId: r.member_id, name: r.display_name, phone: r.phone }));
}

export async function appointLeader(db: Database, ctx: RequestContext, orgId: string, input: { memberId: string; role: 'secretary' | 'group_leader' }): Promise<UnitLeader[]> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  if (org.retired_at) throw new AppError('conflict', '该组织已撤销');
  if ((org.kind === 'group') !== (input.role === 'group_leader')) {
    const message = org.kind === 'group' ? '党小组只能任命党小组长' : '党组织只能任命书记';
    throw new AppError('validation_failed', message, [{ field: 'role', message }]);
  }
  const member = await memberWithOrg(db, actor.tenantId, input.memberId);
  if (!member || member.left_at) throw notFound('党员');
  authorize(actor, 'member.read', { kind: 'member', tenantId: actor.tenantId, memberId: member.id, orgPath: member.org_path });
  const account = await db.selectFrom('account').select('id').where('tenant_id', '=', actor.tenantId).where('member_id', '=', member.id).where('disabled_at', 'is', null).executeTakeFirst();
  if (!account) throw new AppError('conflict', `${member.name}还没有登录账号，请先在党员页面为其开通登录`);
  await db
    .transaction()
    .execute(async (tx) => {
      const row = await tx.insertInto('role_assignment').values({ tenant_id: actor.tenantId, account_id: account.id, role: input.role, org_id: orgId }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'role.appoint', entity: 'org', entityId: orgId, after: { assignmentId: row.id, memberId: member.id, name: member.name, role: input.role } });
    })
    .catch((err: unknown) => {
      if (uniqueViolation(err)) throw new AppError('conflict', `${member.name}已担任该职务`);
      throw err;
    });
  bumpAuthEpoch();
  return listLeaders(db, ctx, orgId);
}

export async function dismissLeader(db: Database, ctx: RequestContext, orgId: string, assignmentId: string): Promise<UnitLeader[]> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  const assignment = await db.selectFrom('role_assignment').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', assignmentId).where('org_id', '=', orgId).executeTakeFirst();
  if (!assignment) throw notFound('任职记录');
  // Nobody removes their own authority by accident; another secretary above or the admin can.
  if (assignment.account_id === actor.accountId) throw new AppError('conflict', '不能免去自己的职务，请由上级组织办理');
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('role_assignment').where('tenant_id', '=', actor.tenantId).where('id', '=', assignmentId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'role.dismiss', entity: 'org', entityId: orgId, before: { assignmentId, accountId: assignment.account_id, role: assignment.role } });
  });
  bumpAuthEpoch();
  return listLeaders(db, ctx, orgId);
}
