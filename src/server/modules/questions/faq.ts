import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg, listSubtrees, requireMember } from '../../directory/index.ts';
import type { FaqEntry, FaqInput, FaqList, FaqPatch, FaqQuery, MemberFaq } from '../../../shared/api-questions.ts';

type FaqInputData = z.output<typeof FaqInput>;
type FaqPatchData = z.output<typeof FaqPatch>;
type FaqQueryData = z.output<typeof FaqQuery>;

/**
 * The unit's FAQ (常见问答): entries made from answered questions the asker allowed to publish, their
 * texts the secretary's edited copies. The asker is never part of an entry: its texts may not hold the
 * asker's name or phone number, and the member app's FAQ shows only the texts and the unit.
 */

function faqQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('faq_entry as f')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'f.tenant_id').onRef('o.id', '=', 'f.org_id'))
    .select(['f.id', 'f.org_id', 'o.name as org_name', 'o.path as org_path', 'f.question_text', 'f.answer_text', 'f.source_question_id', 'f.published_at', 'f.sort_order', 'f.updated_at'])
    .where('f.tenant_id', '=', tenantId);
}
type FaqRow = Awaited<ReturnType<ReturnType<typeof faqQuery>['executeTakeFirstOrThrow']>>;

const present = (r: FaqRow): FaqEntry => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  question: r.question_text,
  answer: r.answer_text,
  sourceQuestionId: r.source_question_id,
  publishedAt: r.published_at?.toISOString() ?? null,
  sortOrder: r.sort_order,
  updatedAt: r.updated_at.toISOString(),
});

const orgTarget = (tenantId: string, path: string) => ({ kind: 'org' as const, tenantId, path });

async function loadEntry(db: Executor, ctx: RequestContext, id: string): Promise<FaqRow> {
  const row = await faqQuery(db, ctx.actor.tenantId).where('f.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('问答');
  authorize(ctx.actor, 'community.manage', orgTarget(ctx.actor.tenantId, row.org_path));
  return row;
}

/** The texts may not name the asker: their name or their phone number is refused, field by field. */
async function checkNoAsker(db: Executor, tenantId: string, questionId: string | null, texts: { question?: string; answer?: string }): Promise<void> {
  if (!questionId) return;
  const asker = await db
    .selectFrom('question as q')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'q.tenant_id').onRef('m.id', '=', 'q.member_id'))
    .select(['m.name', 'm.phone'])
    .where('q.tenant_id', '=', tenantId)
    .where('q.id', '=', questionId)
    .executeTakeFirst();
  if (!asker) return;
  const issues: FieldIssue[] = [];
  for (const field of ['question', 'answer'] as const) {
    const text = texts[field];
    if (text && ((asker.name.length >= 2 && text.includes(asker.name)) || text.includes(asker.phone))) {
      issues.push({ field, message: '问答内容不能包含提问人的姓名或电话，请删去个人信息' });
    }
  }
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** The FAQ entries of the caller's units (community.manage), or of one unit's subtree; drafts too. */
export async function listFaq(db: Database, ctx: RequestContext, query: FaqQueryData): Promise<FaqList> {
  const paths = await listSubtrees(db, ctx, 'community.manage', query.orgId);
  let q = faqQuery(db, ctx.actor.tenantId);
  if (paths !== 'all') q = q.where((eb) => eb.or(paths.map((p) => eb('o.path', 'like', `${p}%`))));
  const rows = await q.orderBy('o.path').orderBy('f.sort_order').orderBy('f.created_at').limit(500).execute();
  return { items: rows.map(present) };
}

/**
 * An FAQ entry of the question's branch, from an answered question its asker allowed to publish;
 * a draft until published.
 */
export async function createFaq(db: Database, ctx: RequestContext, input: FaqInputData): Promise<FaqEntry> {
  const { actor } = ctx;
  const q = await db
    .selectFrom('question as q')
    .innerJoin('org as b', (j) => j.onRef('b.tenant_id', '=', 'q.tenant_id').onRef('b.id', '=', 'q.branch_org_id'))
    .select(['q.id', 'q.status', 'q.publishable', 'q.branch_org_id', 'b.path'])
    .where('q.tenant_id', '=', actor.tenantId)
    .where('q.id', '=', input.questionId)
    .executeTakeFirst();
  if (!q) throw notFound('提问');
  authorize(actor, 'community.manage', orgTarget(actor.tenantId, q.path));
  if (!q.publishable) throw new AppError('validation_failed', '提问人没有同意公开这个问题', [{ field: 'questionId', message: '提问人没有同意公开这个问题' }]);
  if (q.status !== 'answered') throw new AppError('validation_failed', '问题还没有回复，不能加入常见问答', [{ field: 'questionId', message: '问题还没有回复，不能加入常见问答' }]);
  await checkNoAsker(db, actor.tenantId, q.id, input);
  const id = await db.transaction().execute(async (tx) => {
    const next = await tx
      .selectFrom('faq_entry')
      .select((eb) => eb.fn.coalesce(eb.fn.max('sort_order'), eb.lit(-1)).as('max'))
      .where('tenant_id', '=', actor.tenantId)
      .where('org_id', '=', q.branch_org_id)
      .executeTakeFirstOrThrow();
    const row = await tx
      .insertInto('faq_entry')
      .values({
        tenant_id: actor.tenantId,
        org_id: q.branch_org_id,
        question_text: input.question,
        answer_text: input.answer,
        source_question_id: q.id,
        sort_order: Number(next.max) + 1,
        created_by: actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'faq.create', entity: 'faq_entry', entityId: row.id, after: { orgId: q.branch_org_id, sourceQuestionId: q.id } });
    return row.id;
  });
  return present(await faqQuery(db, actor.tenantId).where('f.id', '=', id).executeTakeFirstOrThrow());
}

export async function updateFaq(db: Database, ctx: RequestContext, id: string, patch: FaqPatchData): Promise<FaqEntry> {
  const { actor } = ctx;
  const row = await loadEntry(db, ctx, id);
  await checkNoAsker(db, actor.tenantId, row.source_question_id, patch);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('faq_entry')
      .set({
        ...(patch.question !== undefined ? { question_text: patch.question } : {}),
        ...(patch.answer !== undefined ? { answer_text: patch.answer } : {}),
        ...(patch.sortOrder !== undefined ? { sort_order: patch.sortOrder } : {}),
        updated_at: clock.now(),
      })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'faq.update',
      entity: 'faq_entry',
      entityId: id,
      before: { question: row.question_text, answer: row.answer_text, sortOrder: row.sort_order },
      after: patch,
    });
  });
  return present(await faqQuery(db, actor.tenantId).where('f.id', '=', id).executeTakeFirstOrThrow());
}

/** Publishes (members of the unit and below read it) or takes back an entry. */
export async function setFaqPublished(db: Database, ctx: RequestContext, id: string, published: boolean): Promise<FaqEntry> {
  const { actor } = ctx;
  const row = await loadEntry(db, ctx, id);
  if ((row.published_at !== null) !== published) {
    await db.transaction().execute(async (tx) => {
      const now = clock.now();
      await tx.updateTable('faq_entry').set({ published_at: published ? now : null, updated_at: now }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: published ? 'faq.publish' : 'faq.unpublish', entity: 'faq_entry', entityId: id });
    });
  }
  return present(await faqQuery(db, actor.tenantId).where('f.id', '=', id).executeTakeFirstOrThrow());
}

export async function deleteFaq(db: Database, ctx: RequestContext, id: string): Promise<{ ok: true }> {
  const { actor } = ctx;
  const row = await loadEntry(db, ctx, id);
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('faq_entry').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'faq.delete', entity: 'faq_entry', entityId: id, before: { orgId: row.org_id, question: row.question_text } });
  });
  return { ok: true };
}

/** The published FAQ of the member's unit and every unit above it, the nearest unit first. */
export async function memberFaq(db: Database, ctx: RequestContext): Promise<MemberFaq> {
  const memberId = requireMember(ctx);
  const me = await db.selectFrom('member').select('org_id').where('tenant_id', '=', ctx.actor.tenantId).where('id', '=', memberId).executeTakeFirstOrThrow();
  const unit = await getOrg(db, ctx.actor.tenantId, me.org_id);
  const ids = unit.path.split('/').filter(Boolean);
  const rows = await faqQuery(db, ctx.actor.tenantId)
    .where('f.org_id', 'in', ids)
    .where('f.published_at', 'is not', null)
    .orderBy('o.path', 'desc')
    .orderBy('f.sort_order')
    .orderBy('f.created_at')
    .execute();
  return { items: rows.map((r) => ({ id: r.id, orgName: r.org_name, question: r.question_text, answer: r.answer_text })) };
}
