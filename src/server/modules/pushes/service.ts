import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { PushAudience } from '../../db/tables.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, authorizeList, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import type { InboxEntry, PushDetail, PushInput, PushSummary } from '../../../shared/api-learning.ts';
import { shanghaiTodayStart, sqlNow } from '../../clock.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg } from '../../directory/index.ts';
import { getSettings } from '../settings/index.ts';
import { getStudyItemSummaries } from '../library/index.ts';
import { requireMember } from '../../directory/index.ts';
import { audienceCondition, inboxCounts, inboxEntryView, inboxRows, pushRows, recipientRows, type PushRow } from './repo.ts';
import { inSubtrees } from '../../directory/index.ts';
import { noticePushDelivered } from './notice-source.ts';

export interface PushListQuery {
  orgId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  status?: 'planned' | 'delivered' | 'cancelled' | undefined;
  page: number;
  pageSize: number;
}
export type PushPatchInput = Partial<Omit<PushInput, 'orgId'>>;

/** The console lists at most this many recipients of one push (unread first); stats count them all. */
export const RECIPIENTS_SHOWN = 5000;

const summaryView = (r: PushRow): PushSummary => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  title: r.title,
  plannedAt: new Date(r.planned_at).toISOString(),
  audience: r.audience,
  status: r.status,
  itemTitles: r.item_titles,
  stats: { delivered: r.delivered, opened: r.opened, read: r.read },
});

const subtreeOf = (tenantId: string, paths: string[]): RawBuilder<SqlBool> => inSubtrees(tenantId, paths, 'p.org_id');

// ---------- the plan (console) ----------

export async function listPushes(db: Database, ctx: RequestContext, q: PushListQuery): Promise<{ items: PushSummary[]; total: number }> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const conds: RawBuilder<SqlBool>[] = [];
  // The list scope of learning.manage (auth/policy.ts): the secretary subtrees.
  const scope = scopePaths(authorizeList(actor, 'learning.manage'));
  if (scope !== 'all') conds.push(subtreeOf(tenantId, scope));
  if (q.orgId) conds.push(subtreeOf(tenantId, [(await getOrg(db, tenantId, q.orgId)).path]));
  if (q.from) conds.push(sql<SqlBool>`p.planned_at >= (${q.from}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (q.to) conds.push(sql<SqlBool>`p.planned_at < (${q.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (q.status) conds.push(sql<SqlBool>`p.status = ${q.status}`);
  const where = conds.length ? sql<SqlBool>`${sql.join(conds, sql` AND `)}` : sql<SqlBool>`true`;
  const offset = (q.page - 1) * q.pageSize;
  const rows = await pushRows(db, tenantId, where, q.pageSize, offset);
  let total = rows[0]?.total ?? 0;
  if (!rows[0] && offset > 0) {
    const res = await sql<{ n: number }>`SELECT count(*) AS n FROM push p WHERE p.tenant_id = ${tenantId} AND ${where}`.execute(db);
    total = Number(res.rows[0]?.n ?? 0);
  }
  return { items: rows.map(summaryView), total };
}

async function loadPush(db: Executor, tenantId: string, pushId: string): Promise<PushRow> {
  const [row] = await pushRows(db, tenantId, sql<SqlBool>`p.id = ${pushId}`, 1, 0);
  if (!row) throw notFound('推送');
  return row;
}

async function detailOf(db: Executor, tenantId: string, row: PushRow): Promise<PushDetail> {
  const [positions, recipients] = await Promise.all([
    db.selectFrom('push_item').select(['item_id', 'position']).where('tenant_id', '=', tenantId).where('push_id', '=', row.id).orderBy('position').execute(),
    recipientRows(db, tenantId, row.id, RECIPIENTS_SHOWN),
  ]);
  const items = await getStudyItemSummaries(db, tenantId, positions.map((p) => p.item_id));
  const byId = new Map(items.map((i) => [i.id, i]));
  return {
    ...summaryView(row),
    items: positions.flatMap((p) => {
      const item = byId.get(p.item_id);
      if (!item) return [];
      const { orgPath: _p, ...summary } = item;
      return [summary];
    }),
    memberIds: row.audience_member_ids,
    recipients: recipients.map((r) => ({
      memberId: r.member_id,
      name: r.name,
      orgName: r.org_name,
      mobile: Boolean(r.mobile),
      openedAt: r.opened_at ? new Date(r.opened_at).toISOString() : null,
      readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
      remindedAt: r.reminded_at ? new Date(r.reminded_at).toISOString() : null,
    })),
  };
}

export async function getPush(db: Database, ctx: RequestContext, pushId: string): Promise<PushDetail> {
  const { actor } = ctx;
  const row = await loadPush(db, actor.tenantId, pushId);
  authorize(actor, 'learning.manage', { kind: 'org', tenantId: actor.tenantId, path: row.org_path });
  return detailOf(db, actor.tenantId, row);
}

interface PlanFields {
  orgPath: string;
  itemIds: string[];
  audience: PushAudience;
  memberIds: string[];
}

/**
 * A plan's items must be readable by its audience (items of the push's unit or a unit above it,
 * still in the library) and a list audience must lie inside the unit's subtree.
 */
async function checkPlan(db: Executor, tenantId: string, plan: PlanFields): Promise<{ memberIds: string[] }> {
  const issues: FieldIssue[] = [];
  if (new Set(plan.itemIds).size !== plan.itemIds.length) issues.push({ field: 'itemIds', message: '同一篇学习内容选了两次' });
  const items = await getStudyItemSummaries(db, tenantId, plan.itemIds);
  const found = new Map(items.map((i) => [i.id, i]));
  for (const id of new Set(plan.itemIds)) {
    const item = found.get(id);
    if (!item) issues.push({ field: 'itemIds', message: '所选学习内容不存在' });
    else if (item.retired) issues.push({ field: 'itemIds', message: `「${item.title}」已下架，不能推送` });
    else if (!plan.orgPath.startsWith(item.orgPath)) {
      issues.push({ field: 'itemIds', message: `「${item.title}」属于${item.orgName}，本单位的党员看不到，不能推送（只能推送本单位或上级单位的学习内容）` });
    }
  }
  let memberIds: string[] = [];
  if (plan.audience === 'list') {
    memberIds = [...new Set(plan.memberIds)];
    if (memberIds.length === 0) issues.push({ field: 'memberIds', message: '指定党员推送时请至少选择一名党员' });
    else {
      const inside = await db
        .selectFrom('member as m')
        .select('m.id')
        .where(audienceCondition(tenantId, plan.orgPath, 'list', memberIds))
        .execute();
      const outside = memberIds.length - inside.length;
      if (outside > 0) issues.push({ field: 'memberIds', message: `有 ${outside} 名党员不在本单位范围内（或已离开），不能推送给他们` });
    }
  }
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  return { memberIds };
}

const auditShape = (p: { title: string; planned_at: Date | string; audience: string; audience_member_ids: string[]; status: string }, itemIds: string[]) => ({
  title: p.title,
  plannedAt: new Date(p.planned_at).toISOString(),
  audience: p.audience,
  memberCount: p.audience_member_ids.length,
  itemIds,
  status: p.status,
});

async function writeItems(tx: Executor, tenantId: string, pushId: string, itemIds: string[]): Promise<void> {
  await tx.deleteFrom('push_item').where('tenant_id', '=', tenantId).where('push_id', '=', pushId).execute();
  await tx
    .insertInto('push_item')
    .values(itemIds.map((item_id, position) => ({ tenant_id: tenantId, push_id: pushId, item_id, position })))
    .execute();
}

/** Plans a push. A time in the past is delivered by the scheduler's next run (within 15 s). */
export async function createPush(db: Database, ctx: RequestContext, input: PushInput): Promise<PushDetail> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const org = await getOrg(db, tenantId, input.orgId);
  authorize(actor, 'learning.manage', { kind: 'org', tenantId, path: org.path });
  if (org.retired_at) throw new AppError('validation_failed', '该组织已撤销，不能推送', [{ field: 'orgId', message: '组织已撤销' }]);
  const { memberIds } = await checkPlan(db, tenantId, { orgPath: org.path, itemIds: input.itemIds, audience: input.audience, memberIds: input.memberIds });
  return db.transaction().execute(async (tx) => {
    const push = await tx
      .insertInto('push')
      .values({
        tenant_id: tenantId,
        org_id: org.id,
        title: input.title,
        planned_at: new Date(input.plannedAt),
        audience: input.audience,
        audience_member_ids: memberIds,
        created_by: actor.accountId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeItems(tx, tenantId, push.id, input.itemIds);
    await recordAudit(tx, ctx, { tenantId, action: 'push.create', entity: 'push', entityId: push.id, after: auditShape(push, input.itemIds) });
    return detailOf(tx, tenantId, await loadPush(tx, tenantId, push.id));
  });
}

/**
 * Locks a planned push for a change. The delivery job claims pushes with SKIP LOCKED, so a change
 * and a delivery never overlap: whichever comes second sees the other's result.
 */
async function lockPlanned(tx: Executor, ctx: RequestContext, pushId: string, verb: string) {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const row = await tx.selectFrom('push').selectAll().where('tenant_id', '=', tenantId).where('id', '=', pushId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('推送');
  const org = await getOrg(tx, tenantId, row.org_id);
  authorize(actor, 'learning.manage', { kind: 'org', tenantId, path: org.path });
  if (row.status === 'delivered') throw new AppError('conflict', `推送已送达，不能${verb}`);
  if (row.status === 'cancelled') throw new AppError('conflict', `推送已取消，不能${verb}`);
  const items = await tx.selectFrom('push_item').select('item_id').where('tenant_id', '=', tenantId).where('push_id', '=', pushId).orderBy('position').execute();
  return { row, orgPath: org.path, itemIds: items.map((i) => i.item_id) };
}

export async function updatePush(db: Database, ctx: RequestContext, pushId: string, patch: PushPatchInput): Promise<PushDetail> {
  const tenantId = ctx.actor.tenantId;
  return db.transaction().execute(async (tx) => {
    const { row, orgPath, itemIds } = await lockPlanned(tx, ctx, pushId, '修改');
    const audience = patch.audience ?? row.audience;
    const nextItemIds = patch.itemIds ?? itemIds;
    const { memberIds } = await checkPlan(tx, tenantId, {
      orgPath,
      itemIds: nextItemIds,
      audience,
      memberIds: patch.memberIds ?? (audience === row.audience ? row.audience_member_ids : []),
    });
    const after = await tx
      .updateTable('push')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.plannedAt !== undefined ? { planned_at: new Date(patch.plannedAt) } : {}),
        audience,
        audience_member_ids: memberIds,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', pushId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (patch.itemIds) await writeItems(tx, tenantId, pushId, nextItemIds);
    await recordAudit(tx, ctx, { tenantId, action: 'push.update', entity: 'push', entityId: pushId, before: auditShape(row, itemIds), after: auditShape(after, nextItemIds) });
    return detailOf(tx, tenantId, await loadPush(tx, tenantId, pushId));
  });
}

export async function cancelPush(db: Database, ctx: RequestContext, pushId: string): Promise<PushDetail> {
  const tenantId = ctx.actor.tenantId;
  return db.transaction().execute(async (tx) => {
    const { row, itemIds } = await lockPlanned(tx, ctx, pushId, '取消');
    const after = await tx.updateTable('push').set({ status: 'cancelled' }).where('tenant_id', '=', tenantId).where('id', '=', pushId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId, action: 'push.cancel', entity: 'push', entityId: pushId, before: auditShape(row, itemIds), after: auditShape(after, itemIds) });
    return detailOf(tx, tenantId, await loadPush(tx, tenantId, pushId));
  });
}

// ---------- delivery and reminders (scheduled) ----------

/**
 * Delivers every planned push that is due at `now`, one transaction per push: claim it (FOR UPDATE
 * SKIP LOCKED, so two servers or two runs split the work), write one inbox entry per audience member
 * in ONE statement (the rollup trigger on push_delivery then runs once), mark it delivered. The
 * (push, member) key makes a repeat harmless. A push planned while the server was down is simply
 * due at the first run. Returns how many pushes were delivered.
 */
export async function deliverDuePushes(db: Database, now: Date): Promise<number> {
  let delivered = 0;
  const failed: string[] = [];
  let lastError: unknown = null;
  for (;;) {
    let claimed: string | null = null;
    let claimedId: string | null = null;
    try {
      claimed = await db.transaction().execute(async (tx) => {
        const res = await sql<{ tenant_id: string; id: string; title: string; audience: PushAudience; audience_member_ids: string[]; path: string }>`
          SELECT p.tenant_id, p.id, p.title, p.audience, p.audience_member_ids, o.path
          FROM push p JOIN org o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
          WHERE p.status = 'planned' AND p.planned_at <= ${now} AND NOT (p.id = ANY(${failed}::uuid[]))
          ORDER BY p.planned_at, p.id
          LIMIT 1
          FOR UPDATE OF p SKIP LOCKED
        `.execute(tx);
        const push = res.rows[0];
        if (!push) return null;
        claimedId = push.id;
        await sql`
          INSERT INTO push_delivery (tenant_id, push_id, member_id, delivered_at)
          SELECT m.tenant_id, ${push.id}::uuid, m.id, ${now}::timestamptz
          FROM member m
          WHERE ${audienceCondition(push.tenant_id, push.path, push.audience, push.audience_member_ids)}
          ON CONFLICT DO NOTHING
        `.execute(tx);
        await sql`
          UPDATE push SET status = 'delivered', delivered_at = ${now}::timestamptz,
            delivered_count = (SELECT count(*) FROM push_delivery d WHERE d.tenant_id = ${push.tenant_id} AND d.push_id = ${push.id})
          WHERE tenant_id = ${push.tenant_id} AND id = ${push.id}
        `.execute(tx);
        // Its members hear of it (Web Push, SMS, their groups' robots) exactly when it is delivered.
        await noticePushDelivered(tx, push.tenant_id, push.id, push.title, now);
        return push.id;
      });
    } catch (err) {
      // One broken push must not hold back the others: skip it for this run, report at the end.
      if (!claimedId) throw err;
      failed.push(claimedId);
      lastError = err;
      continue;
    }
    if (!claimed) break;
    delivered++;
  }
  if (lastError) {
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    throw new Error(`delivered ${delivered} pushes; ${failed.length} failed (${failed.join(', ')}): ${message}`);
  }
  return delivered;
}

/**
 * Marks deliveries still unread after the tenant's reminder time as reminded, once: the member app
 * shows them as reminders. One UPDATE per tenant; a second run finds nothing left to mark.
 */
export async function remindUnread(db: Database, now: Date): Promise<number> {
  const tenants = await db.selectFrom('tenant').select('id').execute();
  let reminded = 0;
  for (const t of tenants) {
    const { pushReminderHours } = await getSettings(db, t.id);
    const res = await sql`
      UPDATE push_delivery SET reminded_at = ${now}::timestamptz
      WHERE tenant_id = ${t.id} AND read_at IS NULL AND reminded_at IS NULL
        AND delivered_at <= ${now}::timestamptz - make_interval(hours => ${pushReminderHours}::int)
    `.execute(db);
    reminded += Number(res.numAffectedRows ?? 0);
  }
  return reminded;
}

// ---------- the member's inbox ----------

export async function listInbox(db: Database, ctx: RequestContext, q: { page: number; pageSize: number }): Promise<{ items: InboxEntry[]; total: number; unread: number }> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const offset = (q.page - 1) * q.pageSize;
  const rows = await inboxRows(db, tenantId, memberId, { limit: q.pageSize, offset, withTotals: true });
  const counts = rows[0] ? { total: rows[0].total, unread: rows[0].unread } : offset > 0 ? await inboxCounts(db, tenantId, memberId) : { total: 0, unread: 0 };
  return { items: rows.map(inboxEntryView), ...counts };
}

/** The member app's "today": pushes delivered today (Asia/Shanghai) and older ones still unread, newest first, at most 5. */
export async function listTodayPushes(db: Database, ctx: RequestContext): Promise<InboxEntry[]> {
  const memberId = requireMember(ctx);
  const rows = await inboxRows(db, ctx.actor.tenantId, memberId, {
    where: sql<SqlBool>`(d.delivered_at >= ${shanghaiTodayStart} OR d.read_at IS NULL)`,
    limit: 5,
  });
  return rows.map(inboxEntryView);
}

async function inboxEntry(db: Executor, tenantId: string, memberId: string, pushId: string): Promise<InboxEntry> {
  const [row] = await inboxRows(db, tenantId, memberId, { where: sql<SqlBool>`d.push_id = ${pushId}`, limit: 1 });
  if (!row) throw notFound('推送');
  return inboxEntryView(row);
}

async function touchMember(tx: Executor, tenantId: string, memberId: string): Promise<void> {
  await tx.updateTable('member').set({ last_active_at: sqlNow }).where('tenant_id', '=', tenantId).where('id', '=', memberId).execute();
}

/**
 * The member opens a push from their inbox: opened_at is set the first time only. A push not in
 * their inbox is "not found" (inboxEntry), which rolls the member's activity mark back too.
 */
export async function openInboxEntry(db: Database, ctx: RequestContext, pushId: string): Promise<InboxEntry> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  return db.transaction().execute(async (tx) => {
    await tx
      .updateTable('push_delivery')
      .set({ opened_at: sqlNow })
      .where('tenant_id', '=', tenantId)
      .where('push_id', '=', pushId)
      .where('member_id', '=', memberId)
      .where('opened_at', 'is', null)
      .execute();
    await touchMember(tx, tenantId, memberId);
    return inboxEntry(tx, tenantId, memberId, pushId);
  });
}

/**
 * Reading progress on one item of a push. The item counts as read when the member reached its end
 * or stayed the tenant's minimum time; when every item of the push (still in the library) is read,
 * the push is read (read_at, once).
 */
export async function recordReadProgress(
  db: Database,
  ctx: RequestContext,
  pushId: string,
  body: { itemId: string; seconds: number; reachedEnd: boolean },
): Promise<InboxEntry> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const { readMinSeconds } = await getSettings(db, tenantId);
  return db.transaction().execute(async (tx) => {
    const res = await sql<{ read_item_ids: string[]; read_at: Date | null; opened_at: Date | null; item_ids: string[] }>`
      SELECT d.read_item_ids, d.read_at, d.opened_at,
        ARRAY(SELECT pi.item_id FROM push_item pi JOIN study_item si ON si.tenant_id = pi.tenant_id AND si.id = pi.item_id
               WHERE pi.tenant_id = d.tenant_id AND pi.push_id = d.push_id AND si.retired_at IS NULL) AS item_ids
      FROM push_delivery d
      WHERE d.tenant_id = ${tenantId} AND d.push_id = ${pushId} AND d.member_id = ${memberId}
      FOR UPDATE OF d
    `.execute(tx);
    const d = res.rows[0];
    if (!d) throw notFound('推送');
    if (!d.item_ids.includes(body.itemId)) throw new AppError('not_found', '这条推送中没有该学习内容', [{ field: 'itemId', message: '不在这条推送中' }]);
    const counts = body.reachedEnd || body.seconds >= readMinSeconds;
    const readIds = counts && !d.read_item_ids.includes(body.itemId) ? [...d.read_item_ids, body.itemId] : d.read_item_ids;
    const complete = d.item_ids.every((id) => readIds.includes(id));
    const changed = readIds !== d.read_item_ids || d.opened_at === null || (complete && d.read_at === null);
    if (changed) {
      await tx
        .updateTable('push_delivery')
        .set({
          read_item_ids: readIds,
          opened_at: sql<Date>`COALESCE(opened_at, lianxin_now())`,
          ...(complete && d.read_at === null ? { read_at: sqlNow } : {}),
        })
        .where('tenant_id', '=', tenantId)
        .where('push_id', '=', pushId)
        .where('member_id', '=', memberId)
        .execute();
    }
    await touchMember(tx, tenantId, memberId);
    return inboxEntry(tx, tenantId, memberId, pushId);
  });
}
