import { sql, type RawBuilder } from 'kysely';

/** Members live by Asia/Shanghai: UTC+8, no daylight saving. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in Asia/Shanghai, 'YYYY-MM-DD'. */
export const shanghaiDate = (at: Date = new Date()): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** SQL: the start of today in Asia/Shanghai (a timestamptz), whatever the server's zone. */
export const shanghaiTodayStart: RawBuilder<Date> = sql<Date>`(((now() AT TIME ZONE 'Asia/Shanghai')::date)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

// ---------- calendar days: 'YYYY-MM-DD' strings, no time of day ----------

const parseDay = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const formatDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export { isRealDay } from '../shared/calendar.ts';

export const addDays = (day: string, n: number): string => formatDay(parseDay(day) + n * 86_400_000);

/** The Monday of the week the day falls in. */
export function mondayOf(day: string): string {
  const weekday = new Date(parseDay(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}
