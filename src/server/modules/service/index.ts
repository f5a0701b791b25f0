import { addFileNoStoreRule, addFileReadRule } from '../files/index.ts';
import { isServiceLogPhoto, mayReadServiceFile } from './read-rule.ts';

/**
 * 志愿服务: service projects with tasks (some remote) members sign up for, with a waiting list; service
 * logs with photos and whom they served; hours rolled up per member, team, grid, unit and month.
 */
export { registerServiceRoutes } from './routes.ts';
export { unitHours } from './hours.ts';

addFileReadRule('service_log', mayReadServiceFile);
addFileNoStoreRule('service_log', isServiceLogPhoto);
