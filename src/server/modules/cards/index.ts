/** Holiday-card campaigns, grid contact cards and political birthdays. */
export { countCardsToPost } from './cards-to-post.ts';
export { anniversaryYears } from './dates.ts';
export { myGreetings } from './my-cards.ts';
export { cardsJobs } from './scheduled.ts';
export { cardNoticeSource } from './notices.ts';
export { registerCardsRoutes } from './routes.ts';
