/** Signing in and out, the caller's own account, the purge of old login attempts. */
export { meView, registerAuthRoutes } from './routes.ts';
export { authJobs } from './scheduled.ts';
