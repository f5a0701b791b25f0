/** The outbox and its channels: what other modules may use. */
export * from './providers/types.ts';
export { enqueueNotice, type Notice, type EnqueueOptions } from './outbox.ts';
export { NOTICE_KINDS, registerNoticeSource, type NoticeKind, type NoticeSource } from './sources.ts';
export { noticeLink } from './links.ts';
export type { NotifyRuntime } from './runtime.ts';
export { notifyJobs } from './scheduled.ts';
export { dispatchDue, type DispatchOptions } from './dispatch.ts';
export { registerNotifyRoutes } from './routes.ts';
export { memberChannels, type MemberChannels } from './member-channels.ts';
export { registerKitSource, type KitSource, type KitSourceFacts } from './group-kit.ts';
export { registerNotifyKitRoutes } from './kit-routes.ts';
export { registerRobotRoutes } from './robot-routes.ts';
export { registerNotifyMemberRoutes } from './member-routes.ts';
export { registerSmsRoutes } from './sms-routes.ts';
