import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { sendDueCards } from './campaigns.ts';

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const cardsJobs: ScheduledJob[] = [{ name: 'send-cards', everyMs: 60_000, run: sendDueCards }];
