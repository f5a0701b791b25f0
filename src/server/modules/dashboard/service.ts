import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { shanghaiDate } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { Dashboard } from '../../../shared/api.ts';
import { flagSql, hasMentorSql, inSubtrees, memberBaseQuery } from '../members/repo.ts';
import { getOrg } from '../orgs/service.ts';
import { cityLabel, regionName } from '../regions/service.ts';
import { getSettings } from '../settings/service.ts';
import { overdueSql } from '../care/repo.ts';
import { countTalksDue } from '../talks/service.ts';
import { compareUnitNames } from '../../../shared/sort-order.ts';

/** Which unit the dashboard describes: the one asked for, else the actor's top unit. */
async function dashboardRoot(db: Database, ctx: RequestContext, orgId: string | undefined) {
  const { actor } = ctx;
  if (orgId) return getOrg(db, actor.tenantId, orgId);
  if (actor.isTenantAdmin) {
    const root = await db.selectFrom('org').selectAll().where('tenant_id', '=', actor.tenantId).where('parent_id', 'is', null).orderBy('created_at').executeTakeFirst();
    if (!root) throw new AppError('not_found', '尚未建立组织');
    return root;
  }
  const scope = actor.scopes.filter((s) => s.role === 'secretary').sort((a, b) => a.path.length - b.path.length)[0];
  if (!scope) throw new AppError('forbidden', '无权执行此操作');
  return getOrg(db, actor.tenantId, scope.orgId);
}

export async function getDashboard(db: Database, ctx: RequestContext, orgId: string | undefined): Promise<Dashboard & { root: { id: string; name: string } }> {
  const { actor } = ctx;
  const root = await dashboardRoot(db, ctx, orgId);
  authorize(actor, 'dashboard.read', { kind: 'org', tenantId: actor.tenantId, path: root.path });
  const settings = await getSettings(db, actor.tenantId);
  const flags = flagSql(settings);
  const base = () => memberBaseQuery(db, actor.tenantId).where(inSubtrees(actor.tenantId, [root.path]));
  const childId = sql<string>`split_part(substr(o.path, ${root.path.length + 1}), '/', 1)`;
  const today = shanghaiDate();
  const [totals, byProvince, byCity, byChild, talksOverdue, tasksOverdue, cardsToPost] = await Promise.all([
    base()
      .select([
        sql<number>`count(*)::int`.as('members'),
        sql<number>`count(*) FILTER (WHERE m.status = 'full')::int`.as('full'),
        sql<number>`count(*) FILTER (WHERE m.status = 'probationary')::int`.as('probationary'),
        sql<number>`count(mb.id)::int`.as('mobile'),
        sql<number>`count(*) FILTER (WHERE m.lost_contact_since IS NOT NULL)::int`.as('lost_contact'),
        sql<number>`count(*) FILTER (WHERE ${flags.lostSuspected})::int`.as('lost_suspected'),
        sql<number>`count(*) FILTER (WHERE ${flags.shouldTransfer})::int`.as('should_transfer'),
        sql<number>`count(*) FILTER (WHERE mb.id IS NOT NULL AND NOT ${hasMentorSql})::int`.as('without_mentor'),
      ])
      .executeTakeFirstOrThrow(),
    base().where('mb.id', 'is not', null).select(['mb.province_code as code', sql<number>`count(*)::int`.as('n')]).groupBy('mb.province_code').orderBy('n', 'desc').execute(),
    base().where('mb.city_code', 'is not', null).select(['mb.city_code as code', sql<number>`count(*)::int`.as('n')]).groupBy('mb.city_code').orderBy('n', 'desc').limit(30).execute(),
    base()
      .select([childId.as('child'), sql<number>`count(*)::int`.as('n'), sql<number>`count(mb.id)::int`.as('mobile')])
      .groupBy(sql`1`)
      .execute(),
    // The mentoring overview's 谈话逾期 (overdue + never), the same SQL (overdueTalkCondition): every
    // member with a cadence, so home members count too when the home cadence is set.
    countTalksDue(db, actor.tenantId, settings, { paths: [root.path], mobileOnly: false }, today),
    // Follow-up tasks about members of the subtree, open (or snoozed whose day came) and past due: the care-task list's overdue filter.
    db
      .selectFrom('care_task as t')
      .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.id', '=', 't.member_id'))
      .where('t.tenant_id', '=', actor.tenantId)
      .where('t.status', 'in', ['open', 'snoozed'])
      .where(inSubtrees(actor.tenantId, [root.path]))
      .where(overdueSql(today))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow(),
    // Cards to go into the post (待寄出) in the subtree's campaigns.
    db
      .selectFrom('card as k')
      .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
      .where('k.tenant_id', '=', actor.tenantId)
      .where('k.post_status', '=', 'pending')
      .where(inSubtrees(actor.tenantId, [root.path], 'c.org_id'))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const childIds = byChild.map((c) => c.child).filter((c) => c !== '');
  const names = childIds.length
    ? await db.selectFrom('org').select(['id', 'name', 'sort_order']).where('tenant_id', '=', actor.tenantId).where('id', 'in', childIds).execute()
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return {
    root: { id: root.id, name: root.name },
    totals: {
      members: totals.members,
      full: totals.full,
      probationary: totals.probationary,
      mobile: totals.mobile,
      lostContact: totals.lost_contact,
      lostContactSuspected: totals.lost_suspected,
      shouldTransfer: totals.should_transfer,
      mobileWithoutMentor: totals.without_mentor,
    },
    byProvince: byProvince.map((p) => ({ code: p.code ?? '', name: regionName(p.code ?? '') ?? '', count: p.n })),
    byCity: byCity.map((c) => ({ code: c.code ?? '', name: cityLabel(c.code ?? ''), count: c.n })),
    byUnit: byChild
      .map((c) => ({ orgId: c.child || root.id, name: c.child ? (nameOf.get(c.child) ?? c.child) : root.name, count: c.n, mobile: c.mobile }))
      // The largest first; units of equal size in their numbers' order (第二 before 第十).
      .sort((a, b) => b.count - a.count || compareUnitNames(a.name, b.name)),
    care: { talksOverdue, tasksOverdue: tasksOverdue.n, cardsToPost: cardsToPost.n },
  };
}
