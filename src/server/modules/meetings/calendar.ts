import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { forbidden } from '../../errors.ts';
import { loadMeeting, meetingViewOf } from './access.ts';
import { buildIcs } from './ics.ts';
import { isInvited } from './repo.ts';
import { clock } from '../../clock.ts';

/** The meeting as a calendar file, for its invitees and whoever sees it in the console (see `meetingViewOf`). */
export async function getMeetingCalendar(db: Database, ctx: RequestContext, meetingId: string, origin: string): Promise<string> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  let allowed = (await meetingViewOf(db, ctx, s)) !== null;
  if (!allowed && actor.memberId) allowed = await isInvited(db, actor.tenantId, meetingId, actor.memberId);
  if (!allowed) throw forbidden();
  const description = [
    s.agenda ? `议程：${s.agenda}` : null,
    s.meeting_url ? `会议链接：${s.meeting_url}` : null,
    `签到：${origin}/m/`,
  ]
    .filter(Boolean)
    .join('\n');
  return buildIcs({
    uid: `${s.id}@lianxin`,
    stamp: clock.now(),
    start: s.starts_at,
    end: s.ends_at,
    summary: s.title,
    location: s.location ?? (s.mode === 'online' ? '线上' : null),
    description,
    url: s.meeting_url,
    status: s.status,
  });
}
