import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { recordAudit } from '../../audit-log.ts';
import { notFound } from '../../errors.ts';
import { memberWithOrg } from '../../directory/index.ts';
import type { ElderMode } from '../../../shared/api-elder.ts';
import type { MemberDeps } from './service.ts';

/**
 * 长辈模式 for a member, set by a secretary above them (the member app then starts in larger text with
 * bigger buttons on a phone where the member has not chosen otherwise). Audited, in one transaction.
 */
export async function setMemberElderMode(deps: MemberDeps, ctx: RequestContext, memberId: string, elderMode: boolean): Promise<ElderMode> {
  const { actor } = ctx;
  const m = await memberWithOrg(deps.db, actor.tenantId, memberId);
  if (!m || m.left_at) throw notFound('党员');
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  await deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('member')
      .select('elder_mode')
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', memberId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.elder_mode === elderMode) return;
    await tx.updateTable('member').set({ elder_mode: elderMode }).where('tenant_id', '=', actor.tenantId).where('id', '=', memberId).execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'member.elder_mode',
      entity: 'member',
      entityId: memberId,
      before: { elderMode: row.elder_mode },
      after: { elderMode },
    });
  });
  return { elderMode };
}
