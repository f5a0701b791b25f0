import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { closeDueSessions, expireMakeups } from './service.ts';

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const sessionsJobs: ScheduledJob[] = [
  // Check-in closed ⇒ unmarked invitees absent, make-ups for the absent and excused, session closed.
  { name: 'close-sessions', everyMs: 60_000, run: (db, now) => closeDueSessions(db, now) },
  // Make-ups not handed in by their last day (Asia/Shanghai) expire; the attendance stays missed.
  { name: 'expire-makeups', everyMs: 3_600_000, run: (db, now) => expireMakeups(db, now) },
];
