/** 我为群众办实事: the 四个一 pledges (period, making, follow-up, outcome, counts) and job matching. */
export { registerPledgesRoutes } from './routes.ts';
