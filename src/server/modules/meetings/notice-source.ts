import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { KitSource, NoticeSource } from '../notify/index.ts';
import { loadMeeting, meetingViewOf } from './access.ts';
import { forbidden } from '../../errors.ts';

/**
 * What the outbox and the group kit learn about a class from this module (they never read its
 * tables): whether a member has answered it, and its title, start, unit and member-app path.
 */

/** Of these members, those who checked in or asked for leave: a reminder would tell them nothing. */
export const meetingNoticeSource: NoticeSource = {
  async seen(db, tenantId, meetingId, memberIds) {
    if (memberIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('attendance')
      .select('member_id')
      .where('tenant_id', '=', tenantId)
      .where('session_id', '=', meetingId)
      .where('member_id', 'in', memberIds)
      .where((eb) => eb.or([eb('checked_in_at', 'is not', null), eb('leave_status', 'is not', null), eb('status', '!=', 'invited')]))
      .execute();
    return new Set(rows.map((r) => r.member_id));
  },
};

/** A change of time or place is told even to who has answered the class: they need the new time. */
export const meetingChangeNoticeSource: NoticeSource = {
  seen: async () => new Set(),
};

/** Of these members, those who handed in the make-up (or whose make-up is over). */
export const makeupNoticeSource: NoticeSource = {
  async seen(db, tenantId, meetingId, memberIds) {
    if (memberIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('makeup')
      .select('member_id')
      .where('tenant_id', '=', tenantId)
      .where('session_id', '=', meetingId)
      .where('member_id', 'in', memberIds)
      .where('status', 'in', ['submitted', 'expired'])
      .execute();
    return new Set(rows.map((r) => r.member_id));
  },
};

/**
 * The group kit of a class: its host's secretaries and group leader, and a branch secretary or
 * group leader at a class held above their unit that invites their members (for their own group).
 */
export const meetingKitSource: KitSource = {
  async load(db: Executor, ctx: RequestContext, meetingId: string) {
    const s = await loadMeeting(db, ctx.actor.tenantId, meetingId);
    const view = await meetingViewOf(db, ctx, s);
    if (!view) throw forbidden();
    return {
      title: s.title,
      when: new Date(s.starts_at),
      orgPath: s.org_path,
      path: `sessions/${s.id}`,
      host: view.kind === 'host',
      unitAction: 'attendance.mark',
    };
  },
};
