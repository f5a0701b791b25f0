import type { ScheduledJob } from '../../jobs/scheduler.ts';

export const cardsJobs: ScheduledJob[] = [];
