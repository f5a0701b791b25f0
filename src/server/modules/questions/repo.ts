import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { shanghaiTodaySql } from '../../clock.ts';
import type { ListScope } from '../../auth/policy.ts';
import { inSubtrees } from '../../directory/index.ts';
import type { Question, QuestionAnswer } from '../../../shared/api-questions.ts';

/** An open question past its due day (China time): the one definition for lists, counts and the dashboard. */
export const overdueSql = sql<boolean>`(q.status = 'open' AND q.due_on < ${shanghaiTodaySql})`;

/** Questions (alias q) with the asker (m), their unit then (o), the branch (b) and the mentor then (mm). */
export function questionQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('question as q')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'q.tenant_id').onRef('m.id', '=', 'q.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'q.tenant_id').onRef('o.id', '=', 'q.org_id'))
    .innerJoin('org as b', (j) => j.onRef('b.tenant_id', '=', 'q.tenant_id').onRef('b.id', '=', 'q.branch_org_id'))
    .leftJoin('member as mm', (j) => j.onRef('mm.tenant_id', '=', 'q.tenant_id').onRef('mm.id', '=', 'q.mentor_member_id'))
    .where('q.tenant_id', '=', tenantId)
    .select([
      'q.id',
      'q.member_id',
      'q.org_id',
      'q.title',
      'q.body',
      'q.publishable',
      'q.asked_at',
      'q.due_on',
      'q.status',
      'q.answered_at',
      'q.answer_seen_at',
      'q.mentor_member_id',
      'q.branch_org_id',
      'm.name as member_name',
      'o.name as org_name',
      'o.path as org_path',
      'b.name as branch_name',
      'mm.name as mentor_name',
      overdueSql.as('overdue'),
      sql<boolean>`EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = q.tenant_id AND mb.member_id = q.member_id AND mb.ended_on IS NULL)`.as('mobile'),
      sql<string | null>`(SELECT f.id FROM faq_entry f WHERE f.tenant_id = q.tenant_id AND f.source_question_id = q.id ORDER BY f.created_at LIMIT 1)`.as('faq_entry_id'),
    ]);
}
export type QuestionRow = Awaited<ReturnType<ReturnType<typeof questionQuery>['executeTakeFirstOrThrow']>>;

/**
 * The rows a list scope grants: questions asked in its subtrees (the secretaries'), or routed to this
 * mentor when asked (q.mentor_member_id). A mentor's mentees (the scope's memberIds) do not count:
 * a new mentor does not read the private questions a mentee once sent to another, and the mentor a
 * question went to keeps it after the pairing ends.
 */
export function inQuestionScope(tenantId: string, scope: ListScope, mentorMemberId: string | null) {
  if (scope.all) return sql<SqlBool>`true`;
  const byUnit = inSubtrees(tenantId, scope.paths, 'q.org_id');
  if (!mentorMemberId) return byUnit;
  return sql<SqlBool>`(${byUnit} OR q.mentor_member_id = ${mentorMemberId})`;
}

/** The answers of these questions, oldest first, by question id. */
export async function answersOf(db: Executor, tenantId: string, questionIds: string[]): Promise<Map<string, QuestionAnswer[]>> {
  const byQuestion = new Map<string, QuestionAnswer[]>();
  if (questionIds.length === 0) return byQuestion;
  const rows = await db
    .selectFrom('question_answer')
    .select(['id', 'question_id', 'answerer_name', 'answerer_role', 'body', 'answered_at'])
    .where('tenant_id', '=', tenantId)
    .where('question_id', 'in', questionIds)
    .orderBy('answered_at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = byQuestion.get(r.question_id) ?? [];
    list.push({ id: r.id, answererName: r.answerer_name, answererRole: r.answerer_role as 'secretary' | 'mentor', body: r.body, answeredAt: r.answered_at.toISOString() });
    byQuestion.set(r.question_id, list);
  }
  return byQuestion;
}

export function presentQuestion(r: QuestionRow, answers: QuestionAnswer[]): Question {
  return {
    id: r.id,
    member: { id: r.member_id, name: r.member_name, orgName: r.org_name, mobile: r.mobile },
    branchName: r.branch_name,
    mentorName: r.mentor_name,
    title: r.title,
    body: r.body,
    publishable: r.publishable,
    askedAt: r.asked_at.toISOString(),
    dueOn: r.due_on,
    status: r.status as 'open' | 'answered',
    overdue: r.overdue,
    answeredAt: r.answered_at?.toISOString() ?? null,
    answers,
    faqEntryId: r.faq_entry_id,
  };
}
