import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { closeDueMeetings } from './closing.ts';
import { expireMakeups } from './makeups.ts';
import { noticeStartingSoon } from './notices.ts';

/**
 * This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). The job
 * names are stored in job_run with each job's last run: they keep the words they were first stored with.
 */
export const meetingsJobs: ScheduledJob[] = [
  // Check-in closed ⇒ unmarked invitees absent, make-ups for the absent and excused, meeting closed.
  { name: 'close-sessions', everyMs: 60_000, run: (db, now) => closeDueMeetings(db, now) },
  // Make-ups not handed in by their last day (Asia/Shanghai) expire; the attendance stays missed.
  { name: 'expire-makeups', everyMs: 3_600_000, run: (db, now) => expireMakeups(db, now) },
  // Planned classes starting within two hours: their invitees not yet checked in hear of it, once.
  { name: 'notify-starting', everyMs: 60_000, run: (db, now) => noticeStartingSoon(db, now) },
];
