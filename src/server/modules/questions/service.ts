import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorizeList, can, type ListScope, type Target } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg, requireMember } from '../../directory/index.ts';
import { enqueueNotice, type NoticeSource } from '../notify/index.ts';
import { getSettings } from '../settings/index.ts';
import type {
  AnswerBody,
  AskQuestionBody,
  MenteeQuestionList,
  MyQuestion,
  MyQuestionList,
  OverdueQuestions,
  Question,
  QuestionList,
  QuestionQuery,
} from '../../../shared/api-questions.ts';
import { dueDay } from './due.ts';
import { answersOf, inQuestionScope, overdueSql, presentQuestion, questionQuery, type QuestionRow } from './repo.ts';

type AskData = z.output<typeof AskQuestionBody>;
type AnswerData = z.output<typeof AnswerBody>;
type QueryData = z.output<typeof QuestionQuery>;

const memberTarget = (tenantId: string, memberId: string, orgPath: string): Target => ({ kind: 'member', tenantId, memberId, orgPath });

/**
 * The branch a question goes to: the nearest unit of kind 'branch' at or above the member's unit;
 * a member sitting above every branch (in a general branch itself) asks their own unit.
 */
async function branchOf(db: Executor, tenantId: string, unitPath: string, unitId: string): Promise<{ id: string; name: string }> {
  const ids = unitPath.split('/').filter(Boolean);
  const rows = await db.selectFrom('org').select(['id', 'name', 'kind', 'path']).where('tenant_id', '=', tenantId).where('id', 'in', ids).where('kind', '=', 'branch').execute();
  const nearest = rows.sort((a, b) => b.path.length - a.path.length)[0];
  if (nearest) return { id: nearest.id, name: nearest.name };
  const own = await getOrg(db, tenantId, unitId);
  return { id: own.id, name: own.name };
}

// ---------- the member: ask, read one's own, mark an answer seen ----------

/**
 * A member asks their branch. It goes to the secretaries of the branch at or above their unit and to
 * their current mentor, if any, as of now; due in the tenant's working days (settings.questionAnswerDays, 3 by default). One transaction with the audit.
 * The route is idempotent: the phone's queue resending it makes one question.
 */
export async function askQuestion(db: Database, ctx: RequestContext, input: AskData): Promise<MyQuestion> {
  const { actor } = ctx;
  const memberId = requireMember(ctx);
  const me = await db
    .selectFrom('member as m')
    .leftJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.org_id', 'm.left_at', 'o.path as org_path', 'o.retired_at'])
    .where('m.tenant_id', '=', actor.tenantId)
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  if (!me || me.left_at) throw notFound('党员');
  if (!me.org_path || me.retired_at) throw new AppError('not_found', '您所在的组织已不存在，请联系支部书记更新您的组织关系');
  const branch = await branchOf(db, actor.tenantId, me.org_path, me.org_id);
  const mentor = await db
    .selectFrom('mentorship')
    .select('mentor_member_id')
    .where('tenant_id', '=', actor.tenantId)
    .where('member_id', '=', memberId)
    .where('ended_on', 'is', null)
    .executeTakeFirst();
  const { questionAnswerDays } = await getSettings(db, actor.tenantId);
  const askedAt = clock.now();
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('question')
      .values({
        tenant_id: actor.tenantId,
        member_id: memberId,
        org_id: me.org_id,
        branch_org_id: branch.id,
        mentor_member_id: mentor?.mentor_member_id ?? null,
        title: input.title ? input.title : null,
        body: input.body,
        publishable: input.publishable,
        asked_at: askedAt,
        due_on: dueDay(shanghaiDate(askedAt), questionAnswerDays),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'question.ask',
      entity: 'question',
      entityId: row.id,
      after: { branchOrgId: branch.id, mentorMemberId: mentor?.mentor_member_id ?? null, publishable: input.publishable },
    });
    return row.id;
  });
  return myQuestion(db, ctx, id);
}

function presentMine(r: QuestionRow, answers: Question['answers']): MyQuestion {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    publishable: r.publishable,
    askedAt: r.asked_at.toISOString(),
    dueOn: r.due_on,
    status: r.status,
    overdue: r.overdue,
    answeredAt: r.answered_at?.toISOString() ?? null,
    answerUnseen: r.answered_at !== null && r.answer_seen_at === null,
    branchName: r.branch_name,
    mentorName: r.mentor_name,
    answers,
  };
}

/** One's own questions, newest first, with their answers and how many answers wait unseen. */
export async function myQuestions(db: Database, ctx: RequestContext): Promise<MyQuestionList> {
  const memberId = requireMember(ctx);
  const rows = await questionQuery(db, ctx.actor.tenantId).where('q.member_id', '=', memberId).orderBy('q.asked_at', 'desc').limit(200).execute();
  const answers = await answersOf(db, ctx.actor.tenantId, rows.map((r) => r.id));
  const items = rows.map((r) => presentMine(r, answers.get(r.id) ?? []));
  return { items, unseenAnswers: items.filter((q) => q.answerUnseen).length };
}

async function ownRow(db: Executor, ctx: RequestContext, id: string): Promise<QuestionRow> {
  const memberId = requireMember(ctx);
  const row = await questionQuery(db, ctx.actor.tenantId).where('q.id', '=', id).executeTakeFirst();
  // someone else's question is as absent as one that does not exist
  if (!row || row.member_id !== memberId) throw notFound('提问');
  return row;
}

export async function myQuestion(db: Database, ctx: RequestContext, id: string): Promise<MyQuestion> {
  const row = await ownRow(db, ctx, id);
  const answers = await answersOf(db, ctx.actor.tenantId, [id]);
  return presentMine(row, answers.get(id) ?? []);
}

/** The member opened the answers: nothing waits unseen until the next answer. */
export async function markAnswerSeen(db: Database, ctx: RequestContext, id: string): Promise<MyQuestion> {
  const row = await ownRow(db, ctx, id);
  if (row.answered_at && !row.answer_seen_at) {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('question').set({ answer_seen_at: clock.now() }).where('tenant_id', '=', ctx.actor.tenantId).where('id', '=', id).execute();
      await recordAudit(tx, ctx, { tenantId: ctx.actor.tenantId, action: 'question.seen', entity: 'question', entityId: id });
    });
  }
  return myQuestion(db, ctx, id);
}

/** Whether the member has opened the latest answer (the outbox cancels a waiting SMS once they have). */
export const questionNoticeSource: NoticeSource = {
  async seen(db, tenantId, questionId, memberIds) {
    const q = await db.selectFrom('question').select(['member_id', 'answer_seen_at']).where('tenant_id', '=', tenantId).where('id', '=', questionId).executeTakeFirst();
    if (!q || q.answer_seen_at) return new Set(memberIds);
    return new Set();
  },
};

// ---------- those who answer: list, one, answer ----------

async function loadForAnswerer(db: Executor, ctx: RequestContext, id: string): Promise<QuestionRow> {
  const { actor } = ctx;
  const row = await questionQuery(db, actor.tenantId).where('q.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('提问');
  if (!answersQuestion(actor, row)) throw forbidden();
  return row;
}

/**
 * Whether the actor answers this question: the mentor it was routed to when asked, or whoever
 * `question.answer` grants on the asker without counting mentees (a secretary above the asker's
 * unit, the admin). A mentee's later mentor does not read what was sent to the one before.
 */
function answersQuestion(actor: RequestContext['actor'], row: QuestionRow): boolean {
  if (actor.memberId && row.mentor_member_id === actor.memberId) return true;
  return can({ ...actor, menteeIds: [] }, 'question.answer', memberTarget(actor.tenantId, row.member_id, row.org_path));
}

/**
 * Questions of the caller's scope for `question.answer`: the secretaries' subtrees (by the asker's
 * unit when asking) and the mentor's mentees; a unit narrows it to that unit's subtree, which must
 * lie inside the scope. Overdue first, then the oldest due day; answered ones newest first.
 */
export async function listQuestions(db: Database, ctx: RequestContext, query: QueryData): Promise<QuestionList> {
  const { actor } = ctx;
  const scope = authorizeList(actor, 'question.answer');
  let q = questionQuery(db, actor.tenantId).where(inQuestionScope(actor.tenantId, scope, actor.memberId));
  if (query.orgId) {
    const unit = await getOrg(db, actor.tenantId, query.orgId);
    if (!scope.all && !scope.paths.some((p) => unit.path.startsWith(p))) throw forbidden();
    q = q.where('o.path', 'like', `${unit.path}%`);
  }
  if (query.publishable !== undefined) q = q.where('q.publishable', '=', query.publishable);
  const filtered = q;
  if (query.status === 'open') q = q.where('q.status', '=', 'open');
  if (query.status === 'answered') q = q.where('q.status', '=', 'answered');
  if (query.status === 'overdue') q = q.where(overdueSql);
  const [rows, total, overdue] = await Promise.all([
    q
      .orderBy(sql`CASE WHEN q.status = 'open' THEN 0 ELSE 1 END`)
      .orderBy(sql`CASE WHEN q.status = 'open' THEN q.due_on END`)
      .orderBy('q.asked_at', 'desc')
      .orderBy('q.id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    filtered.clearSelect().where(overdueSql).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const answers = await answersOf(db, actor.tenantId, rows.map((r) => r.id));
  return { items: rows.map((r) => presentQuestion(r, answers.get(r.id) ?? [])), total: total.n, overdue: overdue.n };
}

/**
 * The questions routed to the caller as a mentor (the member app's 待我回答): those their mentees
 * sent them when asking, not what a mentee once sent another mentor. Open first, then the latest answered.
 */
export async function menteeQuestions(db: Database, ctx: RequestContext): Promise<MenteeQuestionList> {
  const { actor } = ctx;
  const memberId = requireMember(ctx);
  const scope: ListScope = { all: false, paths: [], memberIds: [] };
  const rows = await questionQuery(db, actor.tenantId)
    .where(inQuestionScope(actor.tenantId, scope, memberId))
    .orderBy(sql`CASE WHEN q.status = 'open' THEN 0 ELSE 1 END`)
    .orderBy('q.asked_at', 'desc')
    .limit(100)
    .execute();
  const answers = await answersOf(db, actor.tenantId, rows.map((r) => r.id));
  return { items: rows.map((r) => presentQuestion(r, answers.get(r.id) ?? [])) };
}

export async function viewQuestion(db: Database, ctx: RequestContext, id: string): Promise<Question> {
  const row = await loadForAnswerer(db, ctx, id);
  const answers = await answersOf(db, ctx.actor.tenantId, [id]);
  return presentQuestion(row, answers.get(id) ?? []);
}

/**
 * Answers a question (or adds to its answers): the asker's mentor or a secretary above them. The
 * first answer closes it; every answer waits unseen for the asker, who hears of it through the
 * outbox (question.answered, opening /m/questions/<id>). One transaction with the audit.
 */
export async function answerQuestion(db: Database, ctx: RequestContext, id: string, input: AnswerData): Promise<Question> {
  const { actor } = ctx;
  const row = await loadForAnswerer(db, ctx, id);
  const secretary = actor.isTenantAdmin || actor.scopes.some((s) => s.role === 'secretary' && row.org_path.startsWith(s.path));
  const role = secretary ? 'secretary' : 'mentor';
  const self = actor.memberId
    ? await db.selectFrom('member').select('name').where('tenant_id', '=', actor.tenantId).where('id', '=', actor.memberId).executeTakeFirst()
    : undefined;
  const now = clock.now();
  await db.transaction().execute(async (tx) => {
    const answer = await tx
      .insertInto('question_answer')
      .values({
        tenant_id: actor.tenantId,
        question_id: id,
        account_id: actor.accountId,
        answerer_member_id: actor.memberId,
        answerer_name: self?.name ?? actor.displayName,
        answerer_role: role,
        body: input.body,
        answered_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('question')
      .set({ status: 'answered', answered_at: sql`COALESCE(answered_at, ${now}::timestamptz)`, answer_seen_at: null })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    await enqueueNotice(
      tx,
      { tenantId: actor.tenantId, sourceKind: 'question.answered', sourceId: id, title: '您的提问有了回复', path: `questions/${id}` },
      [row.member_id],
      { personal: true, now },
    );
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'question.answer', entity: 'question', entityId: id, after: { answerId: answer.id, role } });
  });
  return viewQuestion(db, ctx, id);
}

// ---------- the dashboard ----------

/** Overdue questions asked in these subtrees: how many, and the oldest few (by due day). */
export async function overdueQuestions(db: Executor, tenantId: string, paths: string[], limit = 5): Promise<OverdueQuestions> {
  const base = questionQuery(db, tenantId).where(inQuestionScope(tenantId, { all: false, paths, memberIds: [] }, null)).where(overdueSql);
  const [count, oldest] = await Promise.all([
    base.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    base.orderBy('q.due_on').orderBy('q.asked_at').limit(limit).execute(),
  ]);
  return {
    count: count.n,
    oldest: oldest.map((r) => ({ id: r.id, memberName: r.member_name, title: r.title ?? r.body.slice(0, 40), askedAt: r.asked_at.toISOString(), dueOn: r.due_on })),
  };
}
