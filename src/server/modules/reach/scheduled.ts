import type { Database } from '../../db/database.ts';
import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { recordAudit } from '../../audit-log.ts';
import { chinaDay } from '../../../shared/china-time.ts';
import { closeRuleTasks, raiseCareTask, ruleTaskState } from '../care/index.ts';
import { getSettings } from '../settings/index.ts';
import { DAY_MS, assessMembers, findUnreachable, type Assessment } from './unreachable.ts';

/** Days the mentor has for an 'unreachable' task. */
export const UNREACHABLE_TASK_DAYS = 7;

/** The task's reason, in the fixed forms messages-en.ts words in English. */
export function unreachableReason(a: Assessment, now: Date): string {
  const seen = a.member.last_seen_at;
  if (seen === null) return '从未打开党员端，短信、群机器人和本机通知都联系不到，请设法联系并帮其开通';
  const days = Math.floor((now.getTime() - seen.getTime()) / DAY_MS);
  return `已 ${days} 天没有打开党员端，短信、群机器人和本机通知都联系不到，请设法联系并帮其开通`;
}

/** Why a task this rule raised is done now. */
export function reachedNote(a: Assessment | undefined): string {
  if (!a || a.member.has_left) return '该党员已不在本组织，任务自动完成';
  switch (a.reachedBy) {
    case 'sms':
      return '已能通过短信联系到，任务自动完成';
    case 'robot':
      return '已能通过群机器人联系到，任务自动完成';
    case 'webpush':
      return '已能通过本机通知联系到，任务自动完成';
    default:
      return `最近打开过党员端（${a.member.last_seen_at ? chinaDay(a.member.last_seen_at) : ''}），任务自动完成`;
  }
}

/**
 * The unreachable rule, per tenant with its own unreachableDays, in one transaction per tenant with
 * an audit entry of what it did:
 *
 *  - raise: an unreachable member (unreachable.ts) gets a care task of kind 'unreachable' for their
 *    mentor (raiseCareTask; the secretaries above them when they have none), due in 7 days. A member
 *    with an open or snoozed task of the kind is left alone (the rule has nothing to add each day).
 *    The same absence is not raised again once a person closed a task about it: a task a person
 *    closed, created after the member was last seen in the app (or ever, for one never seen),
 *    holds it back; seen again and absent again, they are raised again.
 *  - close: an open task this rule raised is done by itself, with a note saying why, when the member
 *    is reached again (a channel, or the app opened) or is no longer a member here. Tasks made by
 *    hand are left to the people who made them.
 */
export async function applyUnreachableRule(db: Database, now: Date): Promise<number> {
  const tenants = await db.selectFrom('tenant').select('id').execute();
  let handled = 0;
  for (const { id: tenantId } of tenants) handled += await applyInTenant(db, tenantId, now);
  return handled;
}

async function applyInTenant(db: Database, tenantId: string, now: Date): Promise<number> {
  const { unreachableDays } = await getSettings(db, tenantId);
  const state = await ruleTaskState(db, tenantId, 'unreachable');
  const unreachable = await findUnreachable(db, tenantId, 'all', now, unreachableDays);
  const unreachableIds = new Set(unreachable.map((a) => a.member.id));
  const toRaise = unreachable.filter((a) => {
    if (state.open.has(a.member.id)) return false;
    const closed = state.lastClosedByPerson.get(a.member.id);
    const seen = a.member.last_seen_at;
    return !(closed && (seen === null || closed.getTime() >= seen.getTime()));
  });
  const answeredIds = [...state.open].filter((id) => !unreachableIds.has(id));
  const answered = answeredIds.length
    ? await assessMembers(db, { tenantId, paths: 'all', memberIds: answeredIds, includeLeft: true, now, unreachableDays })
    : [];
  const byId = new Map(answered.map((a) => [a.member.id, a]));
  if (toRaise.length === 0 && answeredIds.length === 0) return 0;
  const dueOn = chinaDay(new Date(now.getTime() + UNREACHABLE_TASK_DAYS * DAY_MS));
  return db.transaction().execute(async (tx) => {
    let raised = 0;
    for (const a of toRaise) {
      const { created } = await raiseCareTask(tx, null, { tenantId, memberId: a.member.id, kind: 'unreachable', reason: unreachableReason(a, now), dueOn });
      if (created) raised++;
    }
    const closed = await closeRuleTasks(
      tx,
      tenantId,
      'unreachable',
      answeredIds.map((memberId) => ({ memberId, note: reachedNote(byId.get(memberId)) })),
      now,
    );
    if (raised + closed > 0) {
      await recordAudit(tx, null, { tenantId, action: 'reach.unreachable_rule', entity: 'care_task', after: { raised, closed, unreachableDays } });
    }
    return raised + closed;
  });
}

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const reachJobs: ScheduledJob[] = [{ name: 'reach.unreachable', everyMs: 24 * 60 * 60 * 1000, run: applyUnreachableRule }];
