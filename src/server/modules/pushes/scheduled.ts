import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { deliverDuePushes, remindUnread } from './service.ts';

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const pushesJobs: ScheduledJob[] = [
  { name: 'deliver-pushes', everyMs: 15_000, run: deliverDuePushes },
  { name: 'remind-unread', everyMs: 5 * 60_000, run: remindUnread },
];
