import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import type { RequestContext } from '../../src/server/auth/actor.ts';
import { contextFor } from '../lib/app.ts';
import { memberReadScope, type MemberScope } from '../../src/server/auth/policy.ts';
import { listMembers } from '../../src/server/modules/members/service.ts';
import { getSettings, type TenantSettings } from '../../src/server/modules/settings/service.ts';
import { FieldCipher } from '../../src/server/secrets.ts';
import type { MemberListParams } from '../../src/shared/api.ts';
import type { GeneratedCounty } from '../generate.ts';
import { log, ms, ratio, summarize } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';

/**
 * Member search and filtered lists through the real use case `listMembers` (page of 20 plus
 * the total), against the same question asked in hand-written SQL straight through the driver
 * (pg.Client on PostgreSQL, PGlite.query on PGlite): the limit of what the database needs.
 */
export const SEARCH_TARGET_P95_MS = 50;

interface Query {
  label: string;
  params: Partial<MemberListParams>;
}

/** A plain SQL runner: the list and the count, as the database sees them. */
type Bare = (sqlText: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

interface Case {
  actor: string;
  ctx: RequestContext;
  query: Query;
  params: MemberListParams;
  bareList: { text: string; values: unknown[] };
  bareCount: { text: string; values: unknown[] };
  /** Page and total in one query (scoped callers), as the service runs it. */
  windowed: boolean;
  service: number[];
  bare: number[];
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Hand-written equivalent of members/repo.ts listMemberRows + countMembers for one filter. */
function bareQueries(tenantId: string, scope: MemberScope, f: MemberListParams, orgPath: string | undefined, settings: TenantSettings) {
  const values: unknown[] = [tenantId];
  const p = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = ['m.tenant_id = $1', 'm.left_at IS NULL'];
  if (!scope.all) {
    // The fastest hand-written shape: the subtree as org ids, matched on the member's own index.
    const likes = scope.paths.map((path) => `path LIKE ${p(path + '%')}`);
    const ors = likes.length ? [`m.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = $1 AND (${likes.join(' OR ')})))`] : [];
    if (scope.memberIds.length) ors.push(`m.id = ANY(${p(scope.memberIds)}::uuid[])`);
    where.push(ors.length ? `(${ors.join(' OR ')})` : 'false');
  }
  const lostSuspected = `(mb.id IS NOT NULL AND m.lost_contact_since IS NULL AND COALESCE(m.last_contact_at, mb.since) <= CURRENT_DATE - ${Number(settings.lostContactDays)})`;
  const shouldTransfer = `(mb.id IS NOT NULL AND mb.since <= (CURRENT_DATE - make_interval(months => ${Number(settings.shouldTransferMonths)}))::date)`;
  if (f.q) where.push(`(m.name LIKE ${p(`%${escapeLike(f.q)}%`)} OR m.phone LIKE ${p(`${f.q.replace(/\D/g, '') || '#'}%`)})`);
  if (orgPath) where.push(`m.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = $1 AND path LIKE ${p(orgPath + '%')}))`);
  if (f.status) where.push(`m.status = ${p(f.status)}`);
  if (f.mobile === true) where.push('mb.id IS NOT NULL');
  if (f.mobile === false) where.push('mb.id IS NULL');
  if (f.province) where.push(`mb.province_code = ${p(f.province)}`);
  if (f.city) where.push(`mb.city_code = ${p(f.city)}`);
  if (f.lostContact === true) where.push(`(m.lost_contact_since IS NOT NULL OR ${lostSuspected})`);
  if (f.lostContact === false) where.push(`(m.lost_contact_since IS NULL AND NOT ${lostSuspected})`);
  const mobilityJoin = 'LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL';
  const needsMobility = [f.mobile, f.province, f.city, f.lostContact].some((v) => v !== undefined);
  const from = `FROM member m
    JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    ${mobilityJoin}
    WHERE ${where.join(' AND ')}`;
  const countFrom = `FROM member m ${needsMobility ? mobilityJoin : ''} WHERE ${where.join(' AND ')}`;
  // A scoped caller's set is small: the page and its total in one pass, as the service does.
  const windowed = !scope.all;
  const list = `SELECT m.id, m.name, m.gender, m.phone, m.status, m.org_id, o.name AS org_name, mb.place_name, mb.since AS mobile_since,
      m.lost_contact_since, ${shouldTransfer} AS should_transfer, ${lostSuspected} AS lost_suspected${windowed ? ', count(*) OVER () AS total' : ''}
    ${from} ORDER BY m.name_sort_key, m.name, m.id LIMIT ${Number(f.pageSize)} OFFSET ${(f.page - 1) * f.pageSize}`;
  return { windowed, list: { text: list, values: [...values] }, count: { text: `SELECT count(*) AS n ${countFrom}`, values: [...values] } };
}

export function searchQueries(county: GeneratedCounty): { admin: Query[]; village: Query[] } {
  const common: Query[] = [
    { label: 'q=建国 (name fragment)', params: { q: '建国' } },
    { label: 'mobile=true', params: { mobile: true } },
    { label: 'province=32 (江苏)', params: { province: '32' } },
    { label: 'lostContact=true', params: { lostContact: true } },
  ];
  return {
    admin: [...common, { label: 'orgId=a town', params: { orgId: county.otherTownOrgId } }],
    village: [...common, { label: 'orgId=a branch', params: { orgId: county.villageBranchOrgId } }],
  };
}

export async function benchSearch(opts: {
  engine: 'PostgreSQL' | 'PGlite';
  opened: OpenedDatabase;
  county: GeneratedCounty;
  /** PostgreSQL: URL of the bench database, for the bare pg clients. */
  databaseUrl?: string;
  pglite?: PGlite;
  runs: number;
  scale: string;
}): Promise<Row[]> {
  const { opened, county, engine } = opts;
  const deps = { db: opened.db, cipher: new FieldCipher(Buffer.from(county.keyHex, 'hex')) };
  const settings = await getSettings(opened.db, county.tenantId);
  const actors = [
    { name: 'county admin', ctx: await contextFor(opened, county.tenantId, county.logins.tenantAdmin), queries: searchQueries(county).admin },
    { name: 'village secretary', ctx: await contextFor(opened, county.tenantId, county.logins.villageSecretary), queries: searchQueries(county).village },
  ];

  // The bare runner: two clients on PostgreSQL so list and count run side by side as in the
  // service (Promise.all on the pool); PGlite has one connection and runs them in turn.
  let bare: { list: Bare; count: Bare; close(): Promise<void> };
  if (opts.databaseUrl) {
    const a = new pg.Client({ connectionString: opts.databaseUrl });
    const b = new pg.Client({ connectionString: opts.databaseUrl });
    await Promise.all([a.connect(), b.connect()]);
    bare = {
      list: (t, v) => a.query(t, v),
      count: (t, v) => b.query(t, v),
      close: async () => {
        await Promise.all([a.end(), b.end()]);
      },
    };
  } else if (opts.pglite) {
    const lite = opts.pglite;
    const q: Bare = async (t, v) => ({ rows: (await lite.query<Record<string, unknown>>(t, v)).rows });
    bare = { list: q, count: q, close: async () => undefined };
  } else {
    throw new Error('benchSearch needs a database URL or a PGlite instance');
  }

  const cases: Case[] = [];
  for (const a of actors) {
    for (const query of a.queries) {
      const params: MemberListParams = { page: 1, pageSize: 20, ...query.params };
      let orgPath: string | undefined;
      if (params.orgId) {
        const org = await opened.db.selectFrom('org').select('path').where('tenant_id', '=', county.tenantId).where('id', '=', params.orgId).executeTakeFirstOrThrow();
        orgPath = org.path;
      }
      const { list, count, windowed } = bareQueries(county.tenantId, memberReadScope(a.ctx.actor), params, orgPath, settings);
      cases.push({ actor: a.name, ctx: a.ctx, query, params, bareList: list, bareCount: count, windowed, service: [], bare: [] });
    }
  }

  const runService = (c: Case) => listMembers(deps, c.ctx, c.params);
  const runBare = async (c: Case) => {
    if (c.windowed) {
      const rows = await bare.list(c.bareList.text, c.bareList.values);
      return { rows: rows.rows, total: Number(rows.rows[0]?.total ?? 0) };
    }
    if (engine === 'PGlite') {
      const rows = await bare.list(c.bareList.text, c.bareList.values);
      const total = await bare.count(c.bareCount.text, c.bareCount.values);
      return { rows: rows.rows, total: Number(total.rows[0]?.n) };
    }
    const [rows, total] = await Promise.all([bare.list(c.bareList.text, c.bareList.values), bare.count(c.bareCount.text, c.bareCount.values)]);
    return { rows: rows.rows, total: Number(total.rows[0]?.n) };
  };

  // The hand-written SQL must answer the same question, or the ratio means nothing.
  const mismatched = new Set<Case>();
  for (const c of cases) {
    const [s, b] = [await runService(c), await runBare(c)];
    const same = s.total === b.total && s.items.map((i) => i.id).join() === b.rows.map((r) => String(r.id)).join();
    if (!same) {
      mismatched.add(c);
      log(`  ${engine} ${c.actor} ${c.query.label}: service and bare SQL disagree (${s.total} vs ${b.total})`);
    }
    log(`  ${engine} ${c.actor} ${c.query.label}: ${s.total} members`);
  }

  // Interleaved rounds (every case once per round, service and bare alternating) so drift
  // from other load on the machine spreads evenly over all figures.
  const warmup = Math.min(20, Math.ceil(opts.runs / 10));
  for (let round = 0; round < warmup + opts.runs; round++) {
    for (const c of cases) {
      let t = performance.now();
      await runService(c);
      const service = performance.now() - t;
      t = performance.now();
      await runBare(c);
      const bareMs = performance.now() - t;
      if (round >= warmup) {
        c.service.push(service);
        c.bare.push(bareMs);
      }
    }
    if ((round + 1) % 50 === 0) log(`  ${engine} search: round ${round + 1}/${warmup + opts.runs}`);
  }
  await bare.close();

  const onPg = engine === 'PostgreSQL';
  return cases.map((c) => {
    const s = summarize(c.service);
    const b = summarize(c.bare);
    const bad = mismatched.has(c);
    return {
      figure: `${engine} ${opts.scale}: listMembers as ${c.actor}, ${c.query.label}`,
      value: `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} (n=${s.n})`,
      target: onPg ? `p95 ≤ ${SEARCH_TARGET_P95_MS} ms` : `— (target is for PostgreSQL)`,
      limit: `bare SQL p50 ${ms(b.p50)} · p95 ${ms(b.p95)}${bad ? ' ⚠ results differ' : ''}`,
      ratio: ratio(s.p95 / b.p95),
      pass: passMark(onPg ? s.p95 <= SEARCH_TARGET_P95_MS : null),
    };
  });
}
