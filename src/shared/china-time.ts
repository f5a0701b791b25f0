/**
 * China time, once for the server, the console and the member app. Members and secretaries live by
 * China Standard Time (Asia/Shanghai): UTC+8 all year, no daylight saving, so a fixed offset is
 * exact and no time-zone database is needed. Days are 'YYYY-MM-DD' strings, months 'YYYY-MM'.
 * Nothing here reads the time: callers pass the instant ("now" comes from the server's clock or,
 * in a browser, from the page's own clock).
 */

/** UTC+8, no daylight saving. */
export const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const parseDay = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const formatDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The wall clock in China at an instant, as a Date whose UTC fields read China's (year, hour, weekday…). */
export const chinaWallClock = (at: Date | number): Date => new Date((typeof at === 'number' ? at : at.getTime()) + CHINA_OFFSET_MS);

/** The calendar day in China at an instant, 'YYYY-MM-DD'. */
export const chinaDay = (at: Date | number): string => chinaWallClock(at).toISOString().slice(0, 10);

/** The month in China at an instant, 'YYYY-MM'. */
export const chinaMonth = (at: Date | number): string => chinaDay(at).slice(0, 7);

/** The instant a China day starts (00:00 in Beijing). */
export const chinaDayStart = (day: string): Date => new Date(parseDay(day) - CHINA_OFFSET_MS);

/** The day `n` days after `day` (before, when negative). */
export const addDays = (day: string, n: number): string => formatDay(parseDay(day) + n * DAY_MS);

/** Days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((parseDay(to) - parseDay(from)) / DAY_MS);

/** The Monday of the week the day falls in. */
export function mondayOf(day: string): string {
  const weekday = new Date(parseDay(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The last day of the day's month ('2028-02-29' for any day of February 2028). */
export function lastDayOfMonth(day: string): string {
  return formatDay(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0));
}

/**
 * The same day of the month `n` months later ('YYYY-MM-DD'); a day the month does not have becomes
 * its last day (31 January + 1 month = 28 or 29 February).
 */
export function addMonths(day: string, n: number): string {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + n;
  const first = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`;
  const last = lastDayOfMonth(first);
  return Number(day.slice(8, 10)) > Number(last.slice(8, 10)) ? last : `${first.slice(0, 8)}${day.slice(8, 10)}`;
}

/** 'YYYY-MM-DD HH:mm' on the wall clock in China, for messages. */
export const chinaDateTime = (at: Date | number): string => {
  const s = chinaWallClock(at).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
};

/**
 * The same wall-clock time and day of month `months` later in China; a day the month does not
 * have becomes its last day (31 January → 28/29 February).
 */
export function addMonthsAt(at: Date, months: number): Date {
  const local = chinaWallClock(at);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const wall = Date.UTC(y, m, Math.min(local.getUTCDate(), lastDay), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return new Date(wall - CHINA_OFFSET_MS);
}
