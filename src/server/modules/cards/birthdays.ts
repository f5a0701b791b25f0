import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { addDays, isRealDay, mondayOf, shanghaiDate } from '../../clock.ts';
import type { Birthday, BirthdayQuery } from '../../../shared/api-care.ts';
import { joinDayRows } from './birthday-repo.ts';
import { anniversaryIn, anniversaryYears, joinMonthDays } from './dates.ts';
import { fail, scopeWhere } from './shared.ts';
import { listSubtrees } from '../../directory/index.ts';

// 政治生日: members' joining anniversaries, for the secretaries' week.

type BirthdayQueryData = z.infer<typeof BirthdayQuery>;

/**
 * Current members of the subtree whose joining anniversary falls in [from, from + days): by
 * default the week from Monday (China). A 29 February joining day is kept on 28 February in common
 * years; the joining year itself is no anniversary. Ordered by day, then name.
 */
export async function listBirthdays(db: Database, ctx: RequestContext, q: BirthdayQueryData, today: string = shanghaiDate()): Promise<{ from: string; to: string; items: Birthday[] }> {
  const { actor } = ctx;
  const paths = await listSubtrees(db, ctx, 'care.manage', q.orgId);
  const from = q.from ?? mondayOf(today);
  if (!isRealDay(from)) fail([{ field: 'from', message: `开始日期 ${from} 不是有效日期` }]);
  const to = addDays(from, q.days - 1);
  const days = Array.from({ length: q.days }, (_, i) => addDays(from, i));
  const rows = await joinDayRows(db, actor.tenantId, joinMonthDays(days), scopeWhere(actor.tenantId, paths, 'm.org_id'));
  const years = [...new Set([from.slice(0, 4), to.slice(0, 4)])].map(Number);
  const items: Birthday[] = [];
  for (const r of rows) {
    const joinDate = r.join_date as string;
    for (const year of years) {
      const day = anniversaryIn(joinDate, year);
      const n = day >= from && day <= to ? anniversaryYears(joinDate, day) : null;
      if (n !== null) items.push({ memberId: r.id, name: r.name, orgName: r.org_name, phone: r.phone, mobile: r.mobile, joinDate, day, years: n });
    }
  }
  items.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.name.localeCompare(b.name, 'zh-CN')));
  return { from, to, items };
}
