/** 值守: duty rosters, shifts with capacity, members' sign-ups from the phone, swaps, who served. */
export { registerDutyRoutes } from './routes.ts';
