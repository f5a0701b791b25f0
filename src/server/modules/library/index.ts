import { addFileReadRule } from '../files/index.ts';
import { mayReadStudyItemFile } from './attached-files.ts';

/** The study library (学习资料库): study items, their articles, audio, video and PDFs. */
export { createStudyItem, getStudyItemSummaries, itemSummaryView } from './service.ts';
export { registerLibraryRoutes } from './routes.ts';
export { speechJobs, type SpeechMaker } from './tts.ts';
export { fileIdsIn, hasContent, sanitizeArticleHtml } from './sanitize.ts';

addFileReadRule('study_item', mayReadStudyItemFile);
