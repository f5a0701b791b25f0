import { CHINA_OFFSET_MS } from '../../../shared/china-time.ts';

const DAY_MS = 86_400_000;
const minutesOf = (hhmm: string): number => {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/**
 * The first moment at or after `at` outside the quiet hours (China time, 'HH:MM'–'HH:MM'; a span
 * over midnight like 21:00–08:00 is the night). Equal start and end: no quiet hours.
 */
export function outsideQuietHours(at: Date, start: string, end: string): Date {
  const s = minutesOf(start);
  const e = minutesOf(end);
  if (s === e) return at;
  const wall = at.getTime() + CHINA_OFFSET_MS;
  const dayStart = Math.floor(wall / DAY_MS) * DAY_MS;
  const minute = (wall - dayStart) / 60_000;
  const endToday = dayStart + e * 60_000 - CHINA_OFFSET_MS;
  if (s > e) {
    if (minute >= s) return new Date(endToday + DAY_MS);
    if (minute < e) return new Date(endToday);
    return at;
  }
  return minute >= s && minute < e ? new Date(endToday) : at;
}

/** The end of the quiet hours on the China day after `at`'s (where an SMS over the daily cap waits). */
export function nextDayQuietEnd(at: Date, end: string): Date {
  const wall = at.getTime() + CHINA_OFFSET_MS;
  const dayStart = Math.floor(wall / DAY_MS) * DAY_MS;
  return new Date(dayStart + DAY_MS + minutesOf(end) * 60_000 - CHINA_OFFSET_MS);
}
