import { registerNoticeSource } from '../notify/index.ts';
import { careNoticeSource } from './notices.ts';
/** Care tasks (follow-ups about a member): raised by people and rules, assigned, snoozed, closed. */
export { raiseCareTask, type RaiseCareTask } from './raise.ts';
export { countOverdueCareTasks, listCareTasks, myCareCounts } from './service.ts';
export { careJobs } from './scheduled.ts';
export { careNoticeSource } from './notices.ts';
export { closeRuleTasks, ruleTaskState, type RuleTaskState } from './rule-tasks.ts';
export { registerCareRoutes } from './routes.ts';

// whether a member has seen this notice's source: the outbox cancels what was seen instead of sending it
registerNoticeSource('care.assigned', careNoticeSource);
