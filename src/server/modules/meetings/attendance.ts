import QRCode from 'qrcode';
import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/policy.ts';
import { AppError } from '../../errors.ts';
import type { CheckinCode, MarkAttendanceBody, SessionDetail } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { fail, HOST, loadMeeting, orgTarget, requireMeetingView } from './access.ts';
import { deleteMakeup, excuseMakeup, lockAttendance, memberKey, updateAttendance, upsertMissedMakeup } from './attendance-repo.ts';
import { checkinCodeFor, slotAt, slotEndsAt } from './checkin-code.ts';
import { meetingDetail } from './console-view.ts';
import { memberUnitPath } from './repo.ts';
import { clock } from '../../clock.ts';

// The console during and after a meeting: the check-in code, marking invitees, deciding leave.

function attendanceAudit(r: { status: string; method: string | null; checked_in_at: Date | null; leave_status: string | null; leave_reason: string | null }) {
  return { status: r.status, method: r.method, checkedInAt: r.checked_in_at, leaveStatus: r.leave_status, leaveReason: r.leave_reason };
}

/**
 * The host's rotating QR code (see checkin-code.ts). `origin` is where the member app is served.
 * A group leader whose members are invited to a meeting held above the group may show it too, for
 * the part of their group that gathers on site (集中收看): a scan only checks in the invitee who
 * scans, which every invitee may already do from the app inside the window, so the code opens
 * nothing beyond the group leader's own marking.
 */
export async function getCheckinCode(db: Database, ctx: RequestContext, meetingId: string, origin: string, now: Date = clock.now()): Promise<z.infer<typeof CheckinCode>> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  await requireMeetingView(db, ctx, s);
  if (s.status !== 'planned') throw new AppError('conflict', s.status === 'closed' ? '会议已结束，签到已关闭' : '会议已取消');
  const slot = slotAt(now);
  const code = checkinCodeFor(s.qr_secret, s.id, slot);
  const url = `${origin}/m/checkin?s=${encodeURIComponent(s.id)}&c=${code}`;
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { url, code, svg, expiresAt: slotEndsAt(slot).toISOString() };
}

/**
 * A group leader (or secretary) marks an invitee on a phone. At a meeting held above their group a
 * group leader marks only their own group's members (the policy on the member's unit). After the
 * meeting has closed only a secretary may correct it; the member's make-up then follows the
 * corrected status.
 */
export async function markAttendance(db: Database, ctx: RequestContext, meetingId: string, body: z.infer<typeof MarkAttendanceBody>, now: Date = clock.now()): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  const view = await requireMeetingView(db, ctx, s);
  if (view.kind === 'group') {
    const orgPath = await memberUnitPath(db, actor.tenantId, body.memberId);
    if (
      orgPath === undefined ||
      !view.paths.some((p) => orgPath.startsWith(p)) ||
      !can(actor, 'attendance.mark', { kind: 'member', tenantId: actor.tenantId, memberId: body.memberId, orgPath })
    ) {
      throw new AppError('forbidden', '只能为您所带党小组的党员登记考勤');
    }
  }
  if (s.status === 'cancelled') throw new AppError('conflict', '会议已取消，不能登记考勤');
  const correction = s.status === 'closed';
  if (correction && !can(actor, 'learning.manage', orgTarget(ctx, s.org_path))) {
    throw new AppError('forbidden', '会议已结束，考勤只能由书记更正');
  }
  const key = memberKey(actor.tenantId, meetingId, body.memberId);
  await db.transaction().execute(async (tx) => {
    const before = await lockAttendance(tx, key);
    if (!before) fail([{ field: 'memberId', message: '该党员不在本次会议的邀请名单中' }]);
    const attended = body.status === 'present' || body.status === 'late';
    const after = await updateAttendance(tx, key, {
      status: body.status,
      method: 'marked',
      marked_by: actor.accountId,
      checked_in_at: attended ? (before.checked_in_at ?? now) : null,
      ...(body.status === 'excused' && {
        leave_reason: body.leaveReason ?? before.leave_reason,
        leave_status: 'approved' as const,
        leave_decided_by: actor.accountId,
      }),
      updated_at: now,
    });
    // A correction after the close: the make-up follows the corrected status.
    if (correction) {
      if (attended) await deleteMakeup(tx, key);
      else await upsertMissedMakeup(tx, key, body.status as 'absent' | 'excused', now, s.makeup_days);
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: correction ? 'attendance.correct' : 'attendance.mark',
      entity: 'attendance',
      entityId: meetingId,
      before: { memberId: body.memberId, ...attendanceAudit(before) },
      after: { memberId: body.memberId, ...attendanceAudit(after) },
    });
  });
  return meetingDetail(db, ctx, s, view);
}

/** The secretary decides a leave request: approved ⇒ excused; rejected ⇒ the member stays invited. */
export async function decideLeave(db: Database, ctx: RequestContext, meetingId: string, memberId: string, approve: boolean): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status === 'cancelled') throw new AppError('conflict', '会议已取消');
  const key = memberKey(actor.tenantId, meetingId, memberId);
  await db.transaction().execute(async (tx) => {
    const before = await lockAttendance(tx, key);
    if (!before) throw new AppError('not_found', '该党员不在本次会议的邀请名单中');
    if (before.leave_status !== 'requested') throw new AppError('conflict', '该党员没有待审批的请假申请');
    const excuse = approve && (before.status === 'invited' || before.status === 'absent');
    const after = await updateAttendance(tx, key, {
      leave_status: approve ? 'approved' : 'rejected',
      leave_decided_by: actor.accountId,
      ...(excuse && { status: 'excused' as const }),
      updated_at: clock.now(),
    });
    // Decided after the close: the open make-up now records an excused absence.
    if (excuse && before.status === 'absent') await excuseMakeup(tx, key);
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: approve ? 'attendance.leave_approve' : 'attendance.leave_reject',
      entity: 'attendance',
      entityId: meetingId,
      before: { memberId, ...attendanceAudit(before) },
      after: { memberId, ...attendanceAudit(after) },
    });
  });
  return meetingDetail(db, ctx, s, HOST);
}

