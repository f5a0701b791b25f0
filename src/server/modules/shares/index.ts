import { addFileReadRule } from '../files/index.ts';
import { mayReadShareFile } from './read-rule.ts';

/** 每月一互动: members' shared posts, comments, likes, the monthly topics, hiding and who has shared. */
export { registerSharesRoutes } from './routes.ts';
export { audiencesOf, myFeed, listPosts } from './service.ts';
export { feedRows, FEED_PAGE, type Viewer } from './repo.ts';

addFileReadRule('share_post', mayReadShareFile);
