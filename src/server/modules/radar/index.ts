/** The drift radar, engagement and a member's timeline: a read model over the other modules' tables. */
export { listDrift } from './service.ts';
export { registerRadarRoutes } from './routes.ts';
