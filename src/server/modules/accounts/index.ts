/**
 * Logins of members (issue, reset; invitation links that let a member in or reset their password;
 * one's own signed-in devices) and unit leaders (appoint, dismiss).
 */
export { registerAccountRoutes } from './routes.ts';
export { registerActivationRoutes } from './activation-routes.ts';
