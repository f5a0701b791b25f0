/**
 * Service time is stored as whole minutes (service_log.minutes). How it is shown, in one place for
 * the phone (1 小时 30 分钟), the public disclosure page (the same words in Chinese) and the
 * console (hours with one decimal, "1.5", for tables, totals and charts). Pure: no zod, no dates.
 */

export type MinutesLanguage = 'zh-CN' | 'en-US';

/** 90 → 1 小时 30 分钟 / 1 h 30 min; 120 → 2 小时 / 2 h; 0 → 0 分钟 / 0 min. Fractions round; negatives show as 0. */
export function minutesText(minutes: number, language: MinutesLanguage = 'zh-CN'): string {
  const whole = Number.isFinite(minutes) ? Math.max(0, Math.round(minutes)) : 0;
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  if (language === 'zh-CN') {
    if (h === 0) return `${m} 分钟`;
    return m === 0 ? `${h} 小时` : `${h} 小时 ${m} 分钟`;
  }
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Minutes as hours rounded to one decimal (90 → 1.5, 100 → 1.7), as a number for charts. */
export function minutesToHours(minutes: number): number {
  return Math.round((minutes / 60) * 10) / 10;
}

/** Minutes as hours with one decimal, as text for tables and totals (90 → "1.5", 0 → "0.0"). */
export function hoursText(minutes: number): string {
  return minutesToHours(minutes).toFixed(1);
}
