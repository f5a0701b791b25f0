import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';

/**
 * The coverage query (全覆盖、无死角): one statement, one round trip.
 *
 *   pm       one row per member of the unit's subtree (left_at IS NULL) with the period's sums from
 *            `learning_month` (pushes delivered/read, kept by the push_delivery trigger of 0003;
 *            sessions invited/attended/made up/missed of closed sessions, kept by the attendance and
 *            study_session triggers of 0004), and the mobile flag (an open mobility row).
 *   per_org  pm summed per (unit, mobile): a few thousand rows for a county.
 *   units    per_org rolled up by path prefix with GROUPING SETS: the unit itself, each child
 *            (first path segment below the unit) and each grandchild (second segment), each split
 *            mobile / local. "All" is mobile + local, added up by the caller.
 *   page     the members list: gaps first (missed desc, read rate asc, name in pinyin), LIMIT/OFFSET.
 *
 * Two shapes of pm, because the planner cannot estimate a subtree's size from
 * `org_id = ANY(ARRAY(…))`:
 *   - the whole tenant (the unit has no parent): learning_month summed per member in one pass
 *     (a hash aggregate over 12 rows a member for a year), hash-joined to the members;
 *   - a subtree (town, village, branch): members through their org index, each member's months
 *     through the learning_month primary key (tenant, member, month).
 *
 * The hand-written SQL to compare it with (the bench): the same sums per member from
 * learning_month, joined to member and mobility, grouped per unit.
 */
export interface CoverageParams {
  tenantId: string;
  /** Materialised path of the unit ('/…/id/'). */
  rootPath: string;
  /** Whether the unit is the tenant's top unit (its subtree is every member of the tenant). */
  wholeTenant: boolean;
  /** First days of the first and the last month of the period. */
  fromMonth: string;
  toMonth: string;
  /** Members list filter (the units always show mobile and local side by side). */
  mobile?: boolean | undefined;
  /** Members list page; limit null = every member (the export). */
  limit: number | null;
  offset: number;
}

export interface CoverageSums {
  members: number;
  invited: number;
  attended: number;
  made_up: number;
  missed: number;
  delivered: number;
  read: number;
  /** members with no missed session and every push read */
  covered: number;
}

export interface UnitSumsRow extends CoverageSums {
  /** GROUPING(c1, c2): 3 = the unit itself, 1 = per child (c1), 2 = per grandchild (c2) */
  g: number;
  c1: string | null;
  c2: string | null;
  mobile: boolean;
}

export interface MemberCoverageRow {
  id: string;
  name: string;
  org_name: string;
  mobile: boolean;
  invited: number;
  attended: number;
  made_up: number;
  missed: number;
  delivered: number;
  read: number;
  last_active_at: string | null;
}

export interface ShownUnitRow {
  id: string;
  name: string;
  kind: 'committee' | 'general_branch' | 'branch' | 'group';
  path: string;
  parent_id: string | null;
  sort_order: number;
}

export interface CoverageResult {
  units: UnitSumsRow[] | null;
  members: MemberCoverageRow[] | null;
  total: number;
  shown: ShownUnitRow[] | null;
}

const SUMS = sql.raw(`
  coalesce(sum(lm.sessions_invited), 0)::int AS invited,
  coalesce(sum(lm.sessions_attended), 0)::int AS attended,
  coalesce(sum(lm.sessions_made_up), 0)::int AS made_up,
  coalesce(sum(lm.sessions_missed), 0)::int AS missed,
  coalesce(sum(lm.pushes_delivered), 0)::int AS delivered,
  coalesce(sum(lm.pushes_read), 0)::int AS read`);

/** Per member of the scope: the period's sums and the mobile flag. */
function perMemberSql(p: CoverageParams): RawBuilder<unknown> {
  if (p.wholeTenant) {
    return sql`
      SELECT m.id, m.org_id, m.name, m.name_sort_key, (mb.id IS NOT NULL) AS mobile,
             coalesce(r.invited, 0) AS invited, coalesce(r.attended, 0) AS attended, coalesce(r.made_up, 0) AS made_up,
             coalesce(r.missed, 0) AS missed, coalesce(r.delivered, 0) AS delivered, coalesce(r.read, 0) AS read
      FROM member m
      LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      LEFT JOIN (
        SELECT lm.member_id, ${SUMS}
        FROM learning_month lm
        WHERE lm.tenant_id = ${p.tenantId} AND lm.month BETWEEN ${p.fromMonth}::date AND ${p.toMonth}::date
        GROUP BY lm.member_id
      ) r ON r.member_id = m.id
      WHERE m.tenant_id = ${p.tenantId} AND m.left_at IS NULL`;
  }
  return sql`
    SELECT m.id, m.org_id, m.name, m.name_sort_key, (mb.id IS NOT NULL) AS mobile,
           r.invited, r.attended, r.made_up, r.missed, r.delivered, r.read
    FROM member m
    LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
    CROSS JOIN LATERAL (
      SELECT ${SUMS}
      FROM learning_month lm
      WHERE lm.tenant_id = m.tenant_id AND lm.member_id = m.id AND lm.month BETWEEN ${p.fromMonth}::date AND ${p.toMonth}::date
    ) r
    WHERE m.tenant_id = ${p.tenantId} AND m.left_at IS NULL
      AND m.org_id = ANY(ARRAY(SELECT id FROM sub))`;
}

/** The coverage statement (exported so the bench can run it next to its hand-written SQL). */
export function coverageSql(p: CoverageParams): RawBuilder<CoverageResult> {
  const prefixLength = p.rootPath.length;
  const rootDepth = p.rootPath.split('/').filter(Boolean).length;
  const mobileFilter = p.mobile === undefined ? sql`true` : p.mobile ? sql`mobile` : sql`NOT mobile`;
  const limit = p.limit === null ? sql`ALL` : sql`${p.limit}`;
  return sql<CoverageResult>`
    WITH sub AS MATERIALIZED (
      SELECT id, path, parent_id, name, kind, sort_order, retired_at
      FROM org WHERE tenant_id = ${p.tenantId} AND path LIKE ${`${p.rootPath}%`}
    ),
    pm AS MATERIALIZED (${perMemberSql(p)}),
    per_org AS (
      SELECT org_id, mobile, count(*)::int AS members,
             sum(invited)::int AS invited, sum(attended)::int AS attended, sum(made_up)::int AS made_up,
             sum(missed)::int AS missed, sum(delivered)::int AS delivered, sum(read)::int AS read,
             count(*) FILTER (WHERE missed = 0 AND read >= delivered)::int AS covered
      FROM pm GROUP BY org_id, mobile
    ),
    units AS (
      SELECT GROUPING(r.c1, r.c2) AS g, r.c1, r.c2, r.mobile, sum(members)::int AS members,
             sum(invited)::int AS invited, sum(attended)::int AS attended, sum(made_up)::int AS made_up,
             sum(missed)::int AS missed, sum(delivered)::int AS delivered, sum(read)::int AS read, sum(covered)::int AS covered
      FROM (
        SELECT po.*, split_part(substr(s.path, ${prefixLength + 1}), '/', 1) AS c1, split_part(substr(s.path, ${prefixLength + 1}), '/', 2) AS c2
        FROM per_org po JOIN sub s ON s.id = po.org_id
      ) r
      GROUP BY GROUPING SETS ((r.mobile), (r.c1, r.mobile), (r.c2, r.mobile))
    ),
    page AS (
      SELECT pm.*, row_number() OVER () AS pos FROM (
        SELECT * FROM pm WHERE ${mobileFilter}
        ORDER BY (missed > 0 OR read < delivered) DESC, missed DESC, read::float8 / nullif(delivered, 0) ASC NULLS LAST, name_sort_key, name, id
        LIMIT ${limit} OFFSET ${p.offset}
      ) pm
    )
    SELECT
      (SELECT json_agg(u) FROM units u) AS units,
      (SELECT json_agg(json_build_object(
          'id', p.id, 'name', p.name, 'org_name', o.name, 'mobile', p.mobile,
          'invited', p.invited, 'attended', p.attended, 'made_up', p.made_up, 'missed', p.missed,
          'delivered', p.delivered, 'read', p.read, 'last_active_at', m.last_active_at) ORDER BY p.pos)
       FROM page p
       JOIN member m ON m.tenant_id = ${p.tenantId} AND m.id = p.id
       JOIN sub o ON o.id = p.org_id) AS members,
      (SELECT count(*)::int FROM pm WHERE ${mobileFilter}) AS total,
      (SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'kind', s.kind, 'path', s.path, 'parent_id', s.parent_id, 'sort_order', s.sort_order))
       FROM sub s
       WHERE s.retired_at IS NULL AND length(s.path) - length(replace(s.path, '/', '')) - 1 <= ${rootDepth + 2}) AS shown`;
}

export async function readCoverage(db: Executor, p: CoverageParams): Promise<CoverageResult> {
  const { rows } = await coverageSql(p).execute(db);
  const row = rows[0];
  if (!row) return { units: [], members: [], total: 0, shown: [] };
  return row;
}
