import type { ScheduledJob } from './scheduler.ts';
import { pushesJobs } from '../modules/pushes/index.ts';
import { meetingsJobs } from '../modules/meetings/index.ts';
import { coverageJobs } from '../modules/coverage/index.ts';
import { careJobs } from '../modules/care/index.ts';
import { cardsJobs } from '../modules/cards/index.ts';
import { authJobs } from '../modules/auth/index.ts';
import { reachJobs } from '../modules/reach/index.ts';

/** Every scheduled job of the server; each module lists its own in `scheduled.ts`. */
export const ALL_JOBS: ScheduledJob[] = [...pushesJobs, ...meetingsJobs, ...coverageJobs, ...careJobs, ...cardsJobs, ...authJobs, ...reachJobs];
