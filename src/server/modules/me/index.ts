/** The member app's own answers: profile, destination, today. */
export { registerMeRoutes } from './routes.ts';
