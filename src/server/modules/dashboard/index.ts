/** The dashboard of a unit: members, mobility, flags, care figures. */
export { getDashboard } from './service.ts';
export { registerDashboardRoutes } from './routes.ts';
