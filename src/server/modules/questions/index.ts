/** 有问必答: members' questions to their branch, answers, due days and overdue, the unit's FAQ. */
import { registerNoticeSource } from '../notify/index.ts';
import { questionNoticeSource } from './service.ts';

registerNoticeSource('question', questionNoticeSource);

export { registerQuestionsRoutes } from './routes.ts';
export { listQuestions, overdueQuestions } from './service.ts';
export { dueDay, ANSWER_WORKING_DAYS } from './due.ts';
