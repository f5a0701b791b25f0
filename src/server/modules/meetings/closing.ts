import type { Database, Tx } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { AppError } from '../../errors.ts';
import type { SessionDetail } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { loadMeeting, orgTarget } from './access.ts';
import { createMissedMakeups, dueMeetings, lockPlannedMeeting, markUnmarkedAbsent, setClosed } from './closing-repo.ts';
import { getMeeting } from './console-view.ts';
import { noticeMakeupsDue } from './notices.ts';
import { clock } from '../../clock.ts';

// Closing a meeting: the close-sessions job and the secretary's button do the same.

/**
 * Closes one planned meeting in the caller's transaction: invitees not marked become absent,
 * every absent or excused invitee gets a make-up due `makeup_days` after the closing day, and the
 * meeting is closed. Returns false when the meeting is not planned or another worker holds it.
 */
async function closeOneMeeting(tx: Tx, tenantId: string, meetingId: string, now: Date, ctx: RequestContext | null): Promise<boolean> {
  const locked = await lockPlannedMeeting(tx, tenantId, meetingId);
  if (!locked) return false;
  // Attendance first, the meeting row after, in separate statements: the rollup triggers read the meeting's state.
  const markedAbsent = await markUnmarkedAbsent(tx, tenantId, meetingId, now);
  const makeupsCreated = await createMissedMakeups(tx, tenantId, meetingId, now, locked.makeup_days);
  if (makeupsCreated > 0) await noticeMakeupsDue(tx, tenantId, meetingId, now);
  await setClosed(tx, tenantId, meetingId, now);
  await recordAudit(tx, ctx, {
    tenantId,
    action: 'session.close',
    entity: 'study_session',
    entityId: meetingId,
    before: { status: 'planned' },
    after: { status: 'closed', markedAbsent, makeupsCreated, by: ctx ? 'manual' : 'schedule' },
  });
  return true;
}

/**
 * The close-sessions job: every planned meeting whose check-in window has closed by `now`, each in
 * its own transaction. Safe to run twice or in two processes at once (status guard, SKIP LOCKED,
 * ON CONFLICT DO NOTHING). Returns how many meetings it closed.
 */
export async function closeDueMeetings(db: Database, now: Date): Promise<number> {
  let closed = 0;
  for (let round = 0; round < 100; round++) {
    const due = await dueMeetings(db, now, 200);
    let progressed = 0;
    for (const s of due) {
      if (await db.transaction().execute((tx) => closeOneMeeting(tx, s.tenant_id, s.id, now, null))) progressed++;
    }
    closed += progressed;
    if (due.length < 200 || progressed === 0) break;
  }
  return closed;
}

/** The secretary's button: closes a planned meeting now. */
export async function closeMeeting(db: Database, ctx: RequestContext, meetingId: string, now: Date = clock.now()): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status !== 'planned') throw new AppError('conflict', s.status === 'closed' ? '会议已结束' : '会议已取消，不能结束');
  const closed = await db.transaction().execute((tx) => closeOneMeeting(tx, actor.tenantId, meetingId, now, ctx));
  if (!closed) throw new AppError('conflict', '会议正在结束或已结束，请刷新后查看');
  return getMeeting(db, ctx, meetingId);
}
