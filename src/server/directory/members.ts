import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.ts';
import { shanghaiTodaySql } from '../clock.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/policy.ts';
import { AppError } from '../errors.ts';

/** A member (left ones too) with their unit's path and name, for checking who may see or act on them. */
export async function memberWithOrg(db: Executor, tenantId: string, memberId: string) {
  return db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .selectAll('m')
    .select(['o.path as org_path', 'o.name as org_name'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', memberId)
    .executeTakeFirst();
}

/** Several members (left ones too) with their unit's path: for checking a list of members someone picked. */
export function membersWithOrgs(db: Executor, tenantId: string, memberIds: string[]) {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.name', 'm.left_at', 'o.path as org_path'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', 'in', memberIds)
    .execute();
}

/**
 * Current members (alias m) with their unit (o) and their open stay away (mb, the current mobility
 * row, if any): the base of the member list, its export and the dashboard's counts.
 */
export function memberBaseQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('mobility as mb', (j) =>
      j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null),
    )
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null);
}

/** The tenant settings the flags read (settings.shouldTransferMonths, settings.lostContactDays). */
export interface FlagSettings {
  shouldTransferMonths: number;
  lostContactDays: number;
}

/**
 * Flags of a member (alias m, current stay mb), computed in SQL from the tenant's settings so
 * lists, counts, exports, the dashboard and the radar agree: 应转尽转 (settled away long enough to
 * transfer the membership) and suspected lost contact.
 */
export function flagSql(settings: FlagSettings) {
  const shouldTransfer = sql<boolean>`(mb.id IS NOT NULL AND mb.since <= (${shanghaiTodaySql} - make_interval(months => ${settings.shouldTransferMonths}))::date)`;
  const lostSuspected = sql<boolean>`(mb.id IS NOT NULL AND m.lost_contact_since IS NULL AND COALESCE(m.last_contact_at, mb.since) <= ${shanghaiTodaySql} - ${settings.lostContactDays}::int)`;
  return { shouldTransfer, lostSuspected };
}

/** The member (alias m) has a current mentor. */
export const hasMentorSql = sql<SqlBool>`EXISTS (SELECT 1 FROM mentorship s WHERE s.tenant_id = m.tenant_id AND s.member_id = m.id AND s.ended_on IS NULL)`;

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
