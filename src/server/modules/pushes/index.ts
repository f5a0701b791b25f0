import { registerKitSource, registerNoticeSource } from '../notify/index.ts';
import { pushKitSource, pushNoticeSource } from './notice-source.ts';

/** Daily pushes (每日一推送): plans, delivery, the member's inbox and reading. */
export { deliverDuePushes, listTodayPushes } from './service.ts';
export { pushesJobs } from './scheduled.ts';
export { registerPushesRoutes } from './routes.ts';
export { pushNoticeSource } from './notice-source.ts';

registerKitSource('push', pushKitSource);
// whether a member has seen a push: the outbox cancels what was seen instead of sending it
registerNoticeSource('push', pushNoticeSource);
