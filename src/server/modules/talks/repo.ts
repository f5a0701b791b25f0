import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { TalkDue } from '../../../shared/api-care.ts';
import type { TenantSettings } from '../settings/index.ts';
import { inSubtrees } from '../../directory/index.ts';

// ---------- talks ----------

/** A talk with the member it is about (name, unit path for authorization). */
export function talkQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('talk as t')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.id', '=', 't.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .where('t.tenant_id', '=', tenantId)
    .select([
      't.id',
      't.member_id',
      'm.name as member_name',
      'o.path as org_path',
      't.talked_on',
      't.channel',
      't.talker_name',
      't.summary',
      't.situation_work',
      't.situation_family',
      't.situation_health',
      't.situation_thoughts',
      't.concerns',
      't.follow_up_needed',
      't.follow_up_task_id',
      't.created_by',
      't.created_at',
    ]);
}

export type TalkRow = Awaited<ReturnType<ReturnType<typeof talkQuery>['execute']>>[number];

// ---------- talk state against the cadence ----------

/*
 * THE definition of an overdue heart-to-heart talk, used by the mentoring overview (its 逾期 and
 * 从未谈话 rows, tab and counts), the dashboard's 党内关怀 row and the drift radar's no_talk reason,
 * so the three count the same members:
 *   - the member's cadence is the tenant's: talkCadenceDays while they have an open destination
 *     (流动党员), talkCadenceHomeDays otherwise; 0 means no cadence, never overdue. Home members
 *     count when the home cadence is set, mobile or not is only which cadence applies;
 *   - only a recorded talk (谈心谈话) resets the clock: a delivery visit or a contact noted on the
 *     member keeps them from looking lost, but the setting is a talk cadence;
 *   - the due day itself is not late: overdue when today - last talk > cadence (China days);
 *   - a member with a cadence and no talk at all is overdue at once (从未谈话): the first talk is
 *     the point of pairing someone who goes out, and an imported roster's members have been away
 *     long before they were registered;
 *   - whether they have a mentor does not matter (no mentor is worse, not an excuse).
 */

/** A member's talk cadence in days (0: none), from whether they are away. */
export function talkCadenceSql(settings: TenantSettings, mobile: RawBuilder<boolean>): RawBuilder<number> {
  return sql<number>`(CASE WHEN ${mobile} THEN ${settings.talkCadenceDays}::int ELSE ${settings.talkCadenceHomeDays}::int END)`;
}

/** The one condition: the member's talk is overdue today (see above). */
export function overdueTalkCondition(cadence: RawBuilder<number>, lastTalkOn: RawBuilder<string | null>, today: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${cadence} > 0 AND (${lastTalkOn} IS NULL OR ${lastTalkOn} + ${cadence} < ${today}::date))`;
}

/** Which members the talk state is computed for. */
export interface TalkStateScope {
  /** unit subtrees, or the whole tenant */
  paths: string[] | 'all';
  /** only these members (a mentor's mentees) */
  memberIds?: string[] | undefined;
  /** only members with an open destination (流动党员) */
  mobileOnly: boolean;
  /** name contains / phone starts with */
  q?: string | undefined;
}

export interface TalkStateRow {
  id: string;
  name: string;
  phone: string;
  org_name: string;
  mobile: boolean;
  place_name: string | null;
  workplace: string | null;
  mentor_member_id: string | null;
  mentor_name: string | null;
  mentor_phone: string | null;
  mentor_since: string | null;
  last_talk_on: string | null;
  next_due: string | null;
  talk_due: TalkDue;
  overdue_days: number;
  open_tasks: number;
}

/**
 * The members of a scope with their talk state, as SQL common table expressions ending in `r`
 * (one row per member, the columns of TalkStateRow). The cadence is the tenant's: mobile members
 * every `talkCadenceDays`, the others every `talkCadenceHomeDays` (0: no cadence). The next talk
 * is due a cadence after the last one; a member who never had one is due a cadence after they
 * came into view (the later of their current stay's start and their registration), and counts as
 * 'never' (overdue by overdueTalkCondition) whatever the day. The last talk comes from
 * talk_member_idx, one index probe a member.
 */
export function talkStateCte(tenantId: string, settings: TenantSettings, scope: TalkStateScope, today: string): RawBuilder<unknown> {
  const conds: RawBuilder<SqlBool>[] = [sql<SqlBool>`m.tenant_id = ${tenantId}`, sql<SqlBool>`m.left_at IS NULL`];
  if (scope.paths !== 'all') conds.push(inSubtrees(tenantId, scope.paths));
  if (scope.memberIds) conds.push(sql<SqlBool>`m.id = ANY(${scope.memberIds}::uuid[])`);
  if (scope.q) {
    const like = `%${scope.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const phone = `${scope.q.replace(/\D/g, '') || '#'}%`;
    conds.push(sql<SqlBool>`(m.name LIKE ${like} OR m.phone LIKE ${phone})`);
  }
  const stay = scope.mobileOnly ? sql`JOIN` : sql`LEFT JOIN`;
  return sql`
    s AS (
      SELECT m.id, m.name, m.name_sort_key, m.phone, o.name AS org_name, (mb.id IS NOT NULL) AS mobile, mb.place_name, mb.workplace,
             ms.mentor_member_id, mt.name AS mentor_name, mt.phone AS mentor_phone, ms.started_on AS mentor_since,
             lt.last_talk_on, COALESCE(ot.open_tasks, 0) AS open_tasks,
             ${talkCadenceSql(settings, sql<boolean>`mb.id IS NOT NULL`)} AS cadence,
             GREATEST(mb.since, (m.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS in_view_since
      FROM member m
      JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
      ${stay} mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      LEFT JOIN mentorship ms ON ms.tenant_id = m.tenant_id AND ms.member_id = m.id AND ms.ended_on IS NULL
      LEFT JOIN member mt ON mt.tenant_id = ms.tenant_id AND mt.id = ms.mentor_member_id
      LEFT JOIN LATERAL (
        SELECT t.talked_on AS last_talk_on FROM talk t
        WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        ORDER BY t.talked_on DESC LIMIT 1
      ) lt ON true
      -- Unfinished tasks are few (one per member and kind at most): counted once for the tenant.
      LEFT JOIN (
        SELECT c.member_id, count(*)::int AS open_tasks FROM care_task c
        WHERE c.tenant_id = ${tenantId} AND c.status IN ('open', 'snoozed')
        GROUP BY c.member_id
      ) ot ON ot.member_id = m.id
      WHERE ${sql.join(conds, sql` AND `)}
    ),
    d AS (
      SELECT s.*, CASE WHEN s.cadence = 0 THEN NULL ELSE COALESCE(s.last_talk_on, s.in_view_since) + s.cadence END AS next_due,
             ${overdueTalkCondition(sql`s.cadence`, sql`s.last_talk_on`, today)} AS late
      FROM s
    ),
    r AS (
      -- 'never' and 'overdue' are the overdue members (d.late) without and with a talk on record.
      SELECT d.*,
        CASE WHEN d.next_due IS NULL THEN 'no_cadence'
             WHEN d.late AND d.last_talk_on IS NULL THEN 'never'
             WHEN d.late THEN 'overdue'
             WHEN d.next_due <= ${today}::date + 7 THEN 'due_soon'
             ELSE 'ok' END AS talk_due,
        CASE WHEN d.next_due < ${today}::date THEN ${today}::date - d.next_due ELSE 0 END AS overdue_days
      FROM d
    )`;
}

/** Overdue first (most days), then never talked, then due soon, then the rest. */
const DUE_RANK = sql`CASE r.talk_due WHEN 'overdue' THEN 0 WHEN 'never' THEN 1 WHEN 'due_soon' THEN 2 WHEN 'ok' THEN 3 ELSE 4 END`;

/** Members without a mentor first, then the most overdue, then by name in pinyin order. */
const MENTORING_ORDER = sql`(r.mentor_member_id IS NULL) DESC, r.overdue_days DESC, ${DUE_RANK}, r.name_sort_key, r.name, r.id`;

const ROW_COLUMNS = sql`r.id, r.name, r.name_sort_key, r.phone, r.org_name, r.mobile, r.place_name, r.workplace, r.mentor_member_id, r.mentor_name, r.mentor_phone,
  r.mentor_since, r.last_talk_on, r.next_due, r.talk_due, r.overdue_days, r.open_tasks`;

export interface MentoringPage {
  items: TalkStateRow[];
  total: number;
  members: number;
  without_mentor: number;
  overdue: number;
  never: number;
  mentors: { member_id: string; name: string; mentees: number; overdue: number }[];
}

/**
 * The mentoring overview in one statement: the page (members without a mentor first, then the
 * most overdue, then by name), the total under the tab filter, and the summary and the mentors
 * over the whole scope (the tab filter aside, so the tabs can show their counts).
 */
export async function readMentoring(
  db: Executor,
  tenantId: string,
  settings: TenantSettings,
  scope: TalkStateScope,
  tab: 'without_mentor' | 'overdue' | undefined,
  today: string,
  page: { limit: number; offset: number },
): Promise<MentoringPage> {
  const tabWhere =
    tab === 'without_mentor' ? sql`r.mentor_member_id IS NULL` : tab === 'overdue' ? sql`r.late` : sql`true`;
  const result = await sql<{
    items: TalkStateRow[] | null;
    total: number;
    members: number;
    without_mentor: number;
    overdue: number;
    never: number;
    mentors: MentoringPage['mentors'] | null;
  }>`
    WITH ${talkStateCte(tenantId, settings, scope, today)}
    SELECT
      (SELECT json_agg(p ORDER BY p.n) FROM (
         -- The page first (a top-N sort), then numbered to keep its order through json_agg.
         SELECT r.*, row_number() OVER (ORDER BY ${MENTORING_ORDER}) AS n FROM (
           SELECT ${ROW_COLUMNS} FROM r WHERE ${tabWhere}
           ORDER BY ${MENTORING_ORDER} LIMIT ${page.limit} OFFSET ${page.offset}
         ) r
      ) p) AS items,
      (SELECT count(*)::int FROM r WHERE ${tabWhere}) AS total,
      count(*)::int AS members,
      (count(*) FILTER (WHERE r.mentor_member_id IS NULL))::int AS without_mentor,
      (count(*) FILTER (WHERE r.talk_due = 'overdue'))::int AS overdue,
      (count(*) FILTER (WHERE r.talk_due = 'never'))::int AS never,
      (SELECT json_agg(x ORDER BY x.mentees DESC, x.overdue DESC, x.name) FROM (
         SELECT r.mentor_member_id AS member_id, r.mentor_name AS name, count(*)::int AS mentees,
                (count(*) FILTER (WHERE r.late))::int AS overdue
         FROM r WHERE r.mentor_member_id IS NOT NULL
         GROUP BY r.mentor_member_id, r.mentor_name
      ) x) AS mentors
    FROM r
  `.execute(db);
  const row = result.rows[0];
  if (!row) return { items: [], total: 0, members: 0, without_mentor: 0, overdue: 0, never: 0, mentors: [] };
  return { ...row, items: row.items ?? [], mentors: row.mentors ?? [] };
}

/** Talk state of some members (a mentor's mentees): overdue first, then never, due soon, the rest; by name. */
export async function readTalkStates(db: Executor, tenantId: string, settings: TenantSettings, scope: TalkStateScope, today: string): Promise<TalkStateRow[]> {
  const result = await sql<TalkStateRow>`
    WITH ${talkStateCte(tenantId, settings, scope, today)}
    SELECT ${ROW_COLUMNS} FROM r
    ORDER BY r.overdue_days DESC, ${DUE_RANK}, r.name_sort_key, r.name, r.id
  `.execute(db);
  return result.rows;
}

/** How many of these members' talks are overdue or never happened (where a cadence applies). */
export async function countTalksDue(db: Executor, tenantId: string, settings: TenantSettings, scope: TalkStateScope, today: string): Promise<number> {
  const result = await sql<{ n: number }>`
    WITH ${talkStateCte(tenantId, settings, scope, today)}
    SELECT count(*)::int AS n FROM r WHERE r.late
  `.execute(db);
  return result.rows[0]?.n ?? 0;
}
