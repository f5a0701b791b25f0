import type { ScheduledJob } from '../../jobs/scheduler.ts';
import { LoginLimiter } from '../../auth/rate-limit.ts';

/** This module's scheduled work (see jobs/scheduler.ts for the rules every job follows). */
export const authJobs: ScheduledJob[] = [{ name: 'purge-login-attempts', everyMs: 10 * 60_000, run: LoginLimiter.purge }];
