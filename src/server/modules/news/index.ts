import { addFileReadRule } from '../files/index.ts';
import { mayReadNewsFile } from './service.ts';

/** News with review before publishing (公众号 "闪亮红星", 保密审查), its public pages and 通讯员. */
export { registerNewsRoutes } from './routes.ts';

addFileReadRule('news_item', mayReadNewsFile);
