import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { notFound } from '../../errors.ts';
import { enqueueNotice, type KitSource, type NoticeSource } from '../notify/index.ts';

/**
 * What the outbox and the group kit learn about a push from this module (they never read its
 * tables): whether a member has opened it, and its title, time, unit and member-app path.
 */

/** A member who opened the push in the app has been reached: their pending notices are cancelled. */
export const pushNoticeSource: NoticeSource = {
  async seen(db, tenantId, pushId, memberIds) {
    if (memberIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('push_delivery')
      .select('member_id')
      .where('tenant_id', '=', tenantId)
      .where('push_id', '=', pushId)
      .where('member_id', 'in', memberIds)
      .where('opened_at', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.member_id));
  },
};

/** The member-app path of a push: its first item (the reader goes on to the next), else the study list. */
async function pushPath(db: Executor, tenantId: string, pushId: string): Promise<string> {
  const first = await db
    .selectFrom('push_item')
    .select('item_id')
    .where('tenant_id', '=', tenantId)
    .where('push_id', '=', pushId)
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  return first ? `read/${pushId}/${first.item_id}` : 'study';
}

/** The group kit of a push: for who manages pushes of its unit, as on the push page. */
export const pushKitSource: KitSource = {
  async load(db: Executor, ctx: RequestContext, pushId: string) {
    const tenantId = ctx.actor.tenantId;
    const push = await db
      .selectFrom('push as p')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
      .select(['p.title', 'p.planned_at', 'o.path'])
      .where('p.tenant_id', '=', tenantId)
      .where('p.id', '=', pushId)
      .executeTakeFirst();
    if (!push) throw notFound('推送');
    authorize(ctx.actor, 'learning.manage', { kind: 'org', tenantId, path: push.path });
    return {
      title: push.title,
      when: new Date(push.planned_at),
      orgPath: push.path,
      path: await pushPath(db, tenantId, pushId),
      host: true,
      unitAction: 'learning.manage',
    };
  },
};

/**
 * A push was delivered: one notice for all its members (a group robot gets one line for it, each
 * member at most one Web Push and one SMS), in the delivery's transaction.
 */
export async function noticePushDelivered(tx: Executor, tenantId: string, pushId: string, title: string, now: Date): Promise<number> {
  const members = await tx.selectFrom('push_delivery').select('member_id').where('tenant_id', '=', tenantId).where('push_id', '=', pushId).execute();
  return enqueueNotice(
    tx,
    { tenantId, sourceKind: 'push', sourceId: pushId, title: `每日学习：${title}`, path: await pushPath(tx, tenantId, pushId) },
    members.map((m) => m.member_id),
    { now },
  );
}
