import dayjs, { type Dayjs } from 'dayjs';
import { chinaDay, chinaMonth } from '../../shared/china-time.ts';

/**
 * Today as the server counts it: the day in China (shared/china-time.ts), whatever zone the
 * secretary's computer is set to. As a Dayjs it is that day's midnight in the browser's zone, which
 * is how the date pickers compare days.
 */
export const chinaToday = (): Dayjs => dayjs(chinaDay(Date.now()));

/** Today in China, 'YYYY-MM-DD'. */
export const chinaTodayString = (): string => chinaDay(Date.now());

/** This month in China, 'YYYY-MM'. */
export const chinaThisMonth = (): string => chinaMonth(Date.now());
