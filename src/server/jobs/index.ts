import type { ScheduledJob } from './scheduler.ts';
import { pushesJobs } from '../modules/pushes/index.ts';
import { meetingsJobs } from '../modules/meetings/index.ts';
import { coverageJobs } from '../modules/coverage/index.ts';
import { careJobs } from '../modules/care/index.ts';
import { cardsJobs } from '../modules/cards/index.ts';
import { authJobs } from '../modules/auth/index.ts';
import { notifyJobs, type NotifyRuntime } from '../modules/notify/index.ts';
import { reachJobs } from '../modules/reach/index.ts';
import { purgeIdempotencyKeys } from '../idempotency.ts';

/** Every scheduled job of the server that needs nothing but the database; each module lists its own in `scheduled.ts`. */
export const ALL_JOBS: ScheduledJob[] = [...pushesJobs, ...meetingsJobs, ...coverageJobs, ...careJobs, ...cardsJobs, ...authJobs, ...reachJobs, { name: 'purge-idempotency-keys', everyMs: 24 * 3_600_000, run: purgeIdempotencyKeys }];

/** The jobs a server process runs: those, and the outbox's sending (which needs the runtime main.ts builds). */
export function serverJobs(runtime: NotifyRuntime): ScheduledJob[] {
  return [...ALL_JOBS, ...notifyJobs(runtime)];
}

// Each module registers, in its index.ts, whether a member has seen a notice's source
// (registerNoticeSource), as it registers its group-kit source: importing the module is enough.
