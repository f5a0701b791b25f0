import type { z } from 'zod';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import type { ShareTopic, ShareTopicInput, ShareTopicList, ShareTopicPatch, ShareTopicQuery } from '../../../shared/api-shares.ts';
import { NOTHING_TO_CHANGE, namesAChange } from '../../../shared/primitives.ts';
import { recordAudit } from '../../audit-log.ts';
import { listSubtrees, unitFor } from '../../directory/index.ts';
import { pathIds } from './repo.ts';

/**
 * The month's topic (每月话题) of a unit: a secretary of the unit (community.manage) sets it with a
 * title, a description and a due day in that month, edits it, closes it (no new posts) or hides it
 * (members no longer see it, and no post may name it). Members of the unit and below see the topic
 * of the nearest unit above them that set one for this month.
 */

interface TopicRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  month: string;
  title: string;
  description: string;
  due_on: string;
  closed_at: Date | null;
  hidden_at: Date | null;
}

export const topicView = (t: TopicRow): ShareTopic => ({
  id: t.id,
  orgId: t.org_id,
  orgName: t.org_name,
  month: t.month,
  title: t.title,
  description: t.description,
  dueOn: t.due_on,
  closed: t.closed_at !== null,
  hidden: t.hidden_at !== null,
});

function topicQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('share_topic as t')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 't.tenant_id').onRef('o.id', '=', 't.org_id'))
    .select(['t.id', 't.org_id', 'o.name as org_name', 'o.path as org_path', 't.month', 't.title', 't.description', 't.due_on', 't.closed_at', 't.hidden_at'])
    .where('t.tenant_id', '=', tenantId);
}

/** This month's shown topic of the nearest unit at or above `path` that set one (the latest set, if several). */
export async function currentTopicFor(db: Executor, tenantId: string, path: string, month: string): Promise<ShareTopic | null> {
  const row = await topicQuery(db, tenantId)
    .where('t.org_id', 'in', pathIds(path))
    .where('t.month', '=', month)
    .where('t.hidden_at', 'is', null)
    .orderBy(sql`length(o.path)`, 'desc')
    .orderBy('t.created_at', 'desc')
    .executeTakeFirst();
  return row ? topicView(row) : null;
}

/** Topics of the units in the caller's scope (or of `orgId`'s subtree), newest month first. */
export async function listTopics(db: Database, ctx: RequestContext, q: z.output<typeof ShareTopicQuery>): Promise<ShareTopicList> {
  const subtrees = await listSubtrees(db, ctx, 'community.manage', q.orgId);
  let query = topicQuery(db, ctx.actor.tenantId);
  if (subtrees !== 'all') {
    if (subtrees.length === 0) return { items: [] };
    query = query.where((eb) => eb.or(subtrees.map((p) => eb('o.path', 'like', `${p}%`))));
  }
  if (q.month) query = query.where('t.month', '=', q.month);
  const rows = await query.orderBy('t.month', 'desc').orderBy('o.path').orderBy('t.created_at', 'desc').limit(500).execute();
  return { items: rows.map(topicView) };
}

function checkDueOn(month: string, dueOn: string): void {
  if (dueOn.slice(0, 7) !== month) throw new AppError('validation_failed', `截止日期应在 ${month} 月内`, [{ field: 'dueOn', message: `截止日期应在 ${month} 月内` }]);
}

async function loadTopic(db: Executor, ctx: RequestContext, topicId: string): Promise<TopicRow> {
  const row = await topicQuery(db, ctx.actor.tenantId).where('t.id', '=', topicId).executeTakeFirst();
  if (!row) throw notFound('话题');
  authorize(ctx.actor, 'community.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: row.org_path });
  return row;
}

export async function createTopic(db: Database, ctx: RequestContext, input: z.output<typeof ShareTopicInput>): Promise<ShareTopic> {
  const tenantId = ctx.actor.tenantId;
  await unitFor(db, ctx, 'community.manage', input.orgId);
  checkDueOn(input.month, input.dueOn);
  const id = await db.transaction().execute(async (tx) => {
    const now = clock.now();
    const row = await tx
      .insertInto('share_topic')
      .values({ tenant_id: tenantId, org_id: input.orgId, month: input.month, title: input.title, description: input.description, due_on: input.dueOn, created_by: ctx.actor.accountId, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId, action: 'share.topic.create', entity: 'share_topic', entityId: row.id, after: input });
    return row.id;
  });
  return topicView(await loadTopic(db, ctx, id));
}

export async function updateTopic(db: Database, ctx: RequestContext, topicId: string, patch: z.output<typeof ShareTopicPatch>): Promise<ShareTopic> {
  if (!namesAChange(patch)) throw new AppError('validation_failed', NOTHING_TO_CHANGE);
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const before = await loadTopic(tx, ctx, topicId);
    if (patch.dueOn !== undefined) checkDueOn(before.month, patch.dueOn);
    const now = clock.now();
    await tx
      .updateTable('share_topic')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.dueOn !== undefined ? { due_on: patch.dueOn } : {}),
        ...(patch.closed !== undefined ? { closed_at: patch.closed ? (before.closed_at ?? now) : null } : {}),
        ...(patch.hidden !== undefined ? { hidden_at: patch.hidden ? (before.hidden_at ?? now) : null } : {}),
        updated_at: now,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', topicId)
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'share.topic.update', entity: 'share_topic', entityId: topicId, before: topicView(before), after: patch });
  });
  return topicView(await loadTopic(db, ctx, topicId));
}
