import type { ScheduledJob } from '../../jobs/scheduler.ts';

export const careJobs: ScheduledJob[] = [];
