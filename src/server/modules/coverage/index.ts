/** The coverage view (全覆盖、无死角), its export, and the absence and unread streak rules. */
export { getCoverage } from './service.ts';
export { coverageJobs, raiseStreakTasks } from './scheduled.ts';
export { registerCoverageRoutes } from './routes.ts';
