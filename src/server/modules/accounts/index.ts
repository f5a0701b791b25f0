/** Logins of members (issue, reset) and unit leaders (appoint, dismiss). */
export { registerAccountRoutes } from './routes.ts';
export { registerActivationRoutes } from './activation-routes.ts';
