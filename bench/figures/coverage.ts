import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Database, OpenedDatabase } from '../../src/server/db/database.ts';
import type { RequestContext } from '../../src/server/auth/actor.ts';
import type { Coverage } from '../../src/shared/api-learning.ts';
import type { GeneratedCounty } from '../generate.ts';
import { contextFor, loginCookie, startBenchApp } from '../lib/app.ts';
import { log, ms, ratio, summarize } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * Coverage (全覆盖、无死角) for a year through the real use case `getCoverage`
 * (modules/coverage/service.ts: authorization, the unit, its children and grandchildren rolled up
 * for all / mobile / local members, the first page of members with gaps first, the total):
 *   - PostgreSQL: the whole county as the county admin;
 *   - PGlite: one town as its secretary.
 * Limit: the same numbers from hand-written SQL straight through the driver, checked equal
 * (every unit's counts and rates, the page's members in order, the total) before timing, and
 * timed in interleaved rounds. Targets: p95 ≤ 300 ms and (PostgreSQL) ≤ 3× the hand-written SQL.
 */
export const COVERAGE_TARGET_P95_MS = 300;
export const COVERAGE_TARGET_RATIO = 3;

const REPO = path.resolve(import.meta.dirname, '../..');
const SERVICE = path.join(REPO, 'src/server/modules/coverage/service.ts');

type CoverageQueryLike = { from: string; to: string; orgId?: string; page: number; pageSize: number };
type GetCoverage = (db: Database, ctx: RequestContext, q: CoverageQueryLike) => Promise<Coverage>;

const monthOf = (y: number, m: number): string => {
  const d = new Date(Date.UTC(y, m, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** The last 12 months, the current one (Asia/Shanghai) included, as 'YYYY-MM'. */
export function lastYear(now = new Date()): { from: string; to: string } {
  const today = new Date(now.getTime() + 8 * 3_600_000);
  return { from: monthOf(today.getUTCFullYear(), today.getUTCMonth() - 11), to: monthOf(today.getUTCFullYear(), today.getUTCMonth()) };
}

interface Sums {
  members: number;
  invited: number;
  attended: number;
  made_up: number;
  missed: number;
  delivered: number;
  read: number;
  covered: number;
}

/**
 * The hand-written SQL: per member, the period's months of learning_month summed (one hash
 * aggregate over the tenant's rows for the whole county, the member's primary-key range for a
 * subtree), the mobile flag, then per unit (the unit, each child, each grandchild by the path
 * segments below the unit) × mobile with GROUPING SETS, the first page gaps first and the total,
 * all in one statement.
 */
export function bareCoverageSql(p: { tenantId: string; rootPath: string; wholeTenant: boolean; fromMonth: string; toMonth: string; limit: number }): { text: string; values: unknown[] } {
  const sums = `sum(lm.sessions_invited)::int AS invited, sum(lm.sessions_attended)::int AS attended,
      sum(lm.sessions_made_up)::int AS made_up, sum(lm.sessions_missed)::int AS missed,
      sum(lm.pushes_delivered)::int AS delivered, sum(lm.pushes_read)::int AS read`;
  const perMember = p.wholeTenant
    ? `SELECT m.id, m.org_id, m.name, (mb.member_id IS NOT NULL) AS mobile,
          coalesce(r.invited, 0) AS invited, coalesce(r.attended, 0) AS attended, coalesce(r.made_up, 0) AS made_up,
          coalesce(r.missed, 0) AS missed, coalesce(r.delivered, 0) AS delivered, coalesce(r.read, 0) AS read
        FROM member m
        LEFT JOIN (SELECT lm.member_id, ${sums} FROM learning_month lm
                   WHERE lm.tenant_id = $1 AND lm.month BETWEEN $3::date AND $4::date GROUP BY lm.member_id) r ON r.member_id = m.id
        LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
        WHERE m.tenant_id = $1 AND m.left_at IS NULL`
    : `SELECT m.id, m.org_id, m.name, (mb.member_id IS NOT NULL) AS mobile,
          coalesce(r.invited, 0) AS invited, coalesce(r.attended, 0) AS attended, coalesce(r.made_up, 0) AS made_up,
          coalesce(r.missed, 0) AS missed, coalesce(r.delivered, 0) AS delivered, coalesce(r.read, 0) AS read
        FROM member m
        CROSS JOIN LATERAL (SELECT ${sums} FROM learning_month lm
                   WHERE lm.tenant_id = $1 AND lm.member_id = m.id AND lm.month BETWEEN $3::date AND $4::date) r
        LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
        WHERE m.tenant_id = $1 AND m.left_at IS NULL AND m.org_id = ANY(ARRAY(SELECT id FROM sub))`;
  const cut = p.rootPath.length + 1;
  const text = `
    WITH sub AS MATERIALIZED (SELECT id, path FROM org WHERE tenant_id = $1 AND path LIKE $2),
    pm AS MATERIALIZED (${perMember}),
    per_org AS (
      SELECT org_id, mobile, count(*)::int AS members, sum(invited)::int AS invited, sum(attended)::int AS attended,
        sum(made_up)::int AS made_up, sum(missed)::int AS missed, sum(delivered)::int AS delivered, sum(read)::int AS read,
        count(*) FILTER (WHERE missed = 0 AND read >= delivered)::int AS covered
      FROM pm GROUP BY 1, 2),
    units AS (
      SELECT GROUPING(c1, c2) AS g, c1, c2, mobile, sum(members)::int AS members, sum(invited)::int AS invited,
        sum(attended)::int AS attended, sum(made_up)::int AS made_up, sum(missed)::int AS missed,
        sum(delivered)::int AS delivered, sum(read)::int AS read, sum(covered)::int AS covered
      FROM (SELECT po.*, split_part(substr(s.path, ${cut}), '/', 1) AS c1, split_part(substr(s.path, ${cut}), '/', 2) AS c2
            FROM per_org po JOIN sub s ON s.id = po.org_id) x
      GROUP BY GROUPING SETS ((mobile), (c1, mobile), (c2, mobile)))
    SELECT (SELECT json_agg(u) FROM units u) AS units,
      (SELECT json_agg(q.id) FROM (SELECT id FROM pm
         ORDER BY (missed > 0 OR read < delivered) DESC, missed DESC, read::float8 / nullif(delivered, 0) ASC NULLS LAST, name, id
         LIMIT ${Number(p.limit)}) q) AS page,
      (SELECT count(*)::int FROM pm) AS total`;
  return { text, values: [p.tenantId, `${p.rootPath}%`, p.fromMonth, p.toMonth] };
}

type UnitRow = Sums & { g: number; c1: string | null; c2: string | null; mobile: boolean };
interface BareResult {
  units: UnitRow[] | null;
  page: string[] | null;
  total: number;
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
const rate = (part: number, whole: number): number | null => (whole > 0 ? round4(part / whole) : null);
function numbers(s: Sums | undefined) {
  const v = s ?? { members: 0, invited: 0, attended: 0, made_up: 0, missed: 0, delivered: 0, read: 0, covered: 0 };
  return {
    members: v.members,
    sessionsInvited: v.invited,
    attended: v.attended,
    madeUp: v.made_up,
    missed: v.missed,
    pushesDelivered: v.delivered,
    pushesRead: v.read,
    attendanceRate: rate(v.attended + v.made_up, v.invited),
    readRate: rate(v.read, v.delivered),
    fullCoverageRate: rate(v.covered, v.members),
  };
}
const add = (a: Sums | undefined, b: Sums | undefined): Sums | undefined =>
  !a ? b : !b ? a : { members: a.members + b.members, invited: a.invited + b.invited, attended: a.attended + b.attended, made_up: a.made_up + b.made_up, missed: a.missed + b.missed, delivered: a.delivered + b.delivered, read: a.read + b.read, covered: a.covered + b.covered };

/** Differences between the service's answer and the hand-written SQL's (empty when they agree). */
function compare(service: Coverage, bare: BareResult, rootId: string): string[] {
  const byKey = new Map<string, UnitRow>();
  for (const u of bare.units ?? []) {
    const id = u.g === 3 ? rootId : u.g === 1 ? u.c1 : u.c2;
    if (id) byKey.set(`${id}:${u.mobile}`, u);
  }
  const diffs: string[] = [];
  for (const u of service.units) {
    const mobile = byKey.get(`${u.orgId}:true`);
    const local = byKey.get(`${u.orgId}:false`);
    const want = { all: numbers(add(mobile, local)), mobile: numbers(mobile), local: numbers(local) };
    const got = { all: u.all, mobile: u.mobile, local: u.local };
    if (JSON.stringify(want) !== JSON.stringify(got)) diffs.push(`unit ${u.orgName}: service ${JSON.stringify(got.all)} vs SQL ${JSON.stringify(want.all)}`);
  }
  const shownIds = service.members.map((m) => m.memberId).join();
  if (shownIds !== (bare.page ?? []).join()) diffs.push('members page differs');
  if (service.membersTotal !== bare.total) diffs.push(`total ${service.membersTotal} vs ${bare.total}`);
  return diffs;
}

export async function benchCoverage(opts: {
  engine: 'PostgreSQL' | 'PGlite';
  opened: OpenedDatabase;
  county: GeneratedCounty;
  databaseUrl?: string;
  pglite?: PGlite;
  runs: number;
  /** HTTP calls of GET /api/coverage (PostgreSQL), for information next to the service's time */
  httpRuns: number;
}): Promise<Row[]> {
  const { opened, county, engine } = opts;
  const onPg = engine === 'PostgreSQL';
  const who = onPg ? 'the whole county as the county admin' : 'one town as its secretary';
  const figure = `${engine} county + year: coverage for a year (12 months), ${who}`;
  const target = onPg ? `p95 ≤ ${COVERAGE_TARGET_P95_MS} ms and ≤ ${COVERAGE_TARGET_RATIO}× hand-written SQL` : `p95 ≤ ${COVERAGE_TARGET_P95_MS} ms`;
  if (!fs.existsSync(SERVICE)) return [unavailable(figure, target, 'not available: modules/coverage/service.ts is missing')];
  const mod = (await import(SERVICE)) as { getCoverage?: GetCoverage };
  const getCoverage = mod.getCoverage;
  if (typeof getCoverage !== 'function') return [unavailable(figure, target, 'not available: getCoverage is not exported')];

  const phone = onPg ? county.logins.tenantAdmin : county.logins.townSecretary;
  const ctx = await contextFor(opened, county.tenantId, phone);
  const rootId = onPg ? null : county.townOrgId;
  const root = await opened.db
    .selectFrom('org')
    .select(['id', 'path', 'parent_id'])
    .where('tenant_id', '=', county.tenantId)
    .where(rootId ? 'id' : 'parent_id', rootId ? '=' : 'is', rootId)
    .executeTakeFirstOrThrow();
  const period = lastYear();
  const query: CoverageQueryLike = { from: period.from, to: period.to, page: 1, pageSize: 20 };
  const bareSql = bareCoverageSql({ tenantId: county.tenantId, rootPath: root.path, wholeTenant: root.parent_id === null, fromMonth: `${period.from}-01`, toMonth: `${period.to}-01`, limit: 20 });

  let bare: { run(): Promise<BareResult>; close(): Promise<void> };
  if (opts.databaseUrl) {
    const client = new pg.Client({ connectionString: opts.databaseUrl });
    await client.connect();
    bare = { run: async () => (await client.query<BareResult>(bareSql.text, bareSql.values)).rows[0] as BareResult, close: () => client.end() };
  } else if (opts.pglite) {
    const lite = opts.pglite;
    bare = { run: async () => (await lite.query<BareResult>(bareSql.text, bareSql.values)).rows[0] as BareResult, close: async () => undefined };
  } else {
    throw new Error('benchCoverage needs a database URL or a PGlite instance');
  }

  try {
    const service = await getCoverage(opened.db, ctx, query);
    const diffs = compare(service, await bare.run(), root.id);
    const top = service.units[0];
    log(`  ${engine} coverage ${period.from}..${period.to}: ${service.units.length} units, ${service.membersTotal} members; attendance ${top?.all.attendanceRate}, read ${top?.all.readRate}, full coverage ${top?.all.fullCoverageRate}`);
    for (const d of diffs.slice(0, 5)) log(`  ${engine} coverage: service and hand-written SQL disagree: ${d}`);

    const serviceMs: number[] = [];
    const bareMs: number[] = [];
    const warmup = 3;
    for (let i = 0; i < warmup + opts.runs; i++) {
      let t = performance.now();
      await getCoverage(opened.db, ctx, query);
      const s = performance.now() - t;
      t = performance.now();
      await bare.run();
      const b = performance.now() - t;
      if (i >= warmup) {
        serviceMs.push(s);
        bareMs.push(b);
      }
    }

    let http = '';
    if (opts.httpRuns > 0) {
      const server = await startBenchApp(opened, county);
      try {
        const cookie = await loginCookie(server.address, phone, county.password);
        const url = `${server.address}/api/coverage?from=${period.from}&to=${period.to}`;
        const times: number[] = [];
        for (let i = 0; i < opts.httpRuns + 1; i++) {
          const t = performance.now();
          const res = await fetch(url, { headers: { cookie } });
          const body = (await res.json()) as Coverage;
          if (res.status !== 200 || body.membersTotal !== service.membersTotal) throw new Error(`GET /api/coverage answered ${res.status}`);
          if (i > 0) times.push(performance.now() - t);
        }
        const h = summarize(times);
        http = `; GET /api/coverage p50 ${ms(h.p50)} · p95 ${ms(h.p95)} (n=${h.n})`;
      } finally {
        await server.close();
      }
    }

    const s = summarize(serviceMs);
    const b = summarize(bareMs);
    const r = s.p95 / b.p95;
    return [
      {
        figure: `${figure}, ${service.membersTotal.toLocaleString('en-US')} members, ${service.units.length} units`,
        value: `getCoverage p50 ${ms(s.p50)} · p95 ${ms(s.p95)} (n=${s.n})${http}`,
        target,
        limit: `hand-written SQL p50 ${ms(b.p50)} · p95 ${ms(b.p95)}${diffs.length ? ` ⚠ results differ (${diffs.length})` : ''}`,
        ratio: ratio(r),
        pass: passMark(diffs.length === 0 && s.p95 <= COVERAGE_TARGET_P95_MS && (!onPg || r <= COVERAGE_TARGET_RATIO)),
      },
    ];
  } finally {
    await bare.close();
  }
}
