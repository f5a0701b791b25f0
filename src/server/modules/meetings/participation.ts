import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock } from '../../clock.ts';
import { chinaDateTime } from '../../../shared/china-time.ts';
import { AppError } from '../../errors.ts';
import type { MySession } from '../../../shared/api-learning.ts';
import { requireMember } from '../../directory/index.ts';
import { fail } from './access.ts';
import { verifyCheckinCode } from './checkin-code.ts';
import { checkInAttendance, checkInFromApp, memberMeetingRows, myMeetingRow, requestLeaveRow } from './participation-repo.ts';

// A member's own meetings in the member app: the list, checking in, asking for leave.

/** A member checking in later than this after the start is late. */
const LATE_AFTER_MS = 10 * 60_000;

type MemberMeetingRow = Awaited<ReturnType<typeof memberMeetingRows>>[number];

function myMeetingOf(r: MemberMeetingRow, now: Date): MySession {
  const open = r.checkin_opens_at.getTime() <= now.getTime() && now.getTime() <= r.checkin_closes_at.getTime();
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    orgName: r.org_name,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    mode: r.mode,
    meetingUrl: r.meeting_url,
    location: r.location,
    agenda: r.agenda,
    replayUrl: r.replay_url,
    checkinOpensAt: r.checkin_opens_at.toISOString(),
    checkinClosesAt: r.checkin_closes_at.toISOString(),
    sessionStatus: r.status,
    myStatus: r.my_status,
    checkedInAt: r.checked_in_at?.toISOString() ?? null,
    leaveStatus: r.leave_status,
    canCheckIn: r.status === 'planned' && r.my_status === 'invited' && open,
    materials: r.materials,
    calendarUrl: `/api/sessions/${r.id}/calendar.ics`,
  };
}

/**
 * The member's meetings: `upcoming` (planned, not ended or check-in still open; soonest first)
 * and `recent` (started in the last 90 days; latest first). Used by the member app's today view.
 */
export async function listMyMeetings(db: Executor, ctx: RequestContext, now: Date = clock.now()): Promise<{ upcoming: MySession[]; recent: MySession[] }> {
  const memberId = requireMember(ctx);
  const rows = await memberMeetingRows(db, ctx.actor.tenantId, memberId, now);
  const upcoming: MySession[] = [];
  const recent: MySession[] = [];
  for (const r of rows) {
    const view = myMeetingOf(r, now);
    const ahead = r.status === 'planned' && (r.ends_at.getTime() > now.getTime() || r.checkin_closes_at.getTime() > now.getTime());
    (ahead ? upcoming : recent).push(view);
  }
  recent.reverse();
  return { upcoming, recent };
}

const NOT_INVITED_MESSAGE = '会议不存在，或您不在本次会议的邀请名单中';

/** The meeting as the member sees it, with the QR secret for verifying a scan (one round trip). */
export async function loadMyMeeting(db: Executor, ctx: RequestContext, memberId: string, meetingId: string) {
  const row = await myMeetingRow(db, ctx.actor.tenantId, memberId, meetingId);
  if (!row) throw new AppError('not_found', NOT_INVITED_MESSAGE);
  return row;
}

const STATUS_WORDS: Record<string, string> = { excused: '您已请假', absent: '您已被登记为缺席', made_up: '您已完成补学' };

/**
 * Checks the member in: by the host's QR code (method 'qr') or from the app (method 'self'),
 * inside the check-in window. One row per (meeting, member): the update only moves an 'invited'
 * row, so a double tap, a retry or a second device gets the same row back, unchanged.
 * From the app: one write in the usual case (`checkInFromApp`: one statement that checks in,
 * touches the member and returns the member's view, with its audit entry); only when it moves
 * nothing is the row read to answer (a repeat gets its row back, anything else a clear error).
 * By QR code: the meeting is read (the code is verified against its secret), then one write; the
 * answer is built from what was read and written, not read back.
 */
export async function recordCheckIn(db: Database, ctx: RequestContext, meetingId: string, code: string | undefined, now: Date = clock.now()): Promise<MySession> {
  const memberId = requireMember(ctx);
  const { actor } = ctx;
  const fromApp = code === undefined || code === '';
  if (fromApp) {
    const done = await checkInFromApp(db, ctx, { tenantId: actor.tenantId, meetingId, memberId, now, lateAfterMs: LATE_AFTER_MS });
    if (done) return myMeetingOf(done, now);
  }
  // A QR code to verify, or the app's check-in did not go through: read, and answer as the rules say.
  const a = await loadMyMeeting(db, ctx, memberId, meetingId);
  if (a.my_status === 'present' || a.my_status === 'late') return myMeetingOf(a, now);
  if (a.status === 'cancelled') throw new AppError('conflict', '会议已取消，无需签到');
  const window = `签到时间为 ${chinaDateTime(a.checkin_opens_at)} 至 ${chinaDateTime(a.checkin_closes_at)}（北京时间）`;
  if (a.status === 'closed' || now.getTime() > a.checkin_closes_at.getTime()) throw new AppError('conflict', `签到已结束。${window}`);
  if (now.getTime() < a.checkin_opens_at.getTime()) throw new AppError('conflict', `签到尚未开始。${window}`);
  if (a.my_status !== 'invited') throw new AppError('conflict', `${STATUS_WORDS[a.my_status] ?? '考勤已登记'}，不能再签到`);
  let method: 'qr' | 'self' = 'self';
  if (!fromApp) {
    if (!verifyCheckinCode(a.qr_secret, meetingId, code, now)) {
      fail([{ field: 'code', message: '签到码无效：不是本次会议的签到码，或已过期（签到码每 30 秒更新，请扫描现场最新的二维码）' }]);
    }
    method = 'qr';
  }
  const status = now.getTime() > a.starts_at.getTime() + LATE_AFTER_MS ? 'late' : 'present';
  const moved = await checkInAttendance(db, ctx, { tenantId: actor.tenantId, meetingId, memberId, status, method, now });
  if (moved) return myMeetingOf({ ...a, my_status: moved.status, checked_in_at: moved.checked_in_at }, now);
  // Nothing moved: another request of the same member got there first; its row is the answer.
  const b = await loadMyMeeting(db, ctx, memberId, meetingId);
  if (b.my_status !== 'present' && b.my_status !== 'late') throw new AppError('conflict', `${STATUS_WORDS[b.my_status] ?? '考勤已登记'}，不能再签到`);
  return myMeetingOf(b, now);
}

/** Asks for leave before the meeting ends; the secretary approves or rejects it. */
export async function requestLeave(db: Database, ctx: RequestContext, meetingId: string, reason: string, now: Date = clock.now()): Promise<MySession> {
  const memberId = requireMember(ctx);
  const { actor } = ctx;
  const a = await loadMyMeeting(db, ctx, memberId, meetingId);
  if (a.status !== 'planned') throw new AppError('conflict', a.status === 'cancelled' ? '会议已取消，无需请假' : '会议已结束，不能再请假');
  if (now.getTime() >= a.ends_at.getTime()) throw new AppError('conflict', `会议已于 ${chinaDateTime(a.ends_at)} 结束，不能再请假`);
  if (a.my_status === 'present' || a.my_status === 'late') throw new AppError('conflict', '您已签到，不能请假');
  if (a.my_status !== 'invited') throw new AppError('conflict', `${STATUS_WORDS[a.my_status] ?? '考勤已登记'}，不能再请假`);
  if (!(await requestLeaveRow(db, ctx, { tenantId: actor.tenantId, meetingId, memberId, reason, now }))) {
    throw new AppError('conflict', '考勤已变化，请刷新后重试');
  }
  return myMeetingOf({ ...a, leave_status: 'requested' }, now);
}

