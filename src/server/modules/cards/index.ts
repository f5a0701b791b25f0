import { registerNoticeSource } from '../notify/index.ts';
import { cardNoticeSource } from './notices.ts';
/** Holiday-card campaigns, grid contact cards and political birthdays. */
export { countCardsToPost } from './cards-to-post.ts';
export { anniversaryYears } from './dates.ts';
export { myGreetings } from './my-cards.ts';
export { cardsJobs } from './scheduled.ts';
export { cardNoticeSource } from './notices.ts';
export { registerCardsRoutes } from './routes.ts';

// whether a member has seen this notice's source: the outbox cancels what was seen instead of sending it
registerNoticeSource('card', cardNoticeSource);
