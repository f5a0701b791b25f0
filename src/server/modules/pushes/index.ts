import { registerKitSource } from '../notify/index.ts';
import { pushKitSource } from './notice-source.ts';

/** Daily pushes (每日一推送): plans, delivery, the member's inbox and reading. */
export { deliverDuePushes, listTodayPushes } from './service.ts';
export { pushesJobs } from './scheduled.ts';
export { registerPushesRoutes } from './routes.ts';
export { pushNoticeSource } from './notice-source.ts';

registerKitSource('push', pushKitSource);
