import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { CareTask } from '../../../shared/api.ts';

/**
 * SQL of care tasks. A task's status as people see it: a snoozed task whose day has come is open
 * again at once (the care job later writes it so, with a 'reopened' event).
 */
export const effectiveStatus = (today: string): RawBuilder<CareTask['status']> =>
  sql<CareTask['status']>`(CASE WHEN t.status = 'snoozed' AND t.snoozed_until <= ${today}::date THEN 'open' ELSE t.status END)`;

/** Open (effectively) and past its due day. */
export const overdueSql = (today: string): RawBuilder<boolean> => sql<boolean>`(${effectiveStatus(today)} = 'open' AND t.due_on < ${today}::date)`;

/** Open and snoozed tasks: what the mentor and the assignee still have to do. */
export const pendingSql = sql<SqlBool>`t.status IN ('open', 'snoozed')`;

/** A task with its member, unit and assignee (alias t). */
export function careTaskQuery(db: Executor, tenantId: string, today: string) {
  return db
    .selectFrom('care_task as t')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.id', '=', 't.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('member as a', (j) => j.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.id', '=', 't.assignee_member_id'))
    .where('t.tenant_id', '=', tenantId)
    .select([
      't.id',
      't.member_id',
      'm.name as member_name',
      'o.name as org_name',
      'o.path as org_path',
      't.kind',
      't.reason',
      't.assignee_member_id',
      'a.name as assignee_name',
      't.status as stored_status',
      't.due_on',
      't.snoozed_until',
      't.note',
      't.source_talk_id',
      't.created_at',
    ])
    .select([effectiveStatus(today).as('status'), overdueSql(today).as('overdue')]);
}

export type CareTaskRow = Awaited<ReturnType<ReturnType<typeof careTaskQuery>['execute']>>[number];

/**
 * Open first — by due day, so overdue ones lead —, then snoozed (by the day they come back), then
 * closed (latest first).
 */
export const taskOrder = (today: string) => sql`
  CASE ${effectiveStatus(today)} WHEN 'open' THEN 0 WHEN 'snoozed' THEN 1 ELSE 2 END,
  CASE WHEN ${effectiveStatus(today)} = 'open' THEN t.due_on END,
  CASE WHEN ${effectiveStatus(today)} = 'snoozed' THEN t.snoozed_until END,
  t.closed_at DESC NULLS LAST, t.due_on, t.created_at DESC, t.id`;

export function presentTask(r: CareTaskRow): CareTask {
  const assignee = r.assignee_member_id && r.assignee_name ? { memberId: r.assignee_member_id, name: r.assignee_name } : null;
  return {
    id: r.id,
    memberId: r.member_id,
    memberName: r.member_name,
    orgName: r.org_name,
    kind: r.kind,
    reason: r.reason,
    assignee,
    mentorName: assignee?.name ?? null,
    status: r.status,
    dueOn: r.due_on,
    overdue: Boolean(r.overdue),
    snoozedUntil: r.snoozed_until,
    note: r.note,
    sourceTalkId: r.source_talk_id,
    createdAt: r.created_at.toISOString(),
  };
}

/** A task's history, oldest first. */
export function taskEvents(db: Executor, tenantId: string, taskId: string) {
  return db
    .selectFrom('care_task_event')
    .select(['at', 'actor_name', 'kind', 'note', 'detail'])
    .where('tenant_id', '=', tenantId)
    .where('task_id', '=', taskId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** The open (or snoozed) task of a kind about a member, if any. */
export function openTaskOfKind(db: Executor, tenantId: string, memberId: string, kind: CareTask['kind']) {
  return db
    .selectFrom('care_task')
    .select(['id', 'reason', 'due_on', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('kind', '=', kind)
    .where('status', 'in', ['open', 'snoozed'])
    .executeTakeFirst();
}

/** The member's current mentor (传帮带联系人), if any. */
export async function currentMentorId(db: Executor, tenantId: string, memberId: string): Promise<string | null> {
  const row = await db
    .selectFrom('mentorship')
    .select('mentor_member_id')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('ended_on', 'is', null)
    .executeTakeFirst();
  return row?.mentor_member_id ?? null;
}
