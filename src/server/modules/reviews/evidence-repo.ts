import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { addDays, chinaDayStart } from '../../../shared/china-time.ts';
import type { ReviewEvidence } from '../../../shared/api-reviews.ts';

/**
 * The evidence of a quarterly review, gathered from the data with its own SQL (a read model, like
 * the drift radar): for each member, over the China days `from`..`to` (both included),
 *
 *   classes    closed meetings they were invited to: attended (present, late), made up (补学 accepted),
 *              missed (absent or excused, not made up)
 *   pushes     daily pushes delivered to them, and of those read
 *   shares     posts they shared (每月一互动), not hidden nor deleted
 *   questions  questions they asked their branch (有问必答)
 *   talks      heart-to-heart talks with them (谈心谈话)
 *   pledges    their 四个一 pledges made in the period or whose outcome the secretary recorded in it
 *              (each pledge once: what they pledged and what was followed up both show their work)
 *   service    their service logs (志愿服务) of days in the period, not voided
 */
export async function gatherEvidence(
  db: Executor,
  tenantId: string,
  memberIds: string[],
  period: { from: string; to: string },
): Promise<Map<string, ReviewEvidence>> {
  const out = new Map<string, ReviewEvidence>();
  for (const id of memberIds) {
    out.set(id, {
      from: period.from,
      to: period.to,
      classes: { attended: 0, madeUp: 0, missed: 0 },
      pushes: { delivered: 0, read: 0 },
      shares: 0,
      questions: 0,
      talks: 0,
      service: 0,
      pledges: 0,
    });
  }
  if (memberIds.length === 0) return out;
  const start = chinaDayStart(period.from);
  const end = chinaDayStart(addDays(period.to, 1));
  const ids = sql`${memberIds}::uuid[]`;

  const classes = await sql<{ member_id: string; attended: string; made_up: string; missed: string }>`
    SELECT a.member_id,
           count(*) FILTER (WHERE a.status IN ('present','late')) AS attended,
           count(*) FILTER (WHERE a.status = 'made_up') AS made_up,
           count(*) FILTER (WHERE a.status IN ('absent','excused')) AS missed
      FROM attendance a
      JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id
     WHERE a.tenant_id = ${tenantId} AND a.member_id = ANY(${ids})
       AND s.status = 'closed' AND s.starts_at >= ${start} AND s.starts_at < ${end}
     GROUP BY a.member_id`.execute(db);
  for (const r of classes.rows) {
    const e = out.get(r.member_id);
    if (e) e.classes = { attended: Number(r.attended), madeUp: Number(r.made_up), missed: Number(r.missed) };
  }

  const pushes = await sql<{ member_id: string; delivered: string; read: string }>`
    SELECT d.member_id, count(*) AS delivered, count(d.read_at) AS read
      FROM push_delivery d
     WHERE d.tenant_id = ${tenantId} AND d.member_id = ANY(${ids})
       AND d.delivered_at >= ${start} AND d.delivered_at < ${end}
     GROUP BY d.member_id`.execute(db);
  for (const r of pushes.rows) {
    const e = out.get(r.member_id);
    if (e) e.pushes = { delivered: Number(r.delivered), read: Number(r.read) };
  }

  const counts = async (key: 'shares' | 'questions' | 'talks' | 'pledges' | 'service', query: RawBuilder<{ member_id: string; n: string }>) => {
    const { rows } = await query.execute(db);
    for (const r of rows) {
      const e = out.get(r.member_id);
      if (e) e[key] = Number(r.n);
    }
  };
  await counts(
    'shares',
    sql<{ member_id: string; n: string }>`
      SELECT p.member_id, count(*) AS n FROM share_post p
       WHERE p.tenant_id = ${tenantId} AND p.member_id = ANY(${ids})
         AND p.created_at >= ${start} AND p.created_at < ${end}
         AND p.hidden_at IS NULL AND p.deleted_at IS NULL
       GROUP BY p.member_id`,
  );
  await counts(
    'questions',
    sql<{ member_id: string; n: string }>`
      SELECT q.member_id, count(*) AS n FROM question q
       WHERE q.tenant_id = ${tenantId} AND q.member_id = ANY(${ids})
         AND q.asked_at >= ${start} AND q.asked_at < ${end}
       GROUP BY q.member_id`,
  );
  await counts(
    'talks',
    sql<{ member_id: string; n: string }>`
      SELECT t.member_id, count(*) AS n FROM talk t
       WHERE t.tenant_id = ${tenantId} AND t.member_id = ANY(${ids})
         AND t.talked_on BETWEEN ${period.from}::date AND ${period.to}::date
       GROUP BY t.member_id`,
  );
  await counts(
    'pledges',
    sql<{ member_id: string; n: string }>`
      SELECT pl.member_id, count(*) AS n FROM pledge pl
       WHERE pl.tenant_id = ${tenantId} AND pl.member_id = ANY(${ids})
         AND ((pl.created_at >= ${start} AND pl.created_at < ${end}) OR (pl.outcome_at >= ${start} AND pl.outcome_at < ${end}))
       GROUP BY pl.member_id`,
  );
  await counts(
    'service',
    sql<{ member_id: string; n: string }>`
      SELECT l.member_id, count(*) AS n FROM service_log l
       WHERE l.tenant_id = ${tenantId} AND l.member_id = ANY(${ids})
         AND l.served_on BETWEEN ${period.from}::date AND ${period.to}::date
         AND l.voided_at IS NULL
       GROUP BY l.member_id`,
  );
  return out;
}
