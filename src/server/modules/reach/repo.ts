import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';

/**
 * The member app's side of "who is reached": when each member was last seen in the app. A READ
 * MODEL, as the drift radar: it reads what the app records directly in SQL, one statement for a
 * whole member set —
 *   - member.last_active_at (a push read, a check-in),
 *   - the sessions of the member's logins: created_at (a sign-in) and last_seen_at (touched at most
 *     hourly while the app is used, so a push opened and not read is seen there);
 * the latest of these is `last_seen_at`. A login is "activated" when it is enabled and was seen at
 * least once. It writes nothing.
 */
export interface PresenceRow {
  id: string;
  name: string;
  org_id: string;
  org_name: string;
  org_path: string;
  mobile: boolean;
  mentor_id: string | null;
  mentor_name: string | null;
  has_login: boolean;
  last_seen_at: Date | null;
  has_left: boolean;
}

export interface PresenceParams {
  tenantId: string;
  /** unit subtrees to look at, or the whole tenant */
  paths: string[] | 'all';
  /** only these members (with the subtrees), when given */
  memberIds?: string[] | undefined;
  /** members who left too (one member's own answer) */
  includeLeft?: boolean;
  /** only members not seen in the app since this moment (or never) */
  absentSince?: Date | undefined;
}

/** Current members (not left, unless asked) with when they were last seen in the app, in unit and name order. */
export async function readPresence(db: Executor, p: PresenceParams): Promise<PresenceRow[]> {
  const where: RawBuilder<SqlBool>[] = [sql<SqlBool>`m.tenant_id = ${p.tenantId}`];
  if (!p.includeLeft) where.push(sql<SqlBool>`m.left_at IS NULL`);
  if (p.paths !== 'all') where.push(inSubtrees(p.tenantId, p.paths));
  if (p.memberIds) where.push(sql<SqlBool>`m.id = ANY(${p.memberIds}::uuid[])`);
  const absent = p.absentSince ? sql<SqlBool>`(x.last_seen_at IS NULL OR x.last_seen_at <= ${p.absentSince})` : sql<SqlBool>`true`;
  const { rows } = await sql<PresenceRow>`
    SELECT x.* FROM (
      SELECT m.id, m.name, m.org_id, o.name AS org_name, o.path AS org_path, m.name_sort_key,
             EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL) AS mobile,
             ms.mentor_member_id AS mentor_id, mm.name AS mentor_name,
             (lg.logins > 0) AS has_login,
             GREATEST(m.last_active_at, lg.session_seen) AS last_seen_at,
             (m.left_at IS NOT NULL) AS has_left
      FROM member m
      JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
      LEFT JOIN mentorship ms ON ms.tenant_id = m.tenant_id AND ms.member_id = m.id AND ms.ended_on IS NULL
      LEFT JOIN member mm ON mm.tenant_id = ms.tenant_id AND mm.id = ms.mentor_member_id
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT a.id) AS logins, max(GREATEST(s.created_at, s.last_seen_at)) AS session_seen
        FROM account a LEFT JOIN session s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
        WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id AND a.disabled_at IS NULL
      ) lg
      WHERE ${sql.join(where, sql` AND `)}
    ) x
    WHERE ${absent}
    ORDER BY x.org_path, x.name_sort_key, x.id`.execute(db);
  return rows.map((r) => ({ ...r, last_seen_at: r.last_seen_at === null ? null : new Date(r.last_seen_at) }));
}
