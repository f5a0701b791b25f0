import QRCode from 'qrcode';
import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import type { ContactCard, ContactCardQuery } from '../../../shared/api-care.ts';
import { recordAudit } from '../../audit-log.ts';
import { comparePersonNames, compareUnitNames } from '../../../shared/sort-order.ts';
import { contactMemberRows, gridWithPath, unitsWithSecretaries, type ContactCardsFor } from './contact-card-repo.ts';
import { orgTarget } from './shared.ts';
import { memberWithOrg, unitFor } from '../../directory/index.ts';

// 网格连心卡: grid contact cards, printed for members away from home.

type ContactCardQueryData = z.infer<typeof ContactCardQuery>;

/**
 * Printable grid contact cards: for one member (care.manage on their unit), every current member of
 * a grid (care.manage on the grid's unit), or every mobile member of a unit's subtree. Each card
 * names the member's grid and its leader, the secretary of their branch (the nearest unit above
 * them with a secretary), the general branch's secretary, their mentor, and carries a QR code of
 * the member app at `origin`/m/. Phone numbers are printed: the printing is audited.
 */
export async function listContactCards(db: Database, ctx: RequestContext, q: ContactCardQueryData, origin: string): Promise<{ items: ContactCard[] }> {
  const { actor } = ctx;
  const asked = [q.memberId, q.gridId, q.orgId].filter((v) => v !== undefined).length;
  if (asked !== 1) {
    throw new AppError('validation_failed', '请选择一名党员、一个网格或一个组织（只选一项）', [{ field: 'memberId', message: '请在党员、网格、组织中选择一项' }]);
  }
  let cardsFor: ContactCardsFor;
  let entity: { entity: string; entityId: string };
  if (q.memberId) {
    const member = await memberWithOrg(db, actor.tenantId, q.memberId);
    if (!member || member.left_at) throw notFound('党员');
    authorize(actor, 'care.manage', orgTarget(ctx, member.org_path));
    cardsFor = { memberId: member.id };
    entity = { entity: 'member', entityId: member.id };
  } else if (q.gridId) {
    const grid = await gridWithPath(db, actor.tenantId, q.gridId);
    if (!grid) throw notFound('网格');
    authorize(actor, 'care.manage', orgTarget(ctx, grid.path));
    cardsFor = { gridId: grid.id };
    entity = { entity: 'grid', entityId: grid.id };
  } else {
    const org = await unitFor(db, ctx, 'care.manage', q.orgId as string);
    cardsFor = { mobileIn: org.path };
    entity = { entity: 'org', entityId: org.id };
  }

  const members = await contactMemberRows(db, actor.tenantId, cardsFor);
  const unitIds = [...new Set(members.flatMap((m) => m.org_path.split('/').filter(Boolean)))];
  const units = await unitsWithSecretaries(db, actor.tenantId, unitIds);
  const appUrl = `${origin}/m/`;
  const qrSvg = members.length ? await QRCode.toString(appUrl, { type: 'svg', margin: 1 }) : '';

  const items: ContactCard[] = members.map((m) => {
    const path = m.org_path.split('/').filter(Boolean);
    const upward = [...path].reverse();
    const nearest = upward.map((id) => units.get(id)?.secretary).find((s) => s) ?? null;
    const villageId = upward.find((id) => units.get(id)?.kind === 'general_branch') ?? path[0] ?? '';
    const village = units.get(villageId);
    return {
      memberId: m.id,
      memberName: m.name,
      orgName: m.org_name,
      villageName: village?.name ?? m.org_name,
      grid: m.grid_name ? { name: m.grid_name, leaderName: m.leader_name, leaderPhone: m.leader_phone } : null,
      branchSecretary: nearest,
      generalSecretary: village?.secretary ?? null,
      mentor: m.mentor_name && m.mentor_phone ? { name: m.mentor_name, phone: m.mentor_phone } : null,
      appUrl,
      qrSvg,
    };
  });
  items.sort((a, b) => compareUnitNames(a.orgName, b.orgName) || comparePersonNames(a.memberName, b.memberName));
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'contact_card.print', ...entity, after: { count: items.length } });
  return { items };
}
