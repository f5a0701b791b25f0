import { PGlite } from '@electric-sql/pglite';
import { sql, type RawBuilder } from 'kysely';
import { openDatabase, type Database, type OpenedDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import type { Actor, RequestContext } from '../../src/server/auth/actor.ts';
import { clock, shanghaiDate } from '../../src/server/clock.ts';
import { unitHours } from '../../src/server/modules/service/index.ts';
import type { ServiceUnitHours } from '../../src/shared/api-service.ts';
import { ensurePostgres, recreateDatabase, dropDatabase } from '../lib/postgres.ts';
import { elapsed, log, ms, ratio, secs, summarize } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * 志愿服务's hours of a county for a year, in a fresh database (PGlite, and PostgreSQL when
 * bench/lib/postgres.ts finds or starts one): a county committee with 12 towns, 15 villages each, 3
 * branches per village (540 branches), 60,000 members spread over the branches, and ≈ 300,000 service
 * logs over last year's days (1 in 100 voided), made in SQL with generate_series so the county is
 * ready in seconds (the logs' month roll-up fills through its statement trigger as in the app).
 * Then the year's minutes rolled up by town and month through the use case (unitHours, as the
 * console's /api/service/hours/units asks it, reading the roll-up), timed next to hand-written SQL
 * over the logs themselves that joins each log to its town through the org tree, checked equal
 * first. Target: p95 ≤ 300 ms over ≥ 20 runs.
 */
export const SERVICE_HOURS_TARGET_P95_MS = 300;
const TOWNS = 12;
const VILLAGES_PER_TOWN = 15;
const BRANCHES_PER_VILLAGE = 3;
const MEMBERS = 60_000;
const LOGS = 300_000;
const RUNS = 25;
const WARMUP = 3;
const PG_DB = 'lianxin_bench_service';

interface County {
  tenantId: string;
  countyId: string;
  year: number;
  admin: RequestContext;
}

async function generate(db: Database): Promise<County> {
  const tenant = await db.insertInto('tenant').values({ name: '服务时长测试县' }).returning('id').executeTakeFirstOrThrow();
  const tenantId = tenant.id;
  const countyId = crypto.randomUUID();
  await db.insertInto('org').values({ tenant_id: tenantId, id: countyId, kind: 'committee', name: '测试县委', path: `/${countyId}/` }).execute();
  // towns, villages, branches: each level from the one above, ids made in SQL
  const level = async (parentKind: 'committee' | 'general_branch', parentFilter: RawBuilder<unknown>, kind: 'committee' | 'general_branch' | 'branch', n: number, name: string) => {
    await sql`
      INSERT INTO org (tenant_id, id, parent_id, kind, name, path, sort_order)
      SELECT ${tenantId}, x.id, x.parent_id, ${kind}, x.name, x.parent_path || x.id::text || '/', x.g
        FROM (SELECT gen_random_uuid() AS id, o.id AS parent_id, o.path AS parent_path, g, o.name || ${name} || g AS name
                FROM org o, generate_series(1, ${n}) g
               WHERE o.tenant_id = ${tenantId} AND o.kind = ${parentKind} AND ${parentFilter}) x`.execute(db);
  };
  await level('committee', sql`o.id = ${countyId}`, 'committee', TOWNS, '·镇');
  await level('committee', sql`o.id <> ${countyId}`, 'general_branch', VILLAGES_PER_TOWN, '·村');
  await level('general_branch', sql`true`, 'branch', BRANCHES_PER_VILLAGE, '·支部');
  await sql`
    INSERT INTO member (tenant_id, org_id, name, name_sort_key, gender, phone, status)
    SELECT ${tenantId}, b.id, '党员' || g, 'dangyuan' || lpad(g::text, 6, '0'), CASE WHEN g % 3 = 0 THEN 'female' ELSE 'male' END,
           '13' || lpad(g::text, 9, '0'), 'full'
      FROM generate_series(1, ${MEMBERS}) g
      JOIN (SELECT id, row_number() OVER (ORDER BY path) - 1 AS k, count(*) OVER () AS n FROM org WHERE tenant_id = ${tenantId} AND kind = 'branch') b
        ON b.k = g % b.n`.execute(db);
  const year = Number(shanghaiDate(clock.now()).slice(0, 4)) - 1;
  const days = new Date(Date.UTC(year + 1, 0, 1)).getTime() / 86_400_000 - new Date(Date.UTC(year, 0, 1)).getTime() / 86_400_000;
  await sql`
    INSERT INTO service_log (tenant_id, member_id, org_id, org_path, served_on, minutes, remote, what, created_at, voided_at, void_reason)
    SELECT ${tenantId}, m.id, m.org_id, o.path, (${`${year}-01-01`}::date + ((g::bigint * 7919) % ${days})::int), 15 + (g * 13) % 165, g % 4 = 0, '探访、清扫、帮办',
           ${`${year}-06-30T12:00:00+08:00`}::timestamptz,
           CASE WHEN g % 100 = 0 THEN ${`${year}-12-31T12:00:00+08:00`}::timestamptz END,
           CASE WHEN g % 100 = 0 THEN '重复记录' END
      FROM generate_series(1, ${LOGS}) g
      JOIN (SELECT id, org_id, row_number() OVER (ORDER BY id) - 1 AS k FROM member WHERE tenant_id = ${tenantId}) m ON m.k = (g::bigint * 104729) % ${MEMBERS}
      JOIN org o ON o.tenant_id = ${tenantId} AND o.id = m.org_id`.execute(db);
  await sql`ANALYZE`.execute(db);
  const actor: Actor = { tenantId, accountId: crypto.randomUUID(), displayName: 'bench', phone: '', memberId: null, isTenantAdmin: true, scopes: [], menteeIds: [], csrfToken: '' };
  return { tenantId, countyId, year, admin: { actor, ip: null } };
}

interface HandRow {
  org_id: string;
  month: string;
  minutes: number;
}

/** The year's minutes by town and month in hand-written SQL: each log joined to its town through the tree. */
async function handRollup(db: Database, c: County): Promise<HandRow[]> {
  const { rows } = await sql<HandRow>`
    SELECT t.id AS org_id, to_char(l.served_on, 'YYYY-MM') AS month, sum(l.minutes)::int AS minutes
      FROM org t
      JOIN service_log l ON l.tenant_id = t.tenant_id AND l.org_path LIKE t.path || '%'
     WHERE t.tenant_id = ${c.tenantId} AND t.parent_id = ${c.countyId}
       AND l.voided_at IS NULL AND l.served_on BETWEEN ${`${c.year}-01-01`}::date AND ${`${c.year}-12-31`}::date
     GROUP BY t.id, 2`.execute(db);
  return rows;
}

const rowKey = (r: { orgId?: string; org_id?: string; month: string; minutes: number }) => `${r.orgId ?? r.org_id}|${r.month}|${r.minutes}`;

function differences(got: ServiceUnitHours, hand: HandRow[]): string[] {
  const a = got.items.map(rowKey).sort();
  const b = hand.map(rowKey).sort();
  if (a.join() === b.join()) return [];
  return [`use case ${a.length} rows, hand SQL ${b.length}; first difference: ${a.find((x) => !b.includes(x)) ?? b.find((x) => !a.includes(x)) ?? '—'}`];
}

async function measure(engine: string, opened: OpenedDatabase): Promise<Row[]> {
  const { db } = opened;
  await migrateToLatest(db);
  const t0 = performance.now();
  const c = await generate(db);
  const counts = await sql<{ members: number; logs: number; orgs: number }>`
    SELECT (SELECT count(*)::int FROM member WHERE tenant_id = ${c.tenantId}) AS members,
           (SELECT count(*)::int FROM service_log WHERE tenant_id = ${c.tenantId}) AS logs,
           (SELECT count(*)::int FROM org WHERE tenant_id = ${c.tenantId}) AS orgs`.execute(db);
  const n = counts.rows[0] as { members: number; logs: number; orgs: number };
  log(`service hours (${engine}): ${n.orgs} units, ${n.members} members, ${n.logs} logs generated in ${secs(elapsed(t0) / 1000)}`);

  const query = { orgId: c.countyId, year: c.year };
  const got = await unitHours(db, c.admin, query);
  const diffs = differences(got, await handRollup(db, c));
  if (got.items.length !== TOWNS * 12) diffs.push(`expected ${TOWNS * 12} town-months, got ${got.items.length}`);
  for (const d of diffs) log(`service hours (${engine}): use case and hand-written SQL disagree: ${d}`);
  const caseMs: number[] = [];
  const handMs: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    let t = performance.now();
    await unitHours(db, c.admin, query);
    if (i >= WARMUP) caseMs.push(elapsed(t));
    t = performance.now();
    await handRollup(db, c);
    if (i >= WARMUP) handMs.push(elapsed(t));
  }
  const s = summarize(caseMs);
  const h = summarize(handMs);
  return [
    {
      figure: `service hours (${engine}): a county's year of service logs by town and month through unitHours (${n.members.toLocaleString('en-US')} members, ${n.orgs.toLocaleString('en-US')} units, ${n.logs.toLocaleString('en-US')} logs)`,
      value: `unitHours p50 ${ms(s.p50)} · p95 ${ms(s.p95)} (n=${s.n})`,
      target: `p95 ≤ ${SERVICE_HOURS_TARGET_P95_MS} ms`,
      limit: `hand-written SQL p50 ${ms(h.p50)} · p95 ${ms(h.p95)}${diffs.length ? ' ⚠ results differ' : ''}`,
      ratio: ratio(s.p95 / SERVICE_HOURS_TARGET_P95_MS),
      pass: passMark(diffs.length === 0 && s.p95 <= SERVICE_HOURS_TARGET_P95_MS),
    },
  ];
}

export async function benchService(): Promise<Row[]> {
  const rows: Row[] = [];
  const pglite = await PGlite.create();
  const opened = await openDatabase({ pglite });
  try {
    rows.push(...(await measure('PGlite', opened)));
  } finally {
    await opened.close();
    await pglite.close();
  }
  let server: Awaited<ReturnType<typeof ensurePostgres>> | null = null;
  try {
    server = await ensurePostgres();
  } catch (e) {
    rows.push(unavailable('service hours (PostgreSQL)', `p95 ≤ ${SERVICE_HOURS_TARGET_P95_MS} ms`, `not available: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`));
  }
  if (server) {
    const url = await recreateDatabase(server.serverUrl, PG_DB);
    const pgOpened = await openDatabase({ databaseUrl: url });
    try {
      rows.push(...(await measure('PostgreSQL', pgOpened)));
    } finally {
      await pgOpened.close();
      await dropDatabase(server.serverUrl, PG_DB);
      await server.stop();
    }
  }
  return rows;
}
