import type { Executor } from '../../db/database.ts';
import { enqueueNotice, type NoticeSource } from '../notify/index.ts';

/**
 * A care task given to a member (a mentor, a group leader) is a notice to them through the outbox,
 * in the task's transaction, to them alone (no line in the groups' digests). The title names no one: it
 * travels by SMS.
 */
export async function noticeCareAssigned(tx: Executor, tenantId: string, taskId: string, assigneeMemberId: string | null): Promise<number> {
  if (!assigneeMemberId) return 0;
  return enqueueNotice(tx, { tenantId, sourceKind: 'care.assigned', sourceId: taskId, title: '待办：一项新的联系任务', path: 'tasks' }, [assigneeMemberId], { personal: true });
}

/**
 * Whom a task's notice no longer concerns: everyone once it is done or dropped, and a former assignee once
 * it was given to someone else.
 */
export const careNoticeSource: NoticeSource = {
  async seen(db, tenantId, taskId, memberIds) {
    const task = await db.selectFrom('care_task').select(['status', 'assignee_member_id']).where('tenant_id', '=', tenantId).where('id', '=', taskId).executeTakeFirst();
    if (!task || task.status === 'done' || task.status === 'dropped') return new Set(memberIds);
    return new Set(memberIds.filter((id) => id !== task.assignee_member_id));
  },
};
