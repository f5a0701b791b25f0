import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorizeList, can } from '../../auth/policy.ts';
import type { AttendanceRow, SessionDetail, SessionQuery, SessionSummary } from '../../../shared/api-learning.ts';
import { unitFor } from '../../directory/index.ts';
import { itemSummaryView } from '../library/index.ts';
import { ledGroupPaths, loadMeeting, orgTarget, questionsOf, requireMeetingView, type MeetingView } from './access.ts';
import { attachmentRows, attendanceRows, COUNT_KEY, countsByMeeting, emptyCounts, listMeetingRows, materialRows, type MeetingRow } from './repo.ts';

// The console's list of meetings and a meeting's detail, as each caller may see them.

function summaryOf(r: Omit<MeetingRow, 'org_path'>, counts: SessionSummary['counts']): SessionSummary {
  return {
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    kind: r.kind,
    title: r.title,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    mode: r.mode,
    status: r.status,
    seriesId: r.series_id,
    counts,
  };
}

/**
 * Meetings of units the caller runs (secretary) or whose attendance they mark (group leader), and
 * for a group leader also the meetings held above their group that invite its members; on those
 * the counts are of their group's invitees only. `orgId` narrows to meetings held in that unit.
 */
export async function listMeetings(db: Database, ctx: RequestContext, q: z.infer<typeof SessionQuery>): Promise<{ items: SessionSummary[]; total: number }> {
  const { actor } = ctx;
  // The list scope of attendance.mark (auth/policy.ts): every unit the caller holds a role in.
  const scope = authorizeList(actor, 'attendance.mark');
  const orgPath = q.orgId ? (await unitFor(db, ctx, 'attendance.mark', q.orgId)).path : undefined;
  const groupPaths = actor.isTenantAdmin ? [] : ledGroupPaths(ctx);
  const rows = await listMeetingRows(db, actor.tenantId, {
    scopePaths: scope.all ? null : scope.paths,
    inviteePaths: groupPaths,
    orgPath,
    from: q.from,
    to: q.to,
    kind: q.kind,
    status: q.status,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const hosted = rows.filter((r) => can(actor, 'attendance.mark', orgTarget(ctx, r.org_path)));
  const above = rows.filter((r) => !hosted.includes(r));
  const [counts, groupCounts] = await Promise.all([
    countsByMeeting(db, actor.tenantId, hosted.map((r) => r.id)),
    countsByMeeting(db, actor.tenantId, above.map((r) => r.id), groupPaths),
  ]);
  return {
    total: rows[0] ? Number(rows[0].total) : 0,
    items: rows.map((r) => summaryOf(r, counts.get(r.id) ?? groupCounts.get(r.id) ?? emptyCounts())),
  };
}

const fileUrl = (id: string): string => `/api/files/${id}`;

export async function getMeeting(db: Executor, ctx: RequestContext, meetingId: string): Promise<SessionDetail> {
  const s = await loadMeeting(db, ctx.actor.tenantId, meetingId);
  return meetingDetail(db, ctx, s, await requireMeetingView(db, ctx, s));
}

/**
 * The console's view of a meeting already read and authorized: a use case that wrote nothing on
 * the meeting row itself answers with it, without reading the row again.
 */
export async function meetingDetail(db: Executor, ctx: RequestContext, s: MeetingRow, view: MeetingView): Promise<SessionDetail> {
  const { actor } = ctx;
  const meetingId = s.id;
  const whole = view.kind === 'host';
  const [attendance, materials, attachments] = await Promise.all([
    attendanceRows(db, actor.tenantId, meetingId, whole ? undefined : view.paths),
    materialRows(db, actor.tenantId, [meetingId]),
    whole ? attachmentRows(db, actor.tenantId, meetingId) : [],
  ]);
  const counts = emptyCounts();
  for (const a of attendance) {
    counts[COUNT_KEY[a.status]]++;
    counts.invited++;
  }
  let quorum: SessionDetail['quorum'] = null;
  // The quorum is the host's business and needs every voting member: not in a group's view.
  if (s.kind === 'members_meeting' && whole) {
    const voting = attendance.filter((a) => a.voting);
    const present = voting.filter((a) => a.status === 'present' || a.status === 'late').length;
    quorum = { voting: voting.length, present, reached: present * 2 > voting.length };
  }
  return {
    ...summaryOf(s, counts),
    meetingUrl: s.meeting_url,
    location: s.location,
    agenda: s.agenda,
    replayUrl: s.replay_url,
    checkinOpensAt: s.checkin_opens_at.toISOString(),
    checkinClosesAt: s.checkin_closes_at.toISOString(),
    minutes: whole ? s.minutes : null,
    makeupDays: s.makeup_days,
    makeupQuestions: questionsOf(s.makeup_questions),
    materials: materials.map(itemSummaryView),
    attachments: attachments.map((a) => ({
      id: a.id,
      kind: a.kind,
      caption: a.caption,
      createdAt: a.created_at.toISOString(),
      file: { id: a.file_id, fileName: a.file_name, mimeType: a.mime_type, sizeBytes: Number(a.size_bytes), url: fileUrl(a.file_id) },
    })),
    quorum,
    attendance: attendance.map(
      (a): AttendanceRow => ({
        memberId: a.member_id,
        name: a.name,
        orgName: a.org_name,
        mobile: Boolean(a.mobile),
        voting: a.voting,
        status: a.status,
        checkedInAt: a.checked_in_at?.toISOString() ?? null,
        method: a.method,
        leaveReason: a.leave_reason,
        leaveStatus: a.leave_status,
        makeup:
          a.makeup_status && a.due_on
            ? {
                status: a.makeup_status,
                dueOn: a.due_on,
                reflection: a.reflection,
                answers: a.answers === null ? null : questionsOf(a.answers),
                submittedAt: a.submitted_at?.toISOString() ?? null,
                reviewNote: a.review_note,
              }
            : null,
      }),
    ),
    canManage: can(actor, 'learning.manage', orgTarget(ctx, s.org_path)),
  };
}
