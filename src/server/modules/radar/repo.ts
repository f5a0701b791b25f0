import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { DriftReasonKind } from '../../../shared/api-care.ts';
import { flagSql } from '../../directory/index.ts';
import type { TenantSettings } from '../settings/index.ts';
import { overdueTalkCondition, talkCadenceSql } from '../talks/index.ts';

/**
 * The drift radar's SQL. A read model: it reads the tables of the learning and care modules
 * directly (see service.ts), always one member set at a time, never a loop per member.
 *
 * Per examined member (flagsCtes) it finds what the reasons are computed from:
 *   - reading and absences in the monthly rollup learning_month (calendar months, Asia/Shanghai):
 *     "recent" is the previous month and the current one so far, "before" the two months before
 *     those; absences are the sessions missed and not made up in the current month and the two
 *     before it (sessions_missed of closed sessions: absent or excused);
 *   - the member's enabled app account and last activity (member.last_active_at);
 *   - lost contact: confirmed (member.lost_contact_since) or suspected (flagSql of directory/members.ts,
 *     so the radar and the member list agree);
 *   - the last contact: the latest of the last talk (talk), the last delivery visit
 *     (delivery_member + delivery) and member.last_contact_at;
 *   - sharing (每月一互动, share_post): the member's last post (deleted ones do not count) and
 *     whether their branch or village has shared at all before the no-share window (a post seen
 *     by a unit on their path made before it): no_share only counts once sharing has been going on
 *     there for settings.noShareMonths, so a unit that never shares does not flag every member.
 *
 * Two shapes, as the coverage query: for a subtree (a town, a village) or one member, each member's
 * months, talks and visits come through their own indexes (LATERAL); for the whole tenant, each of
 * those tables is aggregated once per member in one pass and hash-joined.
 */
export type DriftScope = { kind: 'tenant' } | { kind: 'subtrees'; paths: string[] } | { kind: 'member'; memberId: string };

export interface DriftParams {
  tenantId: string;
  scope: DriftScope;
  /** today in Asia/Shanghai, 'YYYY-MM-DD' */
  today: string;
  settings: TenantSettings;
  mobile?: boolean | undefined;
}

/** A read rate drop of at least this many points (of 100) between the windows is "falling". */
export const READING_DROP_POINTS = 30;
/** Both windows need this many pushes delivered before a drop means anything. */
export const READING_MIN_DELIVERED = 5;

export interface DriftWindows {
  /** first day of the previous month: start of the recent reading window */
  recentFrom: string;
  /** first day of the month three months back: start of the "before" reading window */
  beforeFrom: string;
  /** first day of the month two months back: start of the absences window (3 calendar months) */
  absencesFrom: string;
}

/** The start (a China day) of the no-share window: the first of the month `months` whole months back. */
export const noShareFrom = (today: string, months: number): string => firstOfMonth(today, months);

const firstOfMonth = (today: string, back: number): string => {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 10);
};

export function driftWindows(today: string): DriftWindows {
  return { recentFrom: firstOfMonth(today, 1), beforeFrom: firstOfMonth(today, 3), absencesFrom: firstOfMonth(today, 2) };
}

/** What a drift reason's sentence is written from (snake_case: straight from SQL). */
export interface DriftSignals {
  id: string;
  mobile: boolean;
  cadence: number;
  last_contact: string | null;
  last_talk: string | null;
  contact_days: number | null;
  talk_days: number | null;
  d_recent: number;
  r_recent: number;
  d_before: number;
  r_before: number;
  missed: number;
  last_active_at: string | null;
  inactive_days: number | null;
  lost_contact_since: string | null;
  silent_days: number | null;
  no_talk: boolean;
  reading_falling: boolean;
  not_reading: boolean;
  absences: boolean;
  inactive_app: boolean;
  lost_contact_suspected: boolean;
  lost_contact: boolean;
  /** the China day of the member's last post (每月一互动) */
  last_share: string | null;
  no_share: boolean;
}

export interface DriftPageRow extends DriftSignals {
  name: string;
  phone: string;
  org_name: string;
  place_name: string | null;
  mentor_name: string | null;
  high: boolean;
}

export interface DriftResult {
  members: number;
  total: number;
  by_reason: Record<DriftReasonKind, number> | null;
  items: DriftPageRow[] | null;
}

const LEARNING_SUMS = (w: DriftWindows) => sql`
  coalesce(sum(lm.pushes_delivered) FILTER (WHERE lm.month >= ${w.recentFrom}::date), 0)::int AS d_recent,
  coalesce(sum(lm.pushes_read) FILTER (WHERE lm.month >= ${w.recentFrom}::date), 0)::int AS r_recent,
  coalesce(sum(lm.pushes_delivered) FILTER (WHERE lm.month < ${w.recentFrom}::date), 0)::int AS d_before,
  coalesce(sum(lm.pushes_read) FILTER (WHERE lm.month < ${w.recentFrom}::date), 0)::int AS r_before,
  coalesce(sum(lm.sessions_missed) FILTER (WHERE lm.month >= ${w.absencesFrom}::date), 0)::int AS missed`;

/** The join that brings each member's months (r). */
function learningJoin(p: DriftParams, w: DriftWindows): RawBuilder<unknown> {
  if (p.scope.kind === 'tenant') {
    return sql`
      LEFT JOIN (
        SELECT lm.member_id, ${LEARNING_SUMS(w)}
        FROM learning_month lm WHERE lm.tenant_id = ${p.tenantId} AND lm.month >= ${w.beforeFrom}::date GROUP BY lm.member_id
      ) r ON r.member_id = m.id`;
  }
  return sql`
    CROSS JOIN LATERAL (
      SELECT ${LEARNING_SUMS(w)}
      FROM learning_month lm WHERE lm.tenant_id = m.tenant_id AND lm.member_id = m.id AND lm.month >= ${w.beforeFrom}::date
    ) r`;
}

/**
 * The joins that bring each judged member's last talk (t) and last visit (v). In a subtree only for
 * the members where they matter — those with a talk cadence (no_talk) and those listed for another
 * reason (their last contact is shown and orders the list) — through a one-time filter, so the
 * others cost no index probe; one member's always.
 */
function contactJoins(p: DriftParams): RawBuilder<unknown> {
  if (p.scope.kind === 'tenant') {
    return sql`
      LEFT JOIN (SELECT member_id, max(talked_on) AS last_talk FROM talk WHERE tenant_id = ${p.tenantId} GROUP BY member_id) t
        ON t.member_id = j.id
      LEFT JOIN (
        SELECT dm.member_id, max(d.trip_on) AS last_visit
        FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
        WHERE dm.tenant_id = ${p.tenantId} GROUP BY dm.member_id
      ) v ON v.member_id = j.id`;
  }
  const needed =
    p.scope.kind === 'member'
      ? sql`true`
      : sql`(j.cadence > 0 OR j.reading_falling OR j.not_reading OR j.absences OR j.inactive_app OR j.lost_contact_suspected OR j.lost_contact OR j.no_share)`;
  return sql`
    LEFT JOIN LATERAL (
      SELECT max(talked_on) AS last_talk FROM talk WHERE tenant_id = ${p.tenantId} AND member_id = j.id AND ${needed}
    ) t ON true
    LEFT JOIN LATERAL (
      SELECT max(d.trip_on) AS last_visit
      FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
      WHERE dm.tenant_id = ${p.tenantId} AND dm.member_id = j.id AND ${needed}
    ) v ON true`;
}

/** The join that brings each member's last post (sh): aggregated once for the tenant, else through the member's index. */
function shareJoin(p: DriftParams): RawBuilder<unknown> {
  if (p.scope.kind === 'tenant') {
    return sql`
      LEFT JOIN (
        SELECT member_id, max(created_at) AS last_share_at FROM share_post
        WHERE tenant_id = ${p.tenantId} AND deleted_at IS NULL GROUP BY member_id
      ) sh ON sh.member_id = m.id`;
  }
  return sql`
    LEFT JOIN LATERAL (
      SELECT max(created_at) AS last_share_at FROM share_post
      WHERE tenant_id = m.tenant_id AND member_id = m.id AND deleted_at IS NULL
    ) sh ON true`;
}

function scopeWhere(p: DriftParams): RawBuilder<unknown> {
  const s = p.scope;
  if (s.kind === 'tenant') return sql`true`;
  if (s.kind === 'member') return sql`m.id = ${s.memberId}`;
  if (s.paths.length === 0) return sql`false`;
  const likes = sql.join(s.paths.map((path) => sql`path LIKE ${`${path}%`}`), sql` OR `);
  return sql`m.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${p.tenantId} AND (${likes})))`;
}

/**
 * The CTEs up to `flags`: one row per examined member with every reason as a boolean, `n` reasons
 * and what the sentences are written from; shared by the drift list and a member's engagement.
 * `OFFSET 0` keeps judged and flags from being flattened into what reads them: each reason is then
 * computed once per member, not once per reference (the counts, the order, the page's JSON).
 *   base     the member, their stay, account and months;
 *   judged   the reasons that do not need the last contact;
 *   contact  the last talk and the last contact (talk, visit, member.last_contact_at);
 *   talked   no_talk: overdueTalkCondition of the talks module, on the last talk only;
 *   flags    the count.
 */
function flagsCtes(p: DriftParams): RawBuilder<unknown> {
  const w = driftWindows(p.today);
  const s = p.settings;
  const { lostSuspected } = flagSql(s);
  const mobileFilter = p.mobile === undefined ? sql`true` : p.mobile ? sql`mb.id IS NOT NULL` : sql`mb.id IS NULL`;
  const today = sql`${p.today}::date`;
  const shareFrom = sql`(${noShareFrom(p.today, s.noShareMonths)}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  return sql`
    share_started AS (
      SELECT DISTINCT sp.audience_path FROM share_post sp
      WHERE sp.tenant_id = ${p.tenantId} AND sp.deleted_at IS NULL AND sp.created_at < ${shareFrom}
    ),
    base AS (
      SELECT m.id, m.name, m.phone, m.org_id, m.last_active_at, m.last_contact_at, m.lost_contact_since,
             EXISTS (SELECT 1 FROM share_started ss WHERE mo.path LIKE ss.audience_path || '%') AS share_started,
             sh.last_share_at,
             (mb.id IS NOT NULL) AS mobile,
             (${lostSuspected}) IS TRUE AS lost_contact_suspected,
             ${today} - COALESCE(m.last_contact_at, mb.since) AS silent_days,
             ${talkCadenceSql(s, sql<boolean>`mb.id IS NOT NULL`)} AS cadence,
             ${today} - (m.last_active_at AT TIME ZONE 'Asia/Shanghai')::date AS inactive_days,
             coalesce(r.d_recent, 0) AS d_recent, coalesce(r.r_recent, 0) AS r_recent,
             coalesce(r.d_before, 0) AS d_before, coalesce(r.r_before, 0) AS r_before, coalesce(r.missed, 0) AS missed,
             (a.id IS NOT NULL) AS has_account, (a.created_at AT TIME ZONE 'Asia/Shanghai')::date AS account_on
      FROM member m
      JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
      LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      ${shareJoin(p)}
      -- the account matters only to a member not active lately (one-time filter: no probe for the others)
      LEFT JOIN LATERAL (
        SELECT a.id, a.created_at FROM account a
        WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id AND a.disabled_at IS NULL
          AND (m.last_active_at IS NULL OR m.last_active_at < ${today}::timestamp AT TIME ZONE 'Asia/Shanghai' - ${s.inactiveDays}::int * interval '1 day')
      ) a ON true
      ${learningJoin(p, w)}
      WHERE m.tenant_id = ${p.tenantId} AND m.left_at IS NULL AND ${scopeWhere(p)} AND ${mobileFilter}
    ),
    judged AS (
      SELECT b.*,
             (b.d_recent >= ${READING_MIN_DELIVERED}::int AND b.d_before >= ${READING_MIN_DELIVERED}::int AND b.r_recent > 0
               AND 100.0 * b.r_before / b.d_before - 100.0 * b.r_recent / b.d_recent >= ${READING_DROP_POINTS}::int) AS reading_falling,
             (b.d_recent > 0 AND b.r_recent = 0) AS not_reading,
             (b.missed >= ${s.absenceStreakSessions}::int) AS absences,
             (b.has_account AND CASE WHEN b.last_active_at IS NULL THEN ${today} - b.account_on > ${s.inactiveDays}::int
                                     ELSE b.inactive_days > ${s.inactiveDays}::int END) AS inactive_app,
             (b.lost_contact_since IS NOT NULL) AS lost_contact,
             (b.share_started AND (b.last_share_at IS NULL OR b.last_share_at < ${shareFrom})) AS no_share,
             (b.last_share_at AT TIME ZONE 'Asia/Shanghai')::date::text AS last_share
      FROM base b
      OFFSET 0
    ),
    contact AS (
      SELECT j.*, t.last_talk, GREATEST(t.last_talk, v.last_visit, j.last_contact_at) AS last_contact
      FROM judged j
      ${contactJoins(p)}
    ),
    talked AS (
      SELECT c.*, ${today} - c.last_contact AS contact_days, ${today} - c.last_talk AS talk_days,
             -- the talks module's one definition (the mentoring overview and the dashboard count the same)
             ${overdueTalkCondition(sql`c.cadence`, sql`c.last_talk`, p.today)} AS no_talk
      FROM contact c
    ),
    flags AS (
      SELECT t.*,
             (t.no_talk::int + t.reading_falling::int + t.not_reading::int + t.absences::int + t.inactive_app::int
               + t.lost_contact_suspected::int + t.lost_contact::int + t.no_share::int) AS n
      FROM talked t
      OFFSET 0
    )`;
}

const REASON_COLUMNS = sql.raw(`
  'id', f.id, 'mobile', f.mobile, 'cadence', f.cadence, 'last_contact', f.last_contact, 'last_talk', f.last_talk,
  'contact_days', f.contact_days, 'talk_days', f.talk_days, 'd_recent', f.d_recent, 'r_recent', f.r_recent, 'd_before', f.d_before, 'r_before', f.r_before,
  'missed', f.missed, 'last_active_at', f.last_active_at, 'inactive_days', f.inactive_days,
  'lost_contact_since', f.lost_contact_since, 'silent_days', f.silent_days,
  'no_talk', f.no_talk, 'reading_falling', f.reading_falling, 'not_reading', f.not_reading, 'absences', f.absences,
  'inactive_app', f.inactive_app, 'lost_contact_suspected', f.lost_contact_suspected, 'lost_contact', f.lost_contact,
  'last_share', f.last_share, 'no_share', f.no_share`);

const HIGH = sql.raw(`(f.lost_contact OR f.lost_contact_suspected OR f.n >= 3)`);
/** Listed members with this reason. */
const count = (flag: DriftReasonKind) => sql`count(*) FILTER (WHERE f.listed AND ${sql.ref(`f.${flag}`)})::int`;

/**
 * The drift list in one statement and one pass over the examined members (nothing of the whole
 * set is materialized, so a county's 60,000 rows stream): the examined members' count, the list's
 * total and its members per reason (whole list), and the listed members in order — high first (lost
 * contact, confirmed or suspected, or 3+ reasons), then more reasons, then the longest without
 * contact (never first), then name — of which the page is cut and given its unit and mentor.
 */
export function driftListSql(p: DriftParams & { reason?: DriftReasonKind | undefined; limit: number; offset: number }): RawBuilder<DriftResult> {
  const listed = p.reason ? sql`(f.n > 0 AND ${sql.ref(`f.${p.reason}`)})` : sql`(f.n > 0)`;
  return sql<DriftResult>`
    WITH ${flagsCtes(p)},
    summary AS (
      SELECT count(*)::int AS members,
             count(*) FILTER (WHERE f.listed)::int AS total,
             json_build_object(
               'no_talk', ${count('no_talk')}, 'reading_falling', ${count('reading_falling')}, 'not_reading', ${count('not_reading')},
               'absences', ${count('absences')}, 'inactive_app', ${count('inactive_app')},
               'lost_contact_suspected', ${count('lost_contact_suspected')}, 'lost_contact', ${count('lost_contact')},
               'no_share', ${count('no_share')}) AS by_reason,
             json_agg(json_build_object(${REASON_COLUMNS}, 'name', f.name, 'phone', f.phone, 'org_id', f.org_id, 'high', f.high)
                      ORDER BY f.high DESC, f.n DESC, f.last_contact ASC NULLS FIRST, f.name, f.id) FILTER (WHERE f.listed) AS listed
      FROM (SELECT f.*, ${listed} AS listed, ${HIGH} AS high FROM flags f) f
    )
    SELECT s.members, s.total, s.by_reason,
      (SELECT json_agg(e.value::jsonb || jsonb_build_object('org_name', o.name, 'place_name', mb.place_name, 'mentor_name', mm.name) ORDER BY e.pos)
       FROM json_array_elements(s.listed) WITH ORDINALITY AS e(value, pos)
       JOIN org o ON o.tenant_id = ${p.tenantId} AND o.id = (e.value->>'org_id')::uuid
       LEFT JOIN mobility mb ON mb.tenant_id = ${p.tenantId} AND mb.member_id = (e.value->>'id')::uuid AND mb.ended_on IS NULL
       LEFT JOIN mentorship ms ON ms.tenant_id = ${p.tenantId} AND ms.member_id = (e.value->>'id')::uuid AND ms.ended_on IS NULL
       LEFT JOIN member mm ON mm.tenant_id = ${p.tenantId} AND mm.id = ms.mentor_member_id
       WHERE e.pos > ${p.offset}::bigint AND e.pos <= ${p.offset + p.limit}::bigint) AS items
    FROM summary s`;
}

export async function readDriftList(db: Executor, p: Parameters<typeof driftListSql>[0]): Promise<DriftResult> {
  const { rows } = await driftListSql(p).execute(db);
  return rows[0] ?? { members: 0, total: 0, by_reason: null, items: null };
}

/** One member's signals and reasons (the engagement view). */
export async function readMemberSignals(db: Executor, p: Omit<DriftParams, 'scope' | 'mobile'> & { memberId: string }): Promise<DriftSignals | undefined> {
  const { rows } = await sql<{ s: DriftSignals }>`
    WITH ${flagsCtes({ ...p, scope: { kind: 'member', memberId: p.memberId } })}
    SELECT json_build_object(${REASON_COLUMNS}) AS s FROM flags f`.execute(db);
  return rows[0]?.s;
}

export interface EngagementMonthRow {
  month: string;
  pushes_delivered: number;
  pushes_read: number;
  sessions_invited: number;
  sessions_attended: number;
  sessions_made_up: number;
  talks: number;
  shares: number;
}

/** The member's last `months` calendar months (oldest first, the current one last), zeros where nothing happened. */
export async function readEngagementMonths(db: Executor, p: { tenantId: string; memberId: string; today: string; months: number }): Promise<EngagementMonthRow[]> {
  const from = firstOfMonth(p.today, p.months - 1);
  const to = firstOfMonth(p.today, 0);
  const { rows } = await sql<EngagementMonthRow>`
    SELECT to_char(g.month, 'YYYY-MM') AS month,
           coalesce(lm.pushes_delivered, 0) AS pushes_delivered, coalesce(lm.pushes_read, 0) AS pushes_read,
           coalesce(lm.sessions_invited, 0) AS sessions_invited, coalesce(lm.sessions_attended, 0) AS sessions_attended,
           coalesce(lm.sessions_made_up, 0) AS sessions_made_up, coalesce(t.talks, 0) AS talks, coalesce(sp.shares, 0) AS shares
    FROM generate_series(${from}::date, ${to}::date, interval '1 month') AS g(month)
    LEFT JOIN learning_month lm ON lm.tenant_id = ${p.tenantId} AND lm.member_id = ${p.memberId} AND lm.month = g.month::date
    LEFT JOIN (
      SELECT date_trunc('month', talked_on)::date AS month, count(*)::int AS talks
      FROM talk WHERE tenant_id = ${p.tenantId} AND member_id = ${p.memberId} AND talked_on >= ${from}::date
      GROUP BY 1
    ) t ON t.month = g.month::date
    LEFT JOIN (
      SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai')::date AS month, count(*)::int AS shares
      FROM share_post WHERE tenant_id = ${p.tenantId} AND member_id = ${p.memberId} AND deleted_at IS NULL
        AND created_at >= (${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')
      GROUP BY 1
    ) sp ON sp.month = g.month::date
    ORDER BY g.month`.execute(db);
  return rows;
}

// ---------- timeline ----------

/** SQL: a date column as the start of that day in China (so dates sort with timestamps). */
const day = (col: string) => sql.raw(`(${col}::timestamp AT TIME ZONE 'Asia/Shanghai')`);

export type TimelineRowKind =
  | 'joined'
  | 'moved'
  | 'returned'
  | 'mentor_start'
  | 'mentor_end'
  | 'talk'
  | 'session'
  | 'makeup'
  | 'reading'
  | 'task_raised'
  | 'task_closed'
  | 'delivery'
  | 'card'
  | 'contact'
  | 'lost_contact'
  | 'share'
  | 'service';

/**
 * One event as SQL finds it; service.ts writes its title and detail. `at` is the sort key
 * (timestamptz, whole milliseconds); `day` is set when the event has a date and no time.
 */
export interface TimelineRow {
  at: Date;
  day: string | null;
  kind: TimelineRowKind;
  /** a code the title is written from: talk channel, attendance status, task kind or status, card channel… */
  code: string | null;
  /** the main words: place, mentor, talker, session title, task reason, campaign title */
  name: string | null;
  /** more words: summary, workplace, note, items handed over, the member's words */
  text: string | null;
  /** numbers: pushes read / delivered (reading), occasion (cards) as code */
  n1: number | null;
  n2: number | null;
  ref_id: string | null;
}

/**
 * Everything that happened with one member, newest first, before `before`, in one UNION ALL with a
 * LIMIT: each arm reads the member's rows through its own index (tenant, member). Dates become the
 * start of their day in Asia/Shanghai so they sort with timestamps.
 */
export interface TimelineParams {
  tenantId: string;
  memberId: string;
  before: Date;
  limit: number;
  /** today in Asia/Shanghai: the current month's reading is shown on it */
  today: string;
}

export function timelineSql(p: TimelineParams): RawBuilder<TimelineRow> {
  const t = p.tenantId;
  const id = p.memberId;
  return sql<TimelineRow>`
    SELECT e.at, e.day::text AS day, e.kind, e.code, e.name, e.text, e.n1, e.n2, e.ref_id::text AS ref_id
    FROM (
      SELECT ${day('m.join_date')} AS at, m.join_date AS day, 'joined' AS kind, m.status AS code, NULL::text AS name, NULL::text AS text,
             NULL::int AS n1, NULL::int AS n2, NULL::uuid AS ref_id
      FROM member m WHERE m.tenant_id = ${t} AND m.id = ${id} AND m.join_date IS NOT NULL
      UNION ALL
      SELECT ${day('mb.since')}, mb.since, 'moved', mb.end_reason, mb.place_name, concat_ws(' · ', mb.workplace, mb.occupation), NULL, NULL, mb.id
      FROM mobility mb WHERE mb.tenant_id = ${t} AND mb.member_id = ${id}
      UNION ALL
      SELECT ${day('mb.ended_on')}, mb.ended_on, 'returned', NULL, mb.place_name, NULL, NULL, NULL, mb.id
      FROM mobility mb WHERE mb.tenant_id = ${t} AND mb.member_id = ${id} AND mb.end_reason = 'returned'
      UNION ALL
      SELECT ${day('ms.started_on')}, ms.started_on, 'mentor_start', NULL, mm.name, NULL, NULL, NULL, ms.id
      FROM mentorship ms JOIN member mm ON mm.tenant_id = ms.tenant_id AND mm.id = ms.mentor_member_id
      WHERE ms.tenant_id = ${t} AND ms.member_id = ${id}
      UNION ALL
      SELECT ${day('ms.ended_on')}, ms.ended_on, 'mentor_end', NULL, mm.name, NULL, NULL, NULL, ms.id
      FROM mentorship ms JOIN member mm ON mm.tenant_id = ms.tenant_id AND mm.id = ms.mentor_member_id
      WHERE ms.tenant_id = ${t} AND ms.member_id = ${id} AND ms.ended_on IS NOT NULL
      UNION ALL
      SELECT ${day('tk.talked_on')}, tk.talked_on, 'talk', tk.channel, tk.talker_name, tk.summary, NULL, NULL, tk.id
      FROM talk tk WHERE tk.tenant_id = ${t} AND tk.member_id = ${id}
      UNION ALL
      SELECT date_trunc('milliseconds', s.starts_at), NULL, 'session', a.status, s.title, NULL, NULL, NULL, s.id
      FROM attendance a JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id
      WHERE a.tenant_id = ${t} AND a.member_id = ${id} AND s.status = 'closed'
      UNION ALL
      SELECT date_trunc('milliseconds', mk.submitted_at), NULL, 'makeup', mk.status, s.title, NULL, NULL, NULL, s.id
      FROM makeup mk JOIN study_session s ON s.tenant_id = mk.tenant_id AND s.id = mk.session_id
      WHERE mk.tenant_id = ${t} AND mk.member_id = ${id} AND mk.submitted_at IS NOT NULL
      UNION ALL
      SELECT (x.day::timestamp AT TIME ZONE 'Asia/Shanghai'), x.day, 'reading', to_char(x.month, 'FMMM'), NULL, NULL, x.read, x.delivered, NULL
      FROM (
        SELECT lm.month, least((lm.month + interval '1 month' - interval '1 day')::date, ${p.today}::date) AS day,
               lm.pushes_read AS read, lm.pushes_delivered AS delivered
        FROM learning_month lm WHERE lm.tenant_id = ${t} AND lm.member_id = ${id} AND lm.pushes_delivered > 0
      ) x
      UNION ALL
      SELECT date_trunc('milliseconds', ct.created_at), NULL, 'task_raised', ct.kind, ct.reason, NULL, NULL, NULL, ct.id
      FROM care_task ct WHERE ct.tenant_id = ${t} AND ct.member_id = ${id}
      UNION ALL
      SELECT date_trunc('milliseconds', ct.closed_at), NULL, 'task_closed', ct.status, ct.reason, ct.note, NULL, NULL, ct.id
      FROM care_task ct WHERE ct.tenant_id = ${t} AND ct.member_id = ${id} AND ct.closed_at IS NOT NULL AND ct.status IN ('done', 'dropped')
      UNION ALL
      SELECT ${day('d.trip_on')}, d.trip_on, 'delivery', NULL, d.place_name,
             concat_ws('；', nullif(array_to_string(dm.items, '、'), ''), dm.words), NULL, NULL, d.id
      FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
      WHERE dm.tenant_id = ${t} AND dm.member_id = ${id}
      UNION ALL
      SELECT date_trunc('milliseconds', c.sent_at), NULL, 'card', c.channel, cc.title, c.post_status,
             (c.opened_at IS NOT NULL)::int, NULL, cc.id
      FROM card c JOIN card_campaign cc ON cc.tenant_id = c.tenant_id AND cc.id = c.campaign_id
      WHERE c.tenant_id = ${t} AND c.member_id = ${id} AND c.sent_at IS NOT NULL
      UNION ALL
      -- the contact date on the member, unless a talk or a visit of that day already shows it
      SELECT ${day('m.last_contact_at')}, m.last_contact_at, 'contact', NULL, NULL, NULL, NULL, NULL, NULL
      FROM member m
      WHERE m.tenant_id = ${t} AND m.id = ${id} AND m.last_contact_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM talk tk WHERE tk.tenant_id = m.tenant_id AND tk.member_id = m.id AND tk.talked_on = m.last_contact_at)
        AND NOT EXISTS (
          SELECT 1 FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
          WHERE dm.tenant_id = m.tenant_id AND dm.member_id = m.id AND d.trip_on = m.last_contact_at)
      UNION ALL
      SELECT date_trunc('milliseconds', m.lost_contact_confirmed_at), NULL, 'lost_contact', NULL, m.lost_contact_since::text, NULL, NULL, NULL, NULL
      FROM member m WHERE m.tenant_id = ${t} AND m.id = ${id} AND m.lost_contact_confirmed_at IS NOT NULL
      UNION ALL
      -- a post shared (每月一互动): its kind, the start of its text, hidden by a secretary or not
      -- (a hidden post's text stays out: the timeline's readers need not be its secretaries)
      SELECT date_trunc('milliseconds', sp.created_at), NULL, 'share', sp.kind, NULL, CASE WHEN sp.hidden_at IS NULL THEN sp.body END, (sp.hidden_at IS NOT NULL)::int, NULL, sp.id
      FROM share_post sp WHERE sp.tenant_id = ${t} AND sp.member_id = ${id} AND sp.deleted_at IS NULL
      UNION ALL
      -- a service log (志愿服务), not voided: its day, minutes, what was done, the project or team, remote or not
      SELECT ${day('sl.served_on')}, sl.served_on, 'service', NULL, coalesce(spj.title, stm.name), sl.what, sl.minutes, sl.remote::int, sl.id
      FROM service_log sl
      LEFT JOIN service_project spj ON spj.tenant_id = sl.tenant_id AND spj.id = sl.project_id
      LEFT JOIN service_team stm ON stm.tenant_id = sl.tenant_id AND stm.id = sl.team_id
      WHERE sl.tenant_id = ${t} AND sl.member_id = ${id} AND sl.voided_at IS NULL
    ) e
    WHERE e.at < ${p.before}
    ORDER BY e.at DESC, e.kind, e.ref_id
    LIMIT ${p.limit}`;
}

export async function readTimeline(db: Executor, p: TimelineParams): Promise<TimelineRow[]> {
  const { rows } = await timelineSql(p).execute(db);
  return rows;
}
