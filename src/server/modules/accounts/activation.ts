import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/policy.ts';
import { notFound } from '../../errors.ts';
import { memberWithOrg, summaryUnit } from '../../directory/index.ts';
import { compareUnits } from '../../../shared/sort-order.ts';
import type { Activation, ActivationParams, ActivationStatus, MemberActivation, UnitActivation } from '../../../shared/api-activation.ts';

/**
 * 开通情况: who has activated the member app, who holds an open invitation, who has neither.
 *
 * A member is
 *   active   with a login that is not disabled and has been used: a session of it (open, or ended
 *            but not yet purged), an invitation of theirs redeemed, or activity the app recorded
 *            (member.last_active_at: a read, a check-in);
 *   invited  otherwise, with an open invitation (not used, not revoked) that has not expired;
 *   none     otherwise.
 *
 * The view is of a unit's subtree: the unit is the one asked for, or the widest unit the caller
 * reads, checked with `org.read` (a secretary's or a group leader's unit — the same units whose
 * members `listScope(actor, 'member.read')` lists), so every member shown is one the caller may
 * read. Mentors and members, who read single people and no unit, are refused (403).
 */

interface PerMemberRow {
  id: string;
  name: string;
  org_id: string;
  org_name: string;
  mobile: boolean;
  status: ActivationStatus;
  invited_at: string | null;
  expires_at: string | null;
  last_seen_at: string | null;
}

interface UnitSumsRow {
  /** GROUPING(c1): 1 = the unit itself, 0 = per child */
  g: number;
  c1: string | null;
  members: number;
  active: number;
  invited: number;
  none: number;
}

interface ActivationResult {
  units: UnitSumsRow[] | null;
  members: PerMemberRow[] | null;
  total: number;
}

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

/**
 * One row per current member of the tenant's units under `rootPath`, with their status. The
 * tenant's logins, sessions and invitations are summed per member first (hash joins), so a county
 * is read in one pass rather than a lookup per member.
 */
function perMemberCte(tenantId: string, rootPath: string): RawBuilder<unknown> {
  return sql`
    sub AS MATERIALIZED (
      SELECT id, path, name FROM org WHERE tenant_id = ${tenantId} AND path LIKE ${`${rootPath}%`}
    ),
    logins AS (
      SELECT a.member_id, max(COALESCE(s.last_seen_at, s.created_at)) AS seen_at
      FROM account a
      LEFT JOIN session s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
      WHERE a.tenant_id = ${tenantId} AND a.member_id IS NOT NULL AND a.disabled_at IS NULL
      GROUP BY a.member_id
    ),
    redeemed AS (
      SELECT member_id, max(used_at) AS used_at FROM invitation
      WHERE tenant_id = ${tenantId} AND used_at IS NOT NULL
      GROUP BY member_id
    ),
    open_inv AS (
      SELECT DISTINCT ON (member_id) member_id, created_at, expires_at FROM invitation
      WHERE tenant_id = ${tenantId} AND used_at IS NULL AND revoked_at IS NULL AND expires_at > lianxin_now()
      ORDER BY member_id, created_at DESC
    ),
    pm AS MATERIALIZED (
      SELECT m.id, m.name, m.name_sort_key, m.org_id, o.name AS org_name, (mb.id IS NOT NULL) AS mobile,
             oi.created_at AS invited_at, oi.expires_at,
             seen.at AS last_seen_at,
             CASE WHEN l.member_id IS NOT NULL AND (l.seen_at IS NOT NULL OR r.used_at IS NOT NULL OR m.last_active_at IS NOT NULL) THEN 'active'
                  WHEN oi.member_id IS NOT NULL THEN 'invited'
                  ELSE 'none' END AS status
      FROM member m
      JOIN sub o ON o.id = m.org_id
      LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      LEFT JOIN logins l ON l.member_id = m.id
      LEFT JOIN redeemed r ON r.member_id = m.id
      LEFT JOIN open_inv oi ON oi.member_id = m.id
      CROSS JOIN LATERAL (SELECT GREATEST(m.last_active_at, l.seen_at, r.used_at) AS at) seen
      WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL
    )`;
}

interface ListParams {
  tenantId: string;
  rootPath: string;
  status?: ActivationStatus | undefined;
  mobile?: boolean | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

function activationSql(p: ListParams): RawBuilder<ActivationResult> {
  const prefixLength = p.rootPath.length;
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (p.status) conds.push(sql`pm.status = ${p.status}`);
  if (p.mobile !== undefined) conds.push(p.mobile ? sql`pm.mobile` : sql`NOT pm.mobile`);
  if (p.q) conds.push(sql`pm.name LIKE ${`%${p.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const where = sql.join(conds, sql` AND `);
  return sql<ActivationResult>`
    WITH ${perMemberCte(p.tenantId, p.rootPath)},
    per_org AS (
      SELECT org_id, count(*)::int AS members,
             count(*) FILTER (WHERE status = 'active')::int AS active,
             count(*) FILTER (WHERE status = 'invited')::int AS invited,
             count(*) FILTER (WHERE status = 'none')::int AS none
      FROM pm GROUP BY org_id
    ),
    units AS (
      SELECT GROUPING(r.c1) AS g, r.c1, sum(members)::int AS members, sum(active)::int AS active,
             sum(invited)::int AS invited, sum(none)::int AS none
      FROM (
        SELECT po.*, split_part(substr(s.path, ${prefixLength + 1}), '/', 1) AS c1
        FROM per_org po JOIN sub s ON s.id = po.org_id
      ) r
      GROUP BY GROUPING SETS ((), (r.c1))
    ),
    page AS (
      SELECT pm.*, row_number() OVER () AS pos FROM (
        SELECT * FROM pm WHERE ${where}
        ORDER BY CASE status WHEN 'none' THEN 0 WHEN 'invited' THEN 1 ELSE 2 END, name_sort_key, name, id
        LIMIT ${p.limit} OFFSET ${p.offset}
      ) pm
    )
    SELECT
      (SELECT json_agg(u) FROM units u) AS units,
      (SELECT json_agg(json_build_object(
          'id', p.id, 'name', p.name, 'org_id', p.org_id, 'org_name', p.org_name, 'mobile', p.mobile, 'status', p.status,
          'invited_at', p.invited_at, 'expires_at', p.expires_at, 'last_seen_at', p.last_seen_at) ORDER BY p.pos)
       FROM page p) AS members,
      (SELECT count(*)::int FROM pm WHERE ${where}) AS total`;
}

const zero = { members: 0, active: 0, invited: 0, none: 0 };

export async function getActivation(db: Executor, ctx: RequestContext, q: ActivationParams): Promise<Activation> {
  const { actor } = ctx;
  const root = await summaryUnit(db, ctx, 'org.read', q.orgId);
  const [{ rows }, children] = await Promise.all([
    activationSql({
      tenantId: actor.tenantId,
      rootPath: root.path,
      status: q.status,
      mobile: q.mobile,
      q: q.q,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    }).execute(db),
    db
      .selectFrom('org')
      .select(['id', 'name', 'kind', 'sort_order', 'retired_at'])
      .where('tenant_id', '=', actor.tenantId)
      .where('parent_id', '=', root.id)
      .execute(),
  ]);
  const result = rows[0] ?? { units: [], members: [], total: 0 };
  const sums = new Map<string, UnitSumsRow>();
  let total: UnitSumsRow | undefined;
  for (const u of result.units ?? []) {
    if (u.g === 1) total = u;
    else if (u.c1) sums.set(u.c1, u);
  }
  const counts = (u: UnitSumsRow | undefined) => (u ? { members: u.members, active: u.active, invited: u.invited, none: u.none } : zero);
  const units: UnitActivation[] = [{ unitId: root.id, unitName: root.name, kind: root.kind, depth: 0, ...counts(total) }];
  // Retired children are shown only while members still sit in them.
  const shown = children.filter((c) => !c.retired_at || sums.has(c.id));
  shown.sort((a, b) => compareUnits({ sortOrder: a.sort_order, name: a.name }, { sortOrder: b.sort_order, name: b.name }));
  for (const c of shown) units.push({ unitId: c.id, unitName: c.name, kind: c.kind, depth: 1, ...counts(sums.get(c.id)) });
  return {
    orgId: root.id,
    orgName: root.name,
    units,
    members: (result.members ?? []).map((m) => ({
      memberId: m.id,
      name: m.name,
      unitId: m.org_id,
      unitName: m.org_name,
      isMobile: m.mobile,
      status: m.status,
      invitedAt: iso(m.invited_at),
      expiresAt: iso(m.expires_at),
      lastSeenAt: iso(m.last_seen_at),
    })),
    total: result.total,
    canInvite: can(actor, 'member.write', { kind: 'org', tenantId: actor.tenantId, path: root.path }),
  };
}

/** One member's state for the member page: whoever may read the member. */
export async function getMemberActivation(db: Executor, ctx: RequestContext, memberId: string): Promise<MemberActivation> {
  const { actor } = ctx;
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m || m.left_at) throw notFound('党员');
  const target = { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path } as const;
  authorize(actor, 'member.read', target);
  const { rows } = await sql<{ has_account: boolean; seen_at: Date | null; used_at: Date | null; invited_at: Date | null; expires_at: Date | null }>`
    SELECT
      EXISTS (SELECT 1 FROM account a WHERE a.tenant_id = ${actor.tenantId} AND a.member_id = ${memberId} AND a.disabled_at IS NULL) AS has_account,
      (SELECT max(COALESCE(s.last_seen_at, s.created_at)) FROM account a JOIN session s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
        WHERE a.tenant_id = ${actor.tenantId} AND a.member_id = ${memberId} AND a.disabled_at IS NULL) AS seen_at,
      (SELECT max(used_at) FROM invitation WHERE tenant_id = ${actor.tenantId} AND member_id = ${memberId}) AS used_at,
      oi.created_at AS invited_at, oi.expires_at
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
      SELECT created_at, expires_at FROM invitation
      WHERE tenant_id = ${actor.tenantId} AND member_id = ${memberId} AND used_at IS NULL AND revoked_at IS NULL AND expires_at > lianxin_now()
      ORDER BY created_at DESC LIMIT 1
    ) oi ON true`.execute(db);
  const r = rows[0];
  const seen = [m.last_active_at, r?.seen_at ?? null, r?.used_at ?? null].filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
  const lastSeenAt = seen.length ? new Date(Math.max(...seen)).toISOString() : null;
  const hasAccount = Boolean(r?.has_account);
  const status: ActivationStatus = hasAccount && lastSeenAt ? 'active' : r?.expires_at ? 'invited' : 'none';
  return {
    memberId,
    status,
    hasAccount,
    invitedAt: iso(r?.invited_at ?? null),
    expiresAt: iso(r?.expires_at ?? null),
    lastSeenAt,
    canInvite: can(actor, 'member.write', target),
  };
}
