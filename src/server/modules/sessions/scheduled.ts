import type { ScheduledJob } from '../../jobs/scheduler.ts';

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const sessionsJobs: ScheduledJob[] = [];
