import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { Actor, RequestContext } from '../../auth/actor.ts';
import { authorize, can, type Target } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, uniqueViolation } from '../../errors.ts';
import type { CareTaskEventKind } from '../../db/tables.ts';
import type { CareTask, CareTaskDetail, CareTaskPatch, CareTaskQuery, CreateCareTaskBody, UpdateCareTaskBody } from '../../../shared/api.ts';
import { recordAudit } from '../../audit-log.ts';
import { inSubtrees, listSubtrees, memberWithOrg } from '../../directory/index.ts';
import { raiseCareTask } from './raise.ts';
import type { Lang } from '../../i18n/lang.ts';
import { detailInLanguage, taskInLanguage } from './reason-wording.ts';
import { careTaskQuery, currentMentorId, effectiveStatus, openTaskOfKind, overdueSql, pendingSql, presentTask, taskEvents, taskOrder, type CareTaskRow } from './repo.ts';
import { noticeCareAssigned } from './notices.ts';

type CareTaskQueryInput = z.infer<typeof CareTaskQuery>;
type CreateCareTaskInput = z.infer<typeof CreateCareTaskBody>;
type UpdateCareTaskInput = z.infer<typeof UpdateCareTaskBody>;
type CareTaskPatchInput = z.infer<typeof CareTaskPatch>;
type CareTaskList = { items: CareTask[]; total: number };

/**
 * Care tasks (跟进任务), like Rock RMS Connections / Planning Center Workflows: about one member,
 * with an assignee (null: the secretaries above the member), a due day, snooze, and a history
 * (care_task_event) in which every change is one event.
 *
 * Who may do what:
 *  - read a task: care.read on its member (their current mentor, the secretaries above them) or
 *    being its current assignee — whoever is asked to do something must be able to see what;
 *  - close, snooze, reopen a task and add a note: care.write on its member, or its current assignee
 *    (an assignee who is neither mentor nor secretary may still act on what they were given);
 *  - reassign it or change its due day, create one by hand: care.write on the member;
 *  - lists across units: care.manage on the unit (the secretaries of its subtree).
 * Hardship tasks are sensitive: every list or view that shows one writes an audit entry.
 */

const SECRETARIES_LABEL = '党组织书记';
const KIND_LABELS: Record<CareTask['kind'], string> = {
  absence_streak: '连续缺课',
  unread_streak: '连续未读',
  follow_up: '谈心跟进',
  visit: '走访',
  hardship: '困难帮扶',
  lost_contact: '失联核实',
  unreachable: '联系不上',
  other: '其他',
};

const memberTarget = (actor: Actor, memberId: string, orgPath: string): Target => ({ kind: 'member', tenantId: actor.tenantId, memberId, orgPath });

const isAssignee = (actor: Actor, task: Pick<CareTaskRow, 'assignee_member_id'>): boolean =>
  actor.memberId !== null && task.assignee_member_id === actor.memberId;

function eventActor(ctx: RequestContext) {
  return { account_id: ctx.actor.accountId, actor_name: ctx.actor.displayName };
}

async function loadTask(db: Executor, actor: Actor, taskId: string, today: string): Promise<CareTaskRow> {
  const row = await careTaskQuery(db, actor.tenantId, today).where('t.id', '=', taskId).executeTakeFirst();
  if (!row) throw notFound('跟进任务');
  return row;
}

async function loadMember(db: Executor, actor: Actor, memberId: string, current: boolean) {
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m || (current && m.left_at)) throw notFound('党员');
  return m;
}

/** Writes the audit entry a listing or view of hardship tasks owes (sensitive notes). */
async function auditSensitive(db: Executor, ctx: RequestContext, tasks: CareTask[], action: 'care_task.list' | 'care_task.view', entity: { entity: string; entityId: string | null }): Promise<void> {
  const hardship = tasks.filter((t) => t.kind === 'hardship');
  if (hardship.length === 0) return;
  await recordAudit(db, ctx, {
    tenantId: ctx.actor.tenantId,
    action,
    ...entity,
    after: { kind: 'hardship', count: hardship.length, taskIds: hardship.map((t) => t.id) },
  });
}

function dayIssue(field: string, message: string): AppError {
  return new AppError('validation_failed', message, [{ field, message }]);
}

// ---------- lists ----------

/**
 * Tasks of one member (care.read), or of a unit's subtree (orgId, care.manage), or of every unit
 * the caller is secretary of (the whole tenant for the admin). Filters: status (as people see it:
 * a snoozed task whose day came is open), kind, overdue. Open first (overdue leading), then
 * snoozed, then closed.
 */
export async function listCareTasks(db: Database, ctx: RequestContext, q: CareTaskQueryInput): Promise<CareTaskList> {
  const { actor } = ctx;
  const today = shanghaiDate();
  let query = careTaskQuery(db, actor.tenantId, today);
  let audited: { entity: string; entityId: string | null };
  if (q.memberId) {
    const m = await loadMember(db, actor, q.memberId, false);
    authorize(actor, 'care.read', memberTarget(actor, m.id, m.org_path));
    query = query.where('t.member_id', '=', m.id);
    audited = { entity: 'member', entityId: m.id };
  } else {
    const paths = await listSubtrees(db, ctx, 'care.manage', q.orgId);
    if (paths !== 'all') query = query.where(inSubtrees(actor.tenantId, paths));
    audited = q.orgId ? { entity: 'org', entityId: q.orgId } : { entity: 'tenant', entityId: actor.tenantId };
  }
  if (q.status) query = query.where(effectiveStatus(today), '=', q.status);
  if (q.kind) query = query.where('t.kind', '=', q.kind);
  if (q.overdue !== undefined) query = query.where(q.overdue ? overdueSql(today) : sql<SqlBool>`NOT ${overdueSql(today)}`);

  const rows = await query
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy(taskOrder(today))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && q.page > 1) {
    // A page past the end has no row to carry the total: count the filter alone.
    const counted = await db
      .selectFrom(query.as('x'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    total = Number(counted.n);
  }
  const items = rows.map((r) => taskInLanguage(presentTask(r), ctx.lang));
  await auditSensitive(db, ctx, items, 'care_task.list', audited);
  return { items, total: Number(total) };
}

/**
 * The caller's to-do list in the member app: tasks assigned to them plus tasks about their current
 * mentees, open and snoozed (snoozed ones show their day), overdue first. Accounts without a member
 * record (the tenant admin) are refused: the member app is for members.
 */
export async function listMyCareTasks(db: Database, ctx: RequestContext, page: { page: number; pageSize: number } = { page: 1, pageSize: 200 }): Promise<CareTaskList> {
  const { actor } = ctx;
  if (!actor.memberId) throw new AppError('forbidden', '该账号没有对应的党员信息');
  const today = shanghaiDate();
  const rows = await careTaskQuery(db, actor.tenantId, today)
    .where(pendingSql)
    .where(mineSql({ ...actor, memberId: actor.memberId }))
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy(taskOrder(today))
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  const items = rows.map((r) => taskInLanguage(presentTask(r), ctx.lang));
  await auditSensitive(db, ctx, items, 'care_task.list', { entity: 'member', entityId: actor.memberId });
  const total = rows[0]?.total ?? (page.page > 1 ? (await myCareCounts(db, ctx, today)).all : 0);
  return { items, total: Number(total) };
}

/** Tasks (alias t) assigned to the caller or about their current mentees. */
function mineSql(actor: Actor & { memberId: string }): RawBuilder<SqlBool> {
  if (actor.menteeIds.length === 0) return sql<SqlBool>`t.assignee_member_id = ${actor.memberId}`;
  return sql<SqlBool>`(t.assignee_member_id = ${actor.memberId} OR t.member_id IN (${sql.join(actor.menteeIds)}))`;
}

/**
 * For the member app's home: how many of the caller's tasks (the same set as /api/me/care-tasks)
 * are open — including snoozed ones whose day has come — and how many of those are overdue.
 * Zero for accounts without a member record.
 */
export async function myCareCounts(db: Executor, ctx: RequestContext, today: string): Promise<{ open: number; overdue: number; all: number }> {
  const { actor } = ctx;
  if (!actor.memberId) return { open: 0, overdue: 0, all: 0 };
  const row = await db
    .selectFrom('care_task as t')
    .where('t.tenant_id', '=', actor.tenantId)
    .where(pendingSql)
    .where(mineSql({ ...actor, memberId: actor.memberId }))
    .select([
      sql<number>`count(*)`.as('all'),
      sql<number>`count(*) FILTER (WHERE ${effectiveStatus(today)} = 'open')`.as('open'),
      sql<number>`count(*) FILTER (WHERE ${overdueSql(today)})`.as('overdue'),
    ])
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue), all: Number(row.all) };
}

/**
 * Follow-up tasks about members of these subtrees, open (or snoozed whose day came) and past due:
 * the task list's overdue filter, counted (the dashboard's 党内关怀 figure). The caller has
 * authorized its reader on the subtrees.
 */
export async function countOverdueCareTasks(db: Executor, tenantId: string, paths: string[], today: string): Promise<number> {
  const row = await db
    .selectFrom('care_task as t')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.id', '=', 't.member_id'))
    .where('t.tenant_id', '=', tenantId)
    .where('t.status', 'in', ['open', 'snoozed'])
    .where(inSubtrees(tenantId, paths))
    .where(overdueSql(today))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

// ---------- one task ----------

async function detail(db: Executor, actor: Actor, row: CareTaskRow, lang: Lang | undefined): Promise<CareTaskDetail> {
  const events = await taskEvents(db, actor.tenantId, row.id);
  return detailInLanguage({
    ...presentTask(row),
    history: events.map((e) => ({
      at: e.at.toISOString(),
      actorName: e.actor_name,
      kind: e.kind,
      note: e.note,
      detail: (e.detail ?? null) as Record<string, unknown> | null,
    })),
  }, lang);
}

/** A task with its history, oldest first: care.read on its member, or its current assignee. */
export async function getCareTask(db: Database, ctx: RequestContext, taskId: string): Promise<CareTaskDetail> {
  const { actor } = ctx;
  const row = await loadTask(db, actor, taskId, shanghaiDate());
  if (!isAssignee(actor, row)) authorize(actor, 'care.read', memberTarget(actor, row.member_id, row.org_path));
  const result = await detail(db, actor, row, ctx.lang);
  await auditSensitive(db, ctx, [result], 'care_task.view', { entity: 'care_task', entityId: row.id });
  return result;
}

/**
 * Who may be given a task about `member`: a current member the caller may read (themself, their
 * mentees, anyone in the units they lead), or the member's current mentor. Null: the secretaries.
 */
async function resolveAssignee(db: Executor, actor: Actor, memberId: string, assigneeId: string | null): Promise<{ id: string; name: string } | null> {
  if (assigneeId === null) return null;
  const field = 'assigneeMemberId';
  const a = await memberWithOrg(db, actor.tenantId, assigneeId);
  if (!a || a.left_at) throw dayIssue(field, '负责人应为本组织在册党员');
  const mentor = await currentMentorId(db, actor.tenantId, memberId);
  if (mentor !== a.id && !can(actor, 'member.read', memberTarget(actor, a.id, a.org_path))) {
    throw dayIssue(field, '只能指派给该党员的联系人，或您能查看的党员');
  }
  return { id: a.id, name: a.name };
}

/**
 * A task made by hand (visit, hardship help, follow-up, lost contact, other): care.write on the
 * member. Assignee: the one given (see resolveAssignee); null: the secretaries; omitted: the
 * member's mentor, else the secretaries. A hand-made task is never merged silently: when one of
 * that kind is already open for the member, the answer is a conflict naming it (the issue
 * `openTaskId` carries its id), and the caller adds to that one instead.
 */
export async function createCareTask(db: Database, ctx: RequestContext, body: CreateCareTaskInput): Promise<CareTaskDetail> {
  const { actor } = ctx;
  const today = shanghaiDate();
  const m = await loadMember(db, actor, body.memberId, true);
  authorize(actor, 'care.write', memberTarget(actor, m.id, m.org_path));
  if (body.dueOn < today) throw dayIssue('dueOn', `截止日期 ${body.dueOn} 早于今天（${today}）`);
  const assignee = body.assigneeMemberId === undefined ? undefined : await resolveAssignee(db, actor, m.id, body.assigneeMemberId);
  const conflict = (open: { id: string; reason: string; due_on: string }) => {
    const message = `${m.name}已有一条未完成的「${KIND_LABELS[body.kind]}」任务：${open.reason}（截止 ${open.due_on}），请在那一条上补充`;
    return new AppError('conflict', message, [
      { field: 'kind', message },
      { field: 'openTaskId', message: open.id },
    ]);
  };
  const taskId = await db.transaction().execute(async (tx) => {
    const open = await openTaskOfKind(tx, actor.tenantId, m.id, body.kind);
    if (open) throw conflict(open);
    const raised = await raiseCareTask(tx, ctx, {
      tenantId: actor.tenantId,
      memberId: m.id,
      kind: body.kind,
      reason: body.reason,
      dueOn: body.dueOn,
      ...(assignee !== undefined ? { assigneeMemberId: assignee?.id ?? null } : {}),
    });
    if (!raised.created) {
      // Opened by someone else in the meantime: refuse (the merged event goes with the rollback).
      const other = await openTaskOfKind(tx, actor.tenantId, m.id, body.kind);
      throw conflict(other ?? { id: raised.taskId, reason: '', due_on: '' });
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'care_task.create',
      entity: 'care_task',
      entityId: raised.taskId,
      after: { memberId: m.id, kind: body.kind, dueOn: body.dueOn, assigneeMemberId: assignee === undefined ? 'mentor' : (assignee?.id ?? null) },
    });
    return raised.taskId;
  });
  return detail(db, actor, await loadTask(db, actor, taskId, today), ctx.lang);
}

/**
 * Closes (done / dropped with a reason), snoozes (until a day after today) or reopens a task, with
 * an optional note: care.write on the member, or the task's current assignee. Each change is one
 * history event (done, dropped, snoozed, reopened); a note on an open task left open is a 'note'.
 * Reopening while another task of the kind is open is a conflict.
 */
export async function updateCareTask(db: Database, ctx: RequestContext, taskId: string, body: UpdateCareTaskInput): Promise<CareTaskDetail> {
  const { actor } = ctx;
  const today = shanghaiDate();
  const current = await loadTask(db, actor, taskId, today);
  if (!isAssignee(actor, current)) authorize(actor, 'care.write', memberTarget(actor, current.member_id, current.org_path));
  if (body.status === 'snoozed' && body.snoozedUntil <= today) {
    throw dayIssue('snoozedUntil', `延后到 ${body.snoozedUntil}，应晚于今天（${today}）`);
  }
  const note = body.note ? body.note : undefined;
  const closing = body.status === 'done' || body.status === 'dropped';
  try {
    await db.transaction().execute(async (tx) => {
      // The "before" is the row as this transaction finds it, locked against a concurrent change.
      const before = await tx
        .selectFrom('care_task')
        .select(['status', 'snoozed_until', 'note'])
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', taskId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      let event: { kind: CareTaskEventKind; detail: Record<string, unknown> | null } | null;
      if (body.status === 'snoozed') event = { kind: 'snoozed', detail: { until: body.snoozedUntil } };
      else if (body.status === before.status) event = note ? { kind: 'note', detail: null } : null; // nothing changes but the note
      else if (body.status === 'open') event = { kind: 'reopened', detail: { from: before.status } };
      else event = { kind: body.status, detail: null };
      const statusChanges = body.status !== before.status || body.status === 'snoozed';
      if (!statusChanges && !note) return;
      await tx
        .updateTable('care_task')
        .set({
          ...(statusChanges
            ? {
                status: body.status,
                snoozed_until: body.status === 'snoozed' ? body.snoozedUntil : null,
                closed_at: closing ? clock.now() : null,
                closed_by: closing ? actor.accountId : null,
              }
            : {}),
          ...(note !== undefined ? { note } : {}),
        })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', taskId)
        .execute();
      if (event) {
        await tx
          .insertInto('care_task_event')
          .values({ tenant_id: actor.tenantId, task_id: taskId, kind: event.kind, note: note ?? null, detail: event.detail ? JSON.stringify(event.detail) : null, ...eventActor(ctx) })
          .execute();
      }
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'care_task.update',
        entity: 'care_task',
        entityId: taskId,
        before: { status: before.status, snoozedUntil: before.snoozed_until, note: before.note },
        after: { status: body.status, snoozedUntil: body.status === 'snoozed' ? body.snoozedUntil : null, note: note ?? before.note },
      });
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', '该党员已有一条同类的未完成跟进任务，请在那一条上处理');
    throw err;
  }
  return detail(db, actor, await loadTask(db, actor, taskId, today), ctx.lang);
}

/**
 * Plans a task: reassign it (null: the secretaries), move its due day (today or later), add a note
 * to its history. Reassigning and moving the day need care.write on the member and an open or
 * snoozed task; a note may also come from the current assignee, and on a closed task. One event
 * per change: 'reassigned' (from and to, with names), 'due_changed' (from and to), 'note'.
 */
export async function planCareTask(db: Database, ctx: RequestContext, taskId: string, patch: CareTaskPatchInput): Promise<CareTaskDetail> {
  const { actor } = ctx;
  const today = shanghaiDate();
  const current = await loadTask(db, actor, taskId, today);
  const target = memberTarget(actor, current.member_id, current.org_path);
  const replans = patch.assigneeMemberId !== undefined || patch.dueOn !== undefined;
  if (replans || !isAssignee(actor, current)) authorize(actor, 'care.write', target);
  if (replans && (current.stored_status === 'done' || current.stored_status === 'dropped')) {
    throw new AppError('conflict', '任务已关闭，不能改派或改期；如需继续跟进，请先重新打开');
  }
  if (patch.dueOn !== undefined && patch.dueOn < today) throw dayIssue('dueOn', `截止日期 ${patch.dueOn} 早于今天（${today}）`);
  const assignee = patch.assigneeMemberId === undefined ? undefined : await resolveAssignee(db, actor, current.member_id, patch.assigneeMemberId);

  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('care_task as t')
      .leftJoin('member as a', (j) => j.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.id', '=', 't.assignee_member_id'))
      .select(['t.status', 't.assignee_member_id', 'a.name as assignee_name', 't.due_on', 't.note'])
      .where('t.tenant_id', '=', actor.tenantId)
      .where('t.id', '=', taskId)
      .forUpdate('t')
      .executeTakeFirstOrThrow();
    const events: { kind: CareTaskEventKind; note: string | null; detail: Record<string, unknown> | null }[] = [];
    const reassigned = assignee !== undefined && (assignee?.id ?? null) !== before.assignee_member_id;
    if (reassigned) {
      const fromName = before.assignee_member_id ? before.assignee_name : null;
      const toName = assignee?.name ?? null;
      events.push({
        kind: 'reassigned',
        note: `由${fromName ?? SECRETARIES_LABEL}改为${toName ?? SECRETARIES_LABEL}`,
        detail: { fromMemberId: before.assignee_member_id, fromName, toMemberId: assignee?.id ?? null, toName },
      });
    }
    const dueChanged = patch.dueOn !== undefined && patch.dueOn !== before.due_on;
    if (dueChanged) events.push({ kind: 'due_changed', note: `截止日期由 ${before.due_on} 改为 ${patch.dueOn}`, detail: { from: before.due_on, to: patch.dueOn } });
    if (patch.note) events.push({ kind: 'note', note: patch.note, detail: null });
    if (events.length === 0) return;
    await tx
      .updateTable('care_task')
      .set({
        ...(reassigned ? { assignee_member_id: assignee?.id ?? null } : {}),
        ...(dueChanged ? { due_on: patch.dueOn } : {}),
        ...(patch.note ? { note: patch.note } : {}),
      })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', taskId)
      .execute();
    await tx
      .insertInto('care_task_event')
      .values(events.map((e) => ({ tenant_id: actor.tenantId, task_id: taskId, kind: e.kind, note: e.note, detail: e.detail ? JSON.stringify(e.detail) : null, ...eventActor(ctx) })))
      .execute();
    if (reassigned) await noticeCareAssigned(tx, actor.tenantId, taskId, assignee?.id ?? null);
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'care_task.plan',
      entity: 'care_task',
      entityId: taskId,
      before: { assigneeMemberId: before.assignee_member_id, dueOn: before.due_on, note: before.note },
      after: {
        assigneeMemberId: reassigned ? (assignee?.id ?? null) : before.assignee_member_id,
        dueOn: dueChanged ? patch.dueOn : before.due_on,
        note: patch.note ?? before.note,
      },
    });
  });
  return detail(db, actor, await loadTask(db, actor, taskId, today), ctx.lang);
}
