import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, secretaryPaths } from '../../auth/policy.ts';
import { shanghaiDate as chinaDate } from '../../clock.ts';
import { AppError, notFound, uniqueViolation } from '../../errors.ts';
import type { OrgRow } from '../../db/tables.ts';
import type { CareTask, Coverage, CareTaskQuery, CoverageQuery, UpdateCareTaskBody } from '../../../shared/api.ts';
import { recordAudit } from '../audit/service.ts';
import { getOrg } from '../orgs/service.ts';
import { inSubtrees } from '../members/repo.ts';
import { readCoverage, type CoverageSums, type UnitSumsRow } from './repo.ts';
import { coverageWorkbook } from './xlsx.ts';

type CoverageQueryInput = z.infer<typeof CoverageQuery>;
type CareTaskQueryInput = z.infer<typeof CareTaskQuery>;
type UpdateCareTaskInput = z.infer<typeof UpdateCareTaskBody>;
type CoverageNumbers = Coverage['units'][number]['all'];
type MemberCoverage = Coverage['members'][number];

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
const rate = (part: number, whole: number): number | null => (whole > 0 ? round4(part / whole) : null);

// ---------- coverage (全覆盖、无死角) ----------

/** The unit the view describes: the one asked for, else the caller's top secretary unit (the top unit for the admin). */
async function coverageRoot(db: Database, ctx: RequestContext, orgId: string | undefined): Promise<OrgRow> {
  const { actor } = ctx;
  let root: OrgRow;
  if (orgId) {
    root = await getOrg(db, actor.tenantId, orgId);
  } else if (actor.isTenantAdmin) {
    const top = await db.selectFrom('org').selectAll().where('tenant_id', '=', actor.tenantId).where('parent_id', 'is', null).orderBy('created_at').executeTakeFirst();
    if (!top) throw new AppError('not_found', '尚未建立组织');
    root = top;
  } else {
    const scope = actor.scopes.filter((s) => s.role === 'secretary').sort((a, b) => a.path.length - b.path.length)[0];
    if (!scope) throw new AppError('forbidden', '无权执行此操作');
    root = await getOrg(db, actor.tenantId, scope.orgId);
  }
  authorize(actor, 'learning.manage', { kind: 'org', tenantId: actor.tenantId, path: root.path });
  return root;
}

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
  const root = await coverageRoot(db, ctx, q.orgId);
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
    const children = (childrenOf.get(id) ?? []).sort((a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name, 'zh-CN'));
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

// ---------- follow-up tasks (absence and unread streaks) ----------

/** A task's status as members see it: a snoozed task whose day has come is open again. */
const effectiveStatus = (today: string) =>
  sql<CareTask['status']>`CASE WHEN t.status = 'snoozed' AND t.snoozed_until <= ${today}::date THEN 'open' ELSE t.status END`;

function careTaskQuery(db: Executor, tenantId: string, today: string) {
  return db
    .selectFrom('care_task as t')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.id', '=', 't.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('member as mentor', (j) => j.onRef('mentor.tenant_id', '=', 't.tenant_id').onRef('mentor.id', '=', 't.assignee_member_id'))
    .where('t.tenant_id', '=', tenantId)
    .select([
      't.id',
      't.member_id',
      'm.name as member_name',
      'o.name as org_name',
      'o.path as org_path',
      't.kind',
      't.reason',
      'mentor.name as mentor_name',
      't.due_on',
      't.snoozed_until',
      't.note',
      't.created_at',
    ])
    .select(effectiveStatus(today).as('status'));
}

type CareTaskRow = Awaited<ReturnType<ReturnType<typeof careTaskQuery>['execute']>>[number];

function presentTask(r: CareTaskRow): CareTask {
  return {
    id: r.id,
    memberId: r.member_id,
    memberName: r.member_name,
    orgName: r.org_name,
    kind: r.kind,
    reason: r.reason,
    mentorName: r.mentor_name,
    status: r.status,
    dueOn: r.due_on,
    snoozedUntil: r.snoozed_until,
    note: r.note,
    createdAt: r.created_at.toISOString(),
  };
}

/** Open (overdue first, then by due day), then snoozed, then closed. */
const taskOrder = (today: string) =>
  sql`CASE ${effectiveStatus(today)} WHEN 'open' THEN 0 WHEN 'snoozed' THEN 1 ELSE 2 END, CASE WHEN t.due_on < ${today}::date THEN 0 ELSE 1 END, t.due_on, t.created_at DESC`;

/**
 * Follow-up tasks about members in the caller's secretary subtree(s) (the whole tenant for the
 * admin), or in `orgId`'s subtree. Without a status filter every task is listed, open ones first.
 */
export async function listCareTasks(db: Database, ctx: RequestContext, q: CareTaskQueryInput): Promise<{ items: CareTask[]; total: number }> {
  const { actor } = ctx;
  let paths: string[] | 'all';
  if (q.orgId) {
    const org = await getOrg(db, actor.tenantId, q.orgId);
    authorize(actor, 'learning.manage', { kind: 'org', tenantId: actor.tenantId, path: org.path });
    paths = [org.path];
  } else {
    authorize(actor, 'learning.manage', { kind: 'tenant', tenantId: actor.tenantId });
    paths = secretaryPaths(actor);
  }
  const today = chinaDate();
  let query = careTaskQuery(db, actor.tenantId, today);
  if (paths !== 'all') query = query.where(inSubtrees(actor.tenantId, paths));
  if (q.status) query = query.where(effectiveStatus(today), '=', q.status);
  if (q.kind) query = query.where('t.kind', '=', q.kind);
  const rows = await query
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy(taskOrder(today))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { items: rows.map(presentTask), total: rows[0]?.total ?? (q.page > 1 ? await countTasks(db, ctx, q) : 0) };
}

async function countTasks(db: Database, ctx: RequestContext, q: CareTaskQueryInput): Promise<number> {
  // A page past the end has no row to carry the total: ask for the first page's.
  const first = await listCareTasks(db, ctx, { ...q, page: 1, pageSize: 1 });
  return first.total;
}

/** Closes (done / dropped), snoozes or reopens a task: the member's current mentor or a secretary above the member. */
export async function updateCareTask(db: Database, ctx: RequestContext, taskId: string, body: UpdateCareTaskInput): Promise<CareTask> {
  const { actor } = ctx;
  const today = chinaDate();
  const current = await careTaskQuery(db, actor.tenantId, today).where('t.id', '=', taskId).executeTakeFirst();
  if (!current) throw notFound('跟进任务');
  authorize(actor, 'care.write', { kind: 'member', tenantId: actor.tenantId, memberId: current.member_id, orgPath: current.org_path });
  if (body.status === 'snoozed' && body.snoozedUntil <= today) {
    throw new AppError('validation_failed', '延后日期应晚于今天', [{ field: 'snoozedUntil', message: `延后到 ${body.snoozedUntil}，应晚于今天（${today}）` }]);
  }
  const closing = body.status === 'done' || body.status === 'dropped';
  try {
    await db.transaction().execute(async (tx) => {
      // The audit's "before" is the row as this transaction finds it, locked against a concurrent change.
      const before = await tx
        .selectFrom('care_task')
        .select(['status', 'snoozed_until', 'note'])
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', taskId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('care_task')
        .set({
          status: body.status,
          snoozed_until: body.status === 'snoozed' ? body.snoozedUntil : null,
          ...(body.note !== undefined ? { note: body.note } : {}),
          closed_at: closing ? new Date() : null,
          closed_by: closing ? actor.accountId : null,
        })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', taskId)
        .execute();
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'care_task.update',
        entity: 'care_task',
        entityId: taskId,
        before: { status: before.status, snoozedUntil: before.snoozed_until, note: before.note },
        after: { status: body.status, snoozedUntil: body.status === 'snoozed' ? body.snoozedUntil : null, note: body.note ?? before.note },
      });
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', '该党员已有一条同类的未完成跟进任务，请在那一条上处理');
    throw err;
  }
  const updated = await careTaskQuery(db, actor.tenantId, today).where('t.id', '=', taskId).executeTakeFirstOrThrow();
  return presentTask(updated);
}

/** The mentor's open and snoozed tasks about their current mentees (empty when not a mentor). */
export async function listMyCareTasks(db: Database, ctx: RequestContext): Promise<{ items: CareTask[]; total: number }> {
  const { actor } = ctx;
  if (!actor.memberId) throw new AppError('forbidden', '该账号没有对应的党员信息');
  if (actor.menteeIds.length === 0) return { items: [], total: 0 };
  const today = chinaDate();
  const rows = await careTaskQuery(db, actor.tenantId, today)
    .where('t.member_id', 'in', actor.menteeIds)
    .where('t.status', 'in', ['open', 'snoozed'])
    .orderBy(taskOrder(today))
    .execute();
  return { items: rows.map(presentTask), total: rows.length };
}

/** For the member app's home: open tasks about the caller's mentees (0 when not a mentor). */
export async function countMyCareTasks(db: Executor, ctx: RequestContext): Promise<number> {
  const { actor } = ctx;
  if (!actor.memberId || actor.menteeIds.length === 0) return 0;
  const today = chinaDate();
  const row = await db
    .selectFrom('care_task as t')
    .where('t.tenant_id', '=', actor.tenantId)
    .where('t.member_id', 'in', actor.menteeIds)
    .where((eb) => eb.or([eb('t.status', '=', 'open'), eb.and([eb('t.status', '=', 'snoozed'), eb('t.snoozed_until', '<=', today)])]))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
