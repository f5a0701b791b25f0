/**
 * Calendar checks for the 'YYYY-MM-DD' days and 'YYYY-MM' months of the HTTP contract, shared by the
 * server (validation, day arithmetic) and the web apps. A string can match the pattern and still name
 * no day ('2026-02-30'); PostgreSQL answers such a day, or year 0000, with an error instead of a row.
 */

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Whether the string names a day the calendar has ('2026-02-30' does not). Years below 100 are refused:
 * Date.UTC, which the day arithmetic in clock.ts relies on, reads them as 19xx.
 */
export function isRealDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 100 && month >= 1 && month <= 12 && date >= 1 && date <= daysInMonth(year, month);
}

/** Whether a day or month ('YYYY-MM-DD' or 'YYYY-MM') falls in the years first..last. */
export const inYears = (dayOrMonth: string, first: number, last: number): boolean => {
  const year = Number(dayOrMonth.slice(0, 4));
  return year >= first && year <= last;
};
