import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { AppError } from '../../errors.ts';
import type { OrgRow } from '../../db/tables.ts';
import type { Coverage, CoverageQuery } from '../../../shared/api.ts';
import { recordAudit } from '../../audit-log.ts';
import { summaryUnit } from '../../directory/index.ts';
import { readCoverage, type CoverageSums, type UnitSumsRow } from './repo.ts';
import { coverageWorkbook } from './xlsx.ts';
import { compareUnits } from '../../../shared/sort-order.ts';

type CoverageQueryInput = z.infer<typeof CoverageQuery>;
type CoverageNumbers = Coverage['units'][number]['all'];
type MemberCoverage = Coverage['members'][number];

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
const rate = (part: number, whole: number): number | null => (whole > 0 ? round4(part / whole) : null);

// ---------- coverage (全覆盖、无死角) ----------

function checkPeriod(from: string, to: string): void {
  if (from > to) {
    throw new AppError('validation_failed', '开始月份不能晚于结束月份', [{ field: 'from', message: `开始月份 ${from} 晚于结束月份 ${to}` }]);
  }
}

function numbers(s: CoverageSums | undefined): CoverageNumbers {
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

function addSums(a: CoverageSums | undefined, b: CoverageSums | undefined): CoverageSums | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    members: a.members + b.members,
    invited: a.invited + b.invited,
    attended: a.attended + b.attended,
    made_up: a.made_up + b.made_up,
    missed: a.missed + b.missed,
    delivered: a.delivered + b.delivered,
    read: a.read + b.read,
    covered: a.covered + b.covered,
  };
}

/**
 * Coverage of a unit for the months `from`..`to` (inclusive, Asia/Shanghai):
 *  - sessions: closed sessions starting in the period (planned ones are not a gap yet, cancelled
 *    ones never); per invitee attended = present or late, made up, missed = absent or excused;
 *  - pushes: delivered in the period, read = read at any time since;
 *  - units: the unit, its children and grandchildren, each rolled up over its whole subtree, for
 *    all / mobile / local members (mobile = an open destination now, not during the period);
 *  - members: gaps first (missed desc, then read rate asc, then name), paged; `mobile` filters this
 *    list only (the units always show both sides).
 * Members who have left (left_at) are not counted.
 */
export async function getCoverage(db: Database, ctx: RequestContext, q: CoverageQueryInput): Promise<Coverage> {
  return buildCoverage(db, ctx, q, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
}

async function buildCoverage(db: Database, ctx: RequestContext, q: CoverageQueryInput, page: { limit: number | null; offset: number }): Promise<Coverage & { orgName: string }> {
  checkPeriod(q.from, q.to);
  const root = await summaryUnit(db, ctx, 'learning.manage', q.orgId);
  const result = await readCoverage(db, {
    tenantId: ctx.actor.tenantId,
    rootPath: root.path,
    wholeTenant: root.parent_id === null,
    fromMonth: `${q.from}-01`,
    toMonth: `${q.to}-01`,
    mobile: q.mobile,
    limit: page.limit,
    offset: page.offset,
  });

  const sums = new Map<string, UnitSumsRow>();
  for (const u of result.units ?? []) {
    const id = u.g === 3 ? root.id : u.g === 1 ? u.c1 : u.c2;
    if (!id) continue; // members sitting above the level being grouped
    sums.set(`${id}:${u.mobile}`, u);
  }
  const shown = result.shown ?? [];
  const rootDepth = root.path.split('/').filter(Boolean).length;
  const childrenOf = new Map<string | null, typeof shown>();
  for (const o of shown) {
    if (o.id === root.id) continue;
    const list = childrenOf.get(o.parent_id) ?? [];
    list.push(o);
    childrenOf.set(o.parent_id, list);
  }
  const units: Coverage['units'] = [];
  const visit = (id: string, name: string, kind: OrgRow['kind'], path: string) => {
    const mobile = sums.get(`${id}:true`);
    const local = sums.get(`${id}:false`);
    units.push({
      orgId: id,
      orgName: name,
      kind,
      depth: path.split('/').filter(Boolean).length - rootDepth,
      all: numbers(addSums(mobile, local)),
      mobile: numbers(mobile),
      local: numbers(local),
    });
    const children = (childrenOf.get(id) ?? []).sort((a, b) => compareUnits({ sortOrder: a.sort_order, name: a.name }, { sortOrder: b.sort_order, name: b.name }));
    for (const c of children) visit(c.id, c.name, c.kind, c.path);
  };
  visit(root.id, root.name, root.kind, root.path);

  const members: MemberCoverage[] = (result.members ?? []).map((m) => ({
    memberId: m.id,
    name: m.name,
    orgName: m.org_name,
    mobile: m.mobile,
    sessionsInvited: m.invited,
    attended: m.attended,
    madeUp: m.made_up,
    missed: m.missed,
    pushesDelivered: m.delivered,
    pushesRead: m.read,
    readRate: rate(m.read, m.delivered),
    lastActiveAt: m.last_active_at ? new Date(m.last_active_at).toISOString() : null,
    hasGap: m.missed > 0 || m.read < m.delivered,
  }));
  return { orgId: root.id, orgName: root.name, from: q.from, to: q.to, units, members, membersTotal: result.total };
}

/** The same view as an xlsx: sheet 单位 (units, rates as percentages) and sheet 党员 (every member, gaps first). */
export async function exportCoverage(db: Database, ctx: RequestContext, q: CoverageQueryInput): Promise<{ fileName: string; body: Buffer; count: number }> {
  const coverage = await buildCoverage(db, ctx, q, { limit: null, offset: 0 });
  const body = await coverageWorkbook(coverage);
  await recordAudit(db, ctx, {
    tenantId: ctx.actor.tenantId,
    action: 'coverage.export',
    entity: 'org',
    entityId: coverage.orgId,
    after: { from: q.from, to: q.to, mobile: q.mobile ?? null, rows: coverage.members.length },
  });
  const period = q.from === q.to ? q.from : `${q.from}至${q.to}`;
  return { fileName: `学习覆盖-${coverage.orgName}-${period}.xlsx`, body, count: coverage.members.length };
}
