/** Who is reached: members no channel reaches (联系不上的党员), one member's channels, and the rule that raises care tasks about them. */
export { findUnreachable, listUnreachable } from './unreachable.ts';
export { reachJobs } from './scheduled.ts';
export { registerReachRoutes } from './routes.ts';
