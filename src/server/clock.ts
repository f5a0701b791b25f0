import { sql, type RawBuilder } from 'kysely';
import { CHINA_OFFSET_MS, chinaDay } from '../shared/china-time.ts';
import { isRealDay } from '../shared/calendar.ts';

/**
 * The one clock of the server. Use cases, jobs and the demo take "now" from `clock.now()`, and SQL
 * from `lianxin_now()` (migration 0014), never from `new Date()`, `Date.now()` or `now()`
 * (src/server/clock-guard.test.ts fails on those).
 *
 * It is real time, or — outside production, with LIANXIN_CLOCK_AT=<ISO instant> — real time shifted
 * so that the process starts at that moment. Time keeps flowing from there, so writes stay in
 * order; the same shift is set on every database connection (`lianxin.clock_offset`, in
 * milliseconds), so `lianxin_now()` and column defaults agree with the process. The test suite
 * runs again at other moments this way (vitest.config.ts): a month's last evening, 29 February,
 * a year from today.
 */
export interface Clock {
  now(): Date;
  /** How far this clock is ahead of real time, in milliseconds (negative: behind). */
  readonly offsetMs: number;
}

/** A clock that reads `startAt` now and keeps flowing; real time when `startAt` is undefined. */
export function clockStartingAt(startAt: Date | undefined): Clock {
  // The one legitimate reading of the machine's time: every other one goes through a Clock.
  const offsetMs = startAt ? startAt.getTime() - Date.now() : 0;
  return { offsetMs, now: () => new Date(Date.now() + offsetMs) };
}

/**
 * LIANXIN_CLOCK_AT: an ISO instant with its zone ('2028-02-29T10:00:00+08:00'). Returns the instant,
 * or what is wrong with the value.
 */
export function parseClockAt(raw: string): Date | string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    return 'must be an ISO instant with its zone, e.g. 2028-02-29T10:00:00+08:00';
  }
  const ms = Date.parse(raw);
  return Number.isNaN(ms) || !isRealDay(raw.slice(0, 10)) ? 'not a real moment' : new Date(ms);
}

/** The start moment this process was given, if any (config.ts lists a bad value as a problem; production refuses it). */
export function clockStartFromEnv(env: NodeJS.ProcessEnv): Date | undefined {
  const raw = env.LIANXIN_CLOCK_AT;
  if (!raw || env.NODE_ENV === 'production') return undefined;
  const at = parseClockAt(raw);
  return typeof at === 'string' ? undefined : at;
}

/** The process clock. */
export const clock: Clock = clockStartingAt(clockStartFromEnv(process.env));

/** SQL: the clock's "now" (the transaction's start, shifted like the process clock). */
export const sqlNow: RawBuilder<Date> = sql<Date>`lianxin_now()`;

/** The session setting that carries the clock's shift to `lianxin_now()` on one connection. */
export const clockOffsetStatement = (c: Clock): string => `SET lianxin.clock_offset = '${Math.round(c.offsetMs)}'`;

// ---------- China time: members live by Asia/Shanghai (UTC+8, no daylight saving) ----------

/** Members live by Asia/Shanghai: UTC+8, no daylight saving. */
export const SHANGHAI_OFFSET_MS = CHINA_OFFSET_MS;

/** The calendar day in Asia/Shanghai, 'YYYY-MM-DD'; today by the clock without an argument. */
export const shanghaiDate = (at: Date = clock.now()): string => chinaDay(at);

/** SQL: the start of today in Asia/Shanghai (a timestamptz), whatever the server's zone. */
export const shanghaiTodayStart: RawBuilder<Date> = sql<Date>`(((lianxin_now() AT TIME ZONE 'Asia/Shanghai')::date)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

/** SQL: today in Asia/Shanghai, a date. */
export const shanghaiTodaySql: RawBuilder<string> = sql<string>`(lianxin_now() AT TIME ZONE 'Asia/Shanghai')::date`;

// ---------- calendar days: 'YYYY-MM-DD' strings, no time of day ----------

export { isRealDay } from '../shared/calendar.ts';
export { addDays, addMonths, daysBetween, lastDayOfMonth, mondayOf } from '../shared/china-time.ts';
