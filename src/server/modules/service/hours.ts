import type { z } from 'zod';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { summaryUnit } from '../../directory/index.ts';
import { lastDayOfMonth } from '../../../shared/china-time.ts';
import type { ServiceHours, ServiceHoursQuery, ServiceHoursReport, ServiceUnitHours, ServiceUnitHoursQuery } from '../../../shared/api-service.ts';

/**
 * 服务时长: minutes of the non-voided service logs, rolled up per member, team, grid, unit and month.
 * A log counts for the unit of its member when it was written (`org_path`), on its China day
 * (`served_on`); its grid and team are the project's or team's it was logged for.
 */

/** The first and last day of a year, or of one month of it. */
export function periodOf(year: number, month?: number | null): { from: string; to: string } {
  if (month) {
    const from = `${year}-${String(month).padStart(2, '0')}-01`;
    return { from, to: lastDayOfMonth(from) };
  }
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** Minutes of a member's logs this China month and year. */
export async function memberHours(db: Executor, tenantId: string, memberId: string, today: string): Promise<ServiceHours> {
  return hoursWhere(db, tenantId, today, sql`l.member_id = ${memberId}`);
}

/** Minutes of a team's logs this China month and year. */
export async function teamHours(db: Executor, tenantId: string, teamId: string, today: string): Promise<ServiceHours> {
  return hoursWhere(db, tenantId, today, sql`l.team_id = ${teamId}`);
}

async function hoursWhere(db: Executor, tenantId: string, today: string, where: ReturnType<typeof sql>): Promise<ServiceHours> {
  const monthStart = `${today.slice(0, 7)}-01`;
  const yearStart = `${today.slice(0, 4)}-01-01`;
  const { rows } = await sql<{ month: number; year: number }>`
    SELECT coalesce(sum(l.minutes) FILTER (WHERE l.served_on >= ${monthStart}::date), 0)::int AS month,
           coalesce(sum(l.minutes), 0)::int AS year
      FROM service_log l
     WHERE l.tenant_id = ${tenantId} AND ${where} AND l.voided_at IS NULL
       AND l.served_on BETWEEN ${yearStart}::date AND ${today}::date`.execute(db);
  return { monthMinutes: rows[0]?.month ?? 0, yearMinutes: rows[0]?.year ?? 0 };
}

/** A unit's minutes in a year (or a month of it): by grid, team, member and month. */
export async function hoursReport(db: Database, ctx: RequestContext, q: z.output<typeof ServiceHoursQuery>): Promise<ServiceHoursReport> {
  const tenantId = ctx.actor.tenantId;
  const root = await summaryUnit(db, ctx, 'service.manage', q.orgId);
  const { from, to } = periodOf(q.year, q.month ?? null);
  const base = sql`l.tenant_id = ${tenantId} AND l.org_path LIKE ${`${root.path}%`} AND l.voided_at IS NULL AND l.served_on BETWEEN ${from}::date AND ${to}::date`;
  const [byGrid, byTeam, byMember, byMonth] = await Promise.all([
    sql<{ grid_id: string | null; name: string | null; minutes: number; logs: number }>`
      SELECT l.grid_id, g.name, sum(l.minutes)::int AS minutes, count(*)::int AS logs
        FROM service_log l LEFT JOIN grid g ON g.tenant_id = l.tenant_id AND g.id = l.grid_id
       WHERE ${base} GROUP BY l.grid_id, g.name ORDER BY minutes DESC, g.name`.execute(db),
    sql<{ team_id: string | null; name: string | null; minutes: number; logs: number }>`
      SELECT l.team_id, t.name, sum(l.minutes)::int AS minutes, count(*)::int AS logs
        FROM service_log l LEFT JOIN service_team t ON t.tenant_id = l.tenant_id AND t.id = l.team_id
       WHERE ${base} GROUP BY l.team_id, t.name ORDER BY minutes DESC, t.name`.execute(db),
    sql<{ member_id: string; name: string; org_name: string; minutes: number; logs: number }>`
      SELECT l.member_id, m.name, o.name AS org_name, sum(l.minutes)::int AS minutes, count(*)::int AS logs
        FROM service_log l
        JOIN member m ON m.tenant_id = l.tenant_id AND m.id = l.member_id
        JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
       WHERE ${base} GROUP BY l.member_id, m.name, o.name ORDER BY minutes DESC, m.name LIMIT 1000`.execute(db),
    sql<{ month: string; minutes: number }>`
      SELECT to_char(l.served_on, 'YYYY-MM') AS month, sum(l.minutes)::int AS minutes
        FROM service_log l WHERE ${base} GROUP BY 1 ORDER BY 1`.execute(db),
  ]);
  const months = q.month ? [from.slice(0, 7)] : Array.from({ length: 12 }, (_, i) => `${q.year}-${String(i + 1).padStart(2, '0')}`);
  return {
    org: { id: root.id, name: root.name },
    year: q.year,
    month: q.month ?? null,
    totalMinutes: byMonth.rows.reduce((s, r) => s + r.minutes, 0),
    byGrid: byGrid.rows.map((r) => ({ gridId: r.grid_id, name: r.name ?? '', minutes: r.minutes, logs: r.logs })),
    byTeam: byTeam.rows.map((r) => ({ teamId: r.team_id, name: r.name ?? '', minutes: r.minutes, logs: r.logs })),
    byMember: byMember.rows.map((r) => ({ memberId: r.member_id, name: r.name, orgName: r.org_name, minutes: r.minutes, logs: r.logs })),
    byMonth: months.map((month) => ({ month, minutes: byMonth.rows.find((r) => r.month === month)?.minutes ?? 0 })),
  };
}

/**
 * The minutes of each unit right under a unit (a county's towns), by month of a year, read from the
 * month roll-up (`service_minutes_month`, kept by triggers on the logs): the child unit is the path
 * segment after the unit's own path, so no join with the tree is needed.
 */
export async function unitHours(db: Database, ctx: RequestContext, q: z.output<typeof ServiceUnitHoursQuery>): Promise<ServiceUnitHours> {
  const tenantId = ctx.actor.tenantId;
  const root = await summaryUnit(db, ctx, 'service.manage', q.orgId);
  const { from, to } = periodOf(q.year);
  const { rows } = await sql<{ org_id: string; name: string; month: string; minutes: number }>`
    SELECT u.child AS org_id, c.name, u.month, u.minutes
      FROM (SELECT split_part(substr(r.org_path, ${root.path.length + 1}), '/', 1) AS child,
                   to_char(r.month, 'YYYY-MM') AS month,
                   sum(r.minutes)::int AS minutes
              FROM service_minutes_month r
             WHERE r.tenant_id = ${tenantId} AND r.org_path LIKE ${`${root.path}%`} AND r.org_path <> ${root.path}
               AND r.month BETWEEN ${from}::date AND ${to}::date AND r.logs > 0
             GROUP BY 1, 2) u
      JOIN org c ON c.tenant_id = ${tenantId} AND c.id::text = u.child
     ORDER BY c.name, u.month`.execute(db);
  return { org: { id: root.id, name: root.name }, year: q.year, items: rows.map((r) => ({ orgId: r.org_id, name: r.name, month: r.month, minutes: r.minutes })) };
}
