import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { shanghaiDate } from '../../clock.ts';
import type { Dashboard } from '../../../shared/api.ts';
import { flagSql, hasMentorSql, inSubtrees, memberBaseQuery, summaryUnit } from '../../directory/index.ts';
import { cityLabel, regionName } from '../regions/index.ts';
import { getSettings } from '../settings/index.ts';
import { countOverdueCareTasks } from '../care/index.ts';
import { countTalksDue } from '../talks/index.ts';
import { countCardsToPost } from '../cards/index.ts';
import { overdueQuestions } from '../questions/index.ts';
import { compareUnitNames } from '../../../shared/sort-order.ts';

export async function getDashboard(db: Database, ctx: RequestContext, orgId: string | undefined): Promise<Dashboard & { root: { id: string; name: string } }> {
  const { actor } = ctx;
  // The unit asked for, else the caller's widest secretary unit (the top unit for the admin).
  const root = await summaryUnit(db, ctx, 'dashboard.read', orgId);
  const settings = await getSettings(db, actor.tenantId);
  const flags = flagSql(settings);
  const base = () => memberBaseQuery(db, actor.tenantId).where(inSubtrees(actor.tenantId, [root.path]));
  const childId = sql<string>`split_part(substr(o.path, ${root.path.length + 1}), '/', 1)`;
  const today = shanghaiDate();
  const [totals, byProvince, byCity, byChild, talksOverdue, tasksOverdue, cardsToPost, questions] = await Promise.all([
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
    countOverdueCareTasks(db, actor.tenantId, [root.path], today),
    // Cards to go into the post (待寄出) in the subtree's campaigns.
    countCardsToPost(db, actor.tenantId, [root.path]),
    // Questions asked in the subtree, open past their due day: the question list's overdue filter.
    overdueQuestions(db, actor.tenantId, [root.path]),
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
    care: { talksOverdue, tasksOverdue, cardsToPost },
    questions,
  };
}
