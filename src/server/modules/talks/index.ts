/** Heart-to-heart talks (谈心谈话), the mentoring overview and the one definition of an overdue talk. */
export { countMyOverdueTalks, countTalksDue, listMentoring, overdueTalkCondition, talkCadenceSql } from './service.ts';
export { registerTalksRoutes } from './routes.ts';
