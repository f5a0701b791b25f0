import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { AppError } from '../../errors.ts';

/**
 * The member the caller is, for the member app (profile, inbox, reading, check-in, leave, make-up).
 * Refuses accounts without a member record (the tenant admin): the member app is for members.
 */
export function requireMember(ctx: RequestContext): string {
  const memberId = ctx.actor.memberId;
  if (!memberId) throw new AppError('forbidden', '该账号未关联党员信息，不能使用党员端');
  // Identity alone decides learning.participate; the unit path plays no part in it.
  authorize(ctx.actor, 'learning.participate', { kind: 'member', tenantId: ctx.actor.tenantId, memberId, orgPath: '' });
  return memberId;
}
