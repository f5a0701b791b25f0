import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { MyMakeup, SessionDetail, SubmitMakeupBody } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { requireMember } from '../../directory/index.ts';
import { fail, HOST, loadMeeting, orgTarget, questionsOf } from './access.ts';
import { memberKey } from './attendance-repo.ts';
import { meetingDetail } from './console-view.ts';
import { expireDueMakeups, lockMakeup, memberMakeupRows, reopenMakeup, submitMakeupRow } from './makeup-repo.ts';
import { loadMyMeeting } from './participation.ts';

// 补学: whoever missed a closed meeting (absent or excused) makes it up by a last day; the
// secretary reads the reflection and may send it back.

/** Sends a submitted reflection back: the make-up opens again and the attendance is what it was. */
export async function returnMakeup(db: Database, ctx: RequestContext, meetingId: string, memberId: string, note: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  const key = memberKey(actor.tenantId, meetingId, memberId);
  await db.transaction().execute(async (tx) => {
    const mk = await lockMakeup(tx, key);
    if (!mk) throw new AppError('not_found', '该党员没有这次会议的补学任务');
    if (mk.status !== 'submitted') throw new AppError('conflict', '只有已提交的补学可以退回');
    await reopenMakeup(tx, key, { note, reviewedBy: actor.accountId, missed: mk.missed_status, now: clock.now() });
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'makeup.return',
      entity: 'makeup',
      entityId: meetingId,
      before: { memberId, status: 'submitted', attendance: 'made_up' },
      after: { memberId, status: 'returned', attendance: mk.missed_status, note },
    });
  });
  return meetingDetail(db, ctx, s, HOST);
}

/** The expire-makeups job: open or returned make-ups whose last day (Asia/Shanghai) has passed. */
export async function expireMakeups(db: Database, now: Date): Promise<number> {
  return expireDueMakeups(db, now);
}

type MakeupRow = Awaited<ReturnType<typeof memberMakeupRows>>[number];

function myMakeupOf(r: MakeupRow): MyMakeup {
  return {
    sessionId: r.session_id,
    sessionTitle: r.title,
    sessionKind: r.kind,
    sessionStartsAt: r.starts_at.toISOString(),
    missedStatus: r.missed_status,
    dueOn: r.due_on,
    status: r.status,
    replayUrl: r.replay_url,
    materials: r.materials,
    questions: questionsOf(r.makeup_questions),
    reflection: r.reflection,
    answers: r.answers === null ? null : questionsOf(r.answers),
    reviewNote: r.review_note,
  };
}

/** The member's make-ups: open and returned first (soonest due), then submitted ones. */
export async function listMyMakeups(db: Executor, ctx: RequestContext): Promise<MyMakeup[]> {
  const memberId = requireMember(ctx);
  const rows = await memberMakeupRows(db, ctx.actor.tenantId, memberId);
  return rows.map(myMakeupOf);
}

/**
 * Hands in a make-up: the reflection and an answer to each question, by the last day (inclusive,
 * Asia/Shanghai). The attendance becomes 'made_up'. One read, then one write of the make-up, the
 * attendance and the audit entry; the answer is built from them.
 */
export async function submitMakeup(db: Database, ctx: RequestContext, meetingId: string, body: z.infer<typeof SubmitMakeupBody>, now: Date = clock.now()): Promise<MyMakeup> {
  const memberId = requireMember(ctx);
  const { actor } = ctx;
  const [mk] = await memberMakeupRows(db, actor.tenantId, memberId, meetingId);
  if (!mk) {
    const a = await loadMyMeeting(db, ctx, memberId, meetingId);
    if (a.my_status === 'present' || a.my_status === 'late') throw new AppError('conflict', '您参加了这次会议，无需补学');
    if (a.status === 'planned') throw new AppError('conflict', '会议尚未结束，结束后缺席或请假的党员才需要补学');
    throw new AppError('not_found', '这次会议没有您的补学任务');
  }
  if (mk.status === 'submitted') throw new AppError('conflict', '补学已提交，正在等待审阅');
  if (mk.status === 'expired') throw new AppError('conflict', `补学已于 ${mk.due_on} 截止，不能再提交`);
  const today = shanghaiDate(now);
  if (today > mk.due_on) throw new AppError('conflict', `补学已于 ${mk.due_on} 截止，不能再提交`);
  const questions = questionsOf(mk.makeup_questions);
  if (body.answers.length !== questions.length) {
    fail([{ field: 'answers', message: `请回答全部 ${questions.length} 个问题（收到 ${body.answers.length} 个回答）` }]);
  }
  const blank = body.answers.findIndex((x) => x.trim() === '');
  if (blank >= 0) fail([{ field: `answers.${blank}`, message: `请回答第 ${blank + 1} 个问题` }]);
  const done = await submitMakeupRow(db, ctx, { tenantId: actor.tenantId, meetingId, memberId, reflection: body.reflection, answers: body.answers, today, now });
  if (!done) throw new AppError('conflict', '补学状态已变化，请刷新后重试');
  return myMakeupOf({ ...mk, status: 'submitted', reflection: body.reflection, answers: body.answers });
}
