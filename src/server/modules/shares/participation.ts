import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { AppError } from '../../errors.ts';
import type { Participation, ParticipationQuery, ParticipationRow } from '../../../shared/api-shares.ts';
import { unitFor } from '../../directory/index.ts';
import { monthRange, monthsBack } from './months.ts';

/**
 * Who has shared (分享情况): the current members of a unit's subtree in a month (or to one topic),
 * those who shared and those who have not (mobile members flagged), and the twelve months up to it
 * for the chart. Posts the author deleted do not count; hidden ones do (the member did share).
 */
export async function participation(db: Database, ctx: RequestContext, q: z.output<typeof ParticipationQuery>): Promise<Participation> {
  const tenantId = ctx.actor.tenantId;
  const org = await unitFor(db, ctx, 'community.manage', q.orgId);
  if (q.topicId) {
    const topic = await db.selectFrom('share_topic').select('id').where('tenant_id', '=', tenantId).where('id', '=', q.topicId).executeTakeFirst();
    if (!topic) throw new AppError('validation_failed', '所选话题不存在', [{ field: 'topicId', message: '所选话题不存在' }]);
  }
  const { from, to } = monthRange(q.month);
  const topicCond = q.topicId ? sql`AND p.topic_id = ${q.topicId}` : sql``;
  const { rows } = await sql<{ member_id: string; name: string; org_name: string; mobile: boolean; posts: number; last_shared_at: Date | null }>`
    SELECT m.id AS member_id, m.name, o.name AS org_name, (mb.id IS NOT NULL) AS mobile,
           count(p.id)::int AS posts, max(p.created_at) AS last_shared_at
      FROM member m
      JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
      LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      LEFT JOIN share_post p ON p.tenant_id = m.tenant_id AND p.member_id = m.id AND p.deleted_at IS NULL
           AND p.created_at >= ${from} AND p.created_at < ${to} ${topicCond}
     WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL AND o.path LIKE ${`${org.path}%`}
     GROUP BY m.id, m.name, m.name_sort_key, o.name, mb.id
     ORDER BY m.name_sort_key, m.id`.execute(db);
  const view = (r: (typeof rows)[number]): ParticipationRow => ({
    memberId: r.member_id,
    name: r.name,
    orgName: r.org_name,
    mobile: Boolean(r.mobile),
    posts: Number(r.posts),
    lastSharedAt: r.last_shared_at ? new Date(r.last_shared_at).toISOString() : null,
  });
  const shared = rows.filter((r) => Number(r.posts) > 0).map(view);
  const notShared = rows.filter((r) => Number(r.posts) === 0).map(view);

  const first = monthsBack(q.month, 11);
  const span = { from: monthRange(first).from, to };
  const { rows: months } = await sql<{ month: string; posts: number; members: number }>`
    SELECT to_char(p.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*)::int AS posts, count(DISTINCT p.member_id)::int AS members
      FROM share_post p
      JOIN member m ON m.tenant_id = p.tenant_id AND m.id = p.member_id
      JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
     WHERE p.tenant_id = ${tenantId} AND p.deleted_at IS NULL AND m.left_at IS NULL AND o.path LIKE ${`${org.path}%`}
       AND p.created_at >= ${span.from} AND p.created_at < ${span.to}
     GROUP BY 1`.execute(db);
  const byMonth = Array.from({ length: 12 }, (_, i) => {
    const month = monthsBack(q.month, 11 - i);
    const found = months.find((m) => m.month === month);
    return { month, posts: Number(found?.posts ?? 0), members: Number(found?.members ?? 0) };
  });
  return {
    orgId: org.id,
    month: q.month,
    topicId: q.topicId ?? null,
    members: rows.length,
    sharedCount: shared.length,
    notSharedCount: notShared.length,
    shared,
    notShared,
    byMonth,
  };
}
