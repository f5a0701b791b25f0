import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import type { Database, OpenedDatabase } from '../../src/server/db/database.ts';
import type { RequestContext } from '../../src/server/auth/actor.ts';
import type { DriftList, Timeline } from '../../src/shared/api-care.ts';
import { shanghaiDate } from '../../src/server/clock.ts';
import { noShareFrom } from '../../src/server/modules/radar/repo.ts';
import { getSettings } from '../../src/server/modules/settings/service.ts';
import type { GeneratedCounty } from '../generate.ts';
import { contextFor, loginCookie, startBenchApp } from '../lib/app.ts';
import { log, ms, ratio, summarize } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * The drift radar on the county with a year of learning and care history (PostgreSQL), through the
 * real use cases of modules/radar/service.ts:
 *   - `listDrift` as the secretary of the first town, for their town (~3,000 members), first page
 *     of 20: every examined member's reasons, the total and the members per reason;
 *   - `getTimeline` (first page of 50, audit entry included) for the 20 mobile members of that town
 *     with the most talks, in turn.
 * Each is timed against a limit measured in the same run: the same question in hand-written SQL
 * straight through the driver (pg.Client), interleaved with the service calls, and checked equal
 * before timing (drift: the examined members, the total, the members per reason, the page in order;
 * timeline: the events shown, as times, kinds and references). 10 calls over HTTP each are shown
 * for information. Targets: p95 ≤ 200 ms (drift list) and ≤ 50 ms (timeline).
 */
export const DRIFT_TARGET_P95_MS = 200;
export const TIMELINE_TARGET_P95_MS = 50;
const TIMELINE_MEMBERS = 20;
const TIMELINE_LIMIT = 50;

const REPO = path.resolve(import.meta.dirname, '../..');
const SERVICE = path.join(REPO, 'src/server/modules/radar/service.ts');

type ListDrift = (db: Database, ctx: RequestContext, q: { page: number; pageSize: number }) => Promise<DriftList>;
type GetTimeline = (db: Database, ctx: RequestContext, memberId: string, q: { limit: number }) => Promise<Timeline>;

const REASONS = ['no_talk', 'reading_falling', 'not_reading', 'absences', 'inactive_app', 'lost_contact_suspected', 'lost_contact', 'no_share'] as const;

/**
 * The drift list in hand-written SQL: per member of the subtree its last contact (talk, visit,
 * recorded), months of learning_month (recent = from the first of last month, before = the two
 * months before; absences = the last three months), account and last activity, then the reasons,
 * the counts and the first page in the list's order. No sharing ($9: the first day of the no-share
 * window): the member's last post, and whether a post for a unit on their path was made before it.
 */
const BARE_DRIFT = `
  WITH d AS (
    SELECT $3::date AS today,
           (date_trunc('month', $3::date) - interval '1 month')::date AS recent_from,
           (date_trunc('month', $3::date) - interval '3 months')::date AS before_from,
           (date_trunc('month', $3::date) - interval '2 months')::date AS absences_from
  ),
  x AS (
    SELECT m.id, m.name, d.today, (mb.member_id IS NOT NULL) AS mobile, (m.lost_contact_since IS NOT NULL) AS lost_contact,
           (mb.member_id IS NOT NULL AND m.lost_contact_since IS NULL AND coalesce(m.last_contact_at, mb.since) <= CURRENT_DATE - $4::int) AS lost_contact_suspected,
           greatest(
             (SELECT max(t.talked_on) FROM talk t WHERE t.tenant_id = $1 AND t.member_id = m.id),
             (SELECT max(v.trip_on) FROM delivery_member dm JOIN delivery v ON v.tenant_id = dm.tenant_id AND v.id = dm.delivery_id
              WHERE dm.tenant_id = $1 AND dm.member_id = m.id),
             m.last_contact_at) AS last_contact,
           (SELECT max(t.talked_on) FROM talk t WHERE t.tenant_id = $1 AND t.member_id = m.id) AS last_talk,
           (SELECT (a.created_at AT TIME ZONE 'Asia/Shanghai')::date FROM account a
            WHERE a.tenant_id = $1 AND a.member_id = m.id AND a.disabled_at IS NULL) AS account_on,
           (m.last_active_at AT TIME ZONE 'Asia/Shanghai')::date AS active_on,
           CASE WHEN mb.member_id IS NOT NULL THEN $5::int ELSE $6::int END AS cadence,
           s.dr, s.rr, s.db, s.rb, s.missed,
           (SELECT max(sp.created_at) FROM share_post sp WHERE sp.tenant_id = $1 AND sp.member_id = m.id AND sp.deleted_at IS NULL) AS last_share_at,
           EXISTS (SELECT 1 FROM share_post sp JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
                   WHERE sp.tenant_id = $1 AND sp.deleted_at IS NULL AND sp.created_at < ($9::date::timestamp AT TIME ZONE 'Asia/Shanghai')
                     AND o.path LIKE sp.audience_path || '%') AS share_started
    FROM member m
    CROSS JOIN d
    LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(lm.pushes_delivered) FILTER (WHERE lm.month >= d.recent_from), 0) AS dr,
             coalesce(sum(lm.pushes_read) FILTER (WHERE lm.month >= d.recent_from), 0) AS rr,
             coalesce(sum(lm.pushes_delivered) FILTER (WHERE lm.month < d.recent_from), 0) AS db,
             coalesce(sum(lm.pushes_read) FILTER (WHERE lm.month < d.recent_from), 0) AS rb,
             coalesce(sum(lm.sessions_missed) FILTER (WHERE lm.month >= d.absences_from), 0) AS missed
      FROM learning_month lm WHERE lm.tenant_id = $1 AND lm.member_id = m.id AND lm.month >= d.before_from
    ) s
    WHERE m.tenant_id = $1 AND m.left_at IS NULL AND m.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = $1 AND path LIKE $2))
  ),
  y AS (
    SELECT x.*,
           -- overdue talk: the last talk only resets the clock (talks module's overdueTalkCondition)
           (cadence > 0 AND (last_talk IS NULL OR last_talk + cadence < today)) AS no_talk,
           (dr >= 5 AND db >= 5 AND rr > 0 AND rb * 100.0 / db - rr * 100.0 / dr >= 30) AS reading_falling,
           (dr > 0 AND rr = 0) AS not_reading,
           (missed >= $7::int) AS absences,
           (account_on IS NOT NULL AND CASE WHEN active_on IS NULL THEN today - account_on ELSE today - active_on END > $8::int) AS inactive_app,
           (share_started AND (last_share_at IS NULL OR last_share_at < ($9::date::timestamp AT TIME ZONE 'Asia/Shanghai'))) AS no_share
    FROM x
  ),
  z AS (
    SELECT y.*, no_talk::int + reading_falling::int + not_reading::int + absences::int + inactive_app::int
                + lost_contact_suspected::int + lost_contact::int + no_share::int AS n
    FROM y
  )
  SELECT (SELECT count(*)::int FROM z) AS members,
         (SELECT count(*)::int FROM z WHERE n > 0) AS total,
         (SELECT json_build_object(${REASONS.map((r) => `'${r}', count(*) FILTER (WHERE ${r})`).join(', ')}) FROM z WHERE n > 0) AS by_reason,
         (SELECT json_agg(id ORDER BY k) FROM (
            SELECT id, row_number() OVER (ORDER BY (lost_contact OR lost_contact_suspected OR n >= 3) DESC, n DESC, last_contact ASC NULLS FIRST, name, id) AS k
            FROM z WHERE n > 0 ORDER BY k LIMIT 20) p) AS page`;

/** A member's timeline in hand-written SQL: each event's time and kind, newest first. */
const BARE_TIMELINE = `
  SELECT at, kind, ref FROM (
    SELECT (join_date::timestamp AT TIME ZONE 'Asia/Shanghai') AS at, 'joined' AS kind, NULL::uuid AS ref FROM member WHERE tenant_id = $1 AND id = $2 AND join_date IS NOT NULL
    UNION ALL SELECT (since::timestamp AT TIME ZONE 'Asia/Shanghai'), 'moved', id FROM mobility WHERE tenant_id = $1 AND member_id = $2
    UNION ALL SELECT (ended_on::timestamp AT TIME ZONE 'Asia/Shanghai'), 'returned', id FROM mobility WHERE tenant_id = $1 AND member_id = $2 AND end_reason = 'returned'
    UNION ALL SELECT (started_on::timestamp AT TIME ZONE 'Asia/Shanghai'), 'mentor', id FROM mentorship WHERE tenant_id = $1 AND member_id = $2
    UNION ALL SELECT (ended_on::timestamp AT TIME ZONE 'Asia/Shanghai'), 'mentor', id FROM mentorship WHERE tenant_id = $1 AND member_id = $2 AND ended_on IS NOT NULL
    UNION ALL SELECT (talked_on::timestamp AT TIME ZONE 'Asia/Shanghai'), 'talk', id FROM talk WHERE tenant_id = $1 AND member_id = $2
    UNION ALL SELECT date_trunc('milliseconds', s.starts_at), 'session', s.id FROM attendance a JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id
      WHERE a.tenant_id = $1 AND a.member_id = $2 AND s.status = 'closed'
    UNION ALL SELECT date_trunc('milliseconds', submitted_at), 'makeup', session_id FROM makeup WHERE tenant_id = $1 AND member_id = $2 AND submitted_at IS NOT NULL
    UNION ALL SELECT (least((month + interval '1 month' - interval '1 day')::date, $3::date)::timestamp AT TIME ZONE 'Asia/Shanghai'), 'reading', NULL
      FROM learning_month WHERE tenant_id = $1 AND member_id = $2 AND pushes_delivered > 0
    UNION ALL SELECT date_trunc('milliseconds', created_at), 'task', id FROM care_task WHERE tenant_id = $1 AND member_id = $2
    UNION ALL SELECT date_trunc('milliseconds', closed_at), 'task', id FROM care_task WHERE tenant_id = $1 AND member_id = $2 AND status IN ('done', 'dropped') AND closed_at IS NOT NULL
    UNION ALL SELECT (d.trip_on::timestamp AT TIME ZONE 'Asia/Shanghai'), 'delivery', d.id FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
      WHERE dm.tenant_id = $1 AND dm.member_id = $2
    UNION ALL SELECT date_trunc('milliseconds', c.sent_at), 'card', c.campaign_id FROM card c WHERE c.tenant_id = $1 AND c.member_id = $2 AND c.sent_at IS NOT NULL
    UNION ALL SELECT (m.last_contact_at::timestamp AT TIME ZONE 'Asia/Shanghai'), 'contact', NULL FROM member m
      WHERE m.tenant_id = $1 AND m.id = $2 AND m.last_contact_at IS NOT NULL
        AND m.last_contact_at NOT IN (SELECT talked_on FROM talk WHERE tenant_id = $1 AND member_id = $2)
        AND m.last_contact_at NOT IN (SELECT d.trip_on FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
                                      WHERE dm.tenant_id = $1 AND dm.member_id = $2)
    UNION ALL SELECT date_trunc('milliseconds', lost_contact_confirmed_at), 'lost_contact', NULL FROM member WHERE tenant_id = $1 AND id = $2 AND lost_contact_confirmed_at IS NOT NULL
    UNION ALL SELECT date_trunc('milliseconds', created_at), 'share', id FROM share_post WHERE tenant_id = $1 AND member_id = $2 AND deleted_at IS NULL
    UNION ALL SELECT (served_on::timestamp AT TIME ZONE 'Asia/Shanghai'), 'service', id FROM service_log WHERE tenant_id = $1 AND member_id = $2 AND voided_at IS NULL
  ) e
  WHERE at < now()
  ORDER BY at DESC
  LIMIT ${TIMELINE_LIMIT + 1}`;

interface BareDrift {
  members: number;
  total: number;
  by_reason: Record<string, number> | null;
  page: string[] | null;
}

function compareDrift(service: DriftList, bare: BareDrift): string[] {
  const diffs: string[] = [];
  if (service.members !== bare.members) diffs.push(`members ${service.members} vs ${bare.members}`);
  if (service.total !== bare.total) diffs.push(`total ${service.total} vs ${bare.total}`);
  for (const b of service.byReason) {
    const want = bare.by_reason?.[b.kind] ?? 0;
    if (b.members !== want) diffs.push(`${b.kind} ${b.members} vs ${want}`);
  }
  if (service.items.map((i) => i.memberId).join() !== (bare.page ?? []).join()) diffs.push('page differs');
  return diffs;
}

/** A timeline event as a comparable key: time (a day is its start in China), kind, reference. */
const eventKey = (at: string | Date, kind: string, ref: string | null): string => {
  const t = at instanceof Date ? at.getTime() : at.length === 10 ? Date.parse(`${at}T00:00:00+08:00`) : Date.parse(at);
  return `${t}|${kind}|${ref ?? ''}`;
};

function compareTimeline(service: Timeline, bare: { at: Date; kind: string; ref: string | null }[]): string[] {
  // The service never ends a page inside a group of events at one time: compare as many as it shows.
  const got = service.items.map((e) => eventKey(e.at, e.kind, e.refId)).sort();
  const want = bare.slice(0, service.items.length).map((e) => eventKey(e.at, e.kind, e.ref)).sort();
  if (got.join() === want.join()) return [];
  const missing = want.filter((k) => !got.includes(k)).slice(0, 3);
  return [`${service.items.length} events; not shown: ${missing.join(', ') || '—'}`];
}

export async function benchRadar(opts: { opened: OpenedDatabase; county: GeneratedCounty; databaseUrl: string; runs: number; httpRuns: number }): Promise<Row[]> {
  const { opened, county } = opts;
  const driftFigure = 'drift list, one town (PostgreSQL)';
  const timelineFigure = 'member timeline (PostgreSQL)';
  const driftTarget = `p95 ≤ ${DRIFT_TARGET_P95_MS} ms`;
  const timelineTarget = `p95 ≤ ${TIMELINE_TARGET_P95_MS} ms`;
  if (!fs.existsSync(SERVICE)) {
    return [unavailable(driftFigure, driftTarget, 'not available: modules/radar/service.ts is missing'), unavailable(timelineFigure, timelineTarget, 'not available')];
  }
  const mod = (await import(SERVICE)) as { listDrift?: ListDrift; getTimeline?: GetTimeline };
  const { listDrift, getTimeline } = mod;
  if (typeof listDrift !== 'function' || typeof getTimeline !== 'function') {
    return [unavailable(driftFigure, driftTarget, 'not available: listDrift / getTimeline not exported'), unavailable(timelineFigure, timelineTarget, 'not available')];
  }

  const t = county.tenantId;
  const ctx = await contextFor(opened, t, county.logins.townSecretary);
  const town = await opened.db.selectFrom('org').select('path').where('tenant_id', '=', t).where('id', '=', county.townOrgId).executeTakeFirstOrThrow();
  const settings = await getSettings(opened.db, t);
  const today = shanghaiDate();
  const timelineMembers = (
    await sql<{ id: string }>`
      SELECT m.id FROM member m
      JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      WHERE m.tenant_id = ${t} AND m.left_at IS NULL
        AND m.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${t} AND path LIKE ${`${town.path}%`}))
      ORDER BY (SELECT count(*) FROM talk tk WHERE tk.tenant_id = m.tenant_id AND tk.member_id = m.id) DESC, m.id
      LIMIT ${TIMELINE_MEMBERS}::int`.execute(opened.db)
  ).rows.map((r) => r.id);
  if (timelineMembers.length === 0) throw new Error('radar: the town has no mobile member');

  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const driftValues = [t, `${town.path}%`, today, settings.lostContactDays, settings.talkCadenceDays, settings.talkCadenceHomeDays, settings.absenceStreakSessions, settings.inactiveDays, noShareFrom(today, settings.noShareMonths)];
  const bareDrift = async (): Promise<BareDrift> => (await client.query<BareDrift>(BARE_DRIFT, driftValues)).rows[0] as BareDrift;
  const bareTimeline = async (memberId: string) => (await client.query<{ at: Date; kind: string; ref: string | null }>(BARE_TIMELINE, [t, memberId, today])).rows;

  try {
    const query = { page: 1, pageSize: 20 };
    const drift = await listDrift(opened.db, ctx, query);
    const driftDiffs = compareDrift(drift, await bareDrift());
    log(
      `  drift list of the town: ${drift.members} members examined, ${drift.total} listed (${drift.items.filter((i) => i.level === 'high').length} high on page 1); ` +
        drift.byReason.map((b) => `${b.kind} ${b.members}`).join(', '),
    );
    for (const d of driftDiffs.slice(0, 5)) log(`  drift list: service and hand-written SQL disagree: ${d}`);
    const timelineDiffs: string[] = [];
    let events = 0;
    for (const id of timelineMembers) {
      const tl = await getTimeline(opened.db, ctx, id, { limit: TIMELINE_LIMIT });
      events += tl.items.length;
      timelineDiffs.push(...compareTimeline(tl, await bareTimeline(id)).map((d) => `${id}: ${d}`));
    }
    log(`  timelines of ${timelineMembers.length} mobile members: ${(events / timelineMembers.length).toFixed(1)} events on the first page on average`);
    for (const d of timelineDiffs.slice(0, 5)) log(`  timeline: service and hand-written SQL disagree: ${d}`);

    const warmup = 3;
    const driftMs: number[] = [];
    const bareDriftMs: number[] = [];
    const timelineMs: number[] = [];
    const bareTimelineMs: number[] = [];
    for (let i = 0; i < warmup + opts.runs; i++) {
      const keep = i >= warmup;
      let s = performance.now();
      await listDrift(opened.db, ctx, query);
      if (keep) driftMs.push(performance.now() - s);
      s = performance.now();
      await bareDrift();
      if (keep) bareDriftMs.push(performance.now() - s);
      const member = timelineMembers[i % timelineMembers.length] as string;
      s = performance.now();
      await getTimeline(opened.db, ctx, member, { limit: TIMELINE_LIMIT });
      if (keep) timelineMs.push(performance.now() - s);
      s = performance.now();
      await bareTimeline(member);
      if (keep) bareTimelineMs.push(performance.now() - s);
    }

    let driftHttp = '';
    let timelineHttp = '';
    if (opts.httpRuns > 0) {
      const server = await startBenchApp(opened, county);
      try {
        const cookie = await loginCookie(server.address, county.logins.townSecretary, county.password);
        const timed = async (url: string, check: (body: unknown) => boolean): Promise<string> => {
          const times: number[] = [];
          for (let i = 0; i < opts.httpRuns + 1; i++) {
            const s = performance.now();
            const res = await fetch(url, { headers: { cookie } });
            const body: unknown = await res.json();
            if (res.status !== 200 || !check(body)) throw new Error(`GET ${url} answered ${res.status}`);
            if (i > 0) times.push(performance.now() - s);
          }
          const h = summarize(times);
          return `p50 ${ms(h.p50)} · p95 ${ms(h.p95)} (n=${h.n})`;
        };
        driftHttp = `; GET /api/drift ${await timed(`${server.address}/api/drift`, (b) => (b as DriftList).total === drift.total)}`;
        timelineHttp = `; GET /api/members/:id/timeline ${await timed(`${server.address}/api/members/${timelineMembers[0]}/timeline`, (b) => Array.isArray((b as Timeline).items))}`;
      } finally {
        await server.close();
      }
    }

    const ds = summarize(driftMs);
    const db = summarize(bareDriftMs);
    const ts = summarize(timelineMs);
    const tb = summarize(bareTimelineMs);
    return [
      {
        figure: `${driftFigure}: listDrift as the town secretary, ${drift.members.toLocaleString('en-US')} members examined, ${drift.total.toLocaleString('en-US')} listed, page of 20`,
        value: `listDrift p50 ${ms(ds.p50)} · p95 ${ms(ds.p95)} (n=${ds.n})${driftHttp}`,
        target: driftTarget,
        limit: `hand-written SQL p50 ${ms(db.p50)} · p95 ${ms(db.p95)}${driftDiffs.length ? ` ⚠ results differ (${driftDiffs.length})` : ''}`,
        ratio: ratio(ds.p95 / db.p95),
        pass: passMark(driftDiffs.length === 0 && ds.p95 <= DRIFT_TARGET_P95_MS),
      },
      {
        figure: `${timelineFigure}: getTimeline, first ${TIMELINE_LIMIT} events of ${timelineMembers.length} mobile members with a year of history, in turn (audit entry included)`,
        value: `getTimeline p50 ${ms(ts.p50)} · p95 ${ms(ts.p95)} (n=${ts.n})${timelineHttp}`,
        target: timelineTarget,
        limit: `hand-written SQL p50 ${ms(tb.p50)} · p95 ${ms(tb.p95)}${timelineDiffs.length ? ` ⚠ results differ (${timelineDiffs.length})` : ''}`,
        ratio: ratio(ts.p95 / tb.p95),
        pass: passMark(timelineDiffs.length === 0 && ts.p95 <= TIMELINE_TARGET_P95_MS),
      },
    ];
  } finally {
    await client.end();
  }
}
