/**
 * The anniversary of joining the party (政治生日) on 'YYYY-MM-DD' strings (China dates). Plain day
 * arithmetic (addDays, mondayOf, isRealDay) lives in src/server/clock.ts.
 */

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The day of the joining anniversary in `year`: 29 February is kept on 28 February in common years. */
export function anniversaryIn(joinDate: string, year: number): string {
  const md = joinDate.slice(5, 10);
  return `${String(year).padStart(4, '0')}-${md === '02-29' && !isLeapYear(year) ? '02-28' : md}`;
}

/** How many years the member has been in the party when `day` is their anniversary; null when it is not (or is the joining day itself). */
export function anniversaryYears(joinDate: string, day: string): number | null {
  const year = Number(day.slice(0, 4));
  const years = year - Number(joinDate.slice(0, 4));
  return years >= 1 && anniversaryIn(joinDate, year) === day ? years : null;
}

/** The month-days ('MM-DD') of join dates whose anniversary falls on one of these days. */
export function joinMonthDays(days: string[]): string[] {
  const keys = new Set<string>();
  for (const d of days) {
    keys.add(d.slice(5, 10));
    if (d.slice(5, 10) === '02-28' && !isLeapYear(Number(d.slice(0, 4)))) keys.add('02-29');
  }
  return [...keys];
}
