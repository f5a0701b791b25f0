/** Care tasks (follow-ups about a member): raised by people and rules, assigned, snoozed, closed. */
export { raiseCareTask, type RaiseCareTask } from './raise.ts';
export { countOverdueCareTasks, listCareTasks, myCareCounts } from './service.ts';
export { careJobs } from './scheduled.ts';
export { careNoticeSource } from './notices.ts';
export { closeRuleTasks, ruleTaskState, type RuleTaskState } from './rule-tasks.ts';
export { registerCareRoutes } from './routes.ts';
