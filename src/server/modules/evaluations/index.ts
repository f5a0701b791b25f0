/** 民主评议党员: the annual evaluation with its secret ballot. */
export { registerEvaluationsRoutes } from './routes.ts';
export { tallyRound } from './repo.ts';
export { castBallot } from './ballot.ts';
