import type { ScheduledJob } from './scheduler.ts';
import { pushesJobs, pushNoticeSource } from '../modules/pushes/index.ts';
import { makeupNoticeSource, meetingChangeNoticeSource, meetingNoticeSource, meetingsJobs } from '../modules/meetings/index.ts';
import { coverageJobs } from '../modules/coverage/index.ts';
import { careJobs, careNoticeSource } from '../modules/care/index.ts';
import { cardNoticeSource, cardsJobs } from '../modules/cards/index.ts';
import { authJobs } from '../modules/auth/index.ts';
import { notifyJobs, registerNoticeSource, type NotifyRuntime } from '../modules/notify/index.ts';
import { reachJobs } from '../modules/reach/index.ts';

/** Every scheduled job of the server that needs nothing but the database; each module lists its own in `scheduled.ts`. */
export const ALL_JOBS: ScheduledJob[] = [...pushesJobs, ...meetingsJobs, ...coverageJobs, ...careJobs, ...cardsJobs, ...authJobs, ...reachJobs];

/** The jobs a server process runs: those, and the outbox's sending (which needs the runtime main.ts builds). */
export function serverJobs(runtime: NotifyRuntime): ScheduledJob[] {
  return [...ALL_JOBS, ...notifyJobs(runtime)];
}

// Whether a member has already seen a notice's source, as the module that owns it knows: the
// outbox cancels what was seen instead of sending it (most of all an SMS escalation). A kind with
// a dot falls back to its first part ('meeting.planned', 'meeting.starting' → 'meeting').
registerNoticeSource('push', pushNoticeSource);
registerNoticeSource('meeting', meetingNoticeSource);
registerNoticeSource('meeting.changed', meetingChangeNoticeSource);
registerNoticeSource('makeup.due', makeupNoticeSource);
registerNoticeSource('care.assigned', careNoticeSource);
registerNoticeSource('card', cardNoticeSource);
