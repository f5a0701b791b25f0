import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addMonthsAt, chinaDateTime, chinaDay, chinaDayStart, lastDayOfMonth, mondayOf } from './china-time.ts';

describe('China time', () => {
  it('takes the day in Beijing, not in UTC or the machine zone', () => {
    expect(chinaDay(new Date('2027-03-31T15:30:00Z'))).toBe('2027-03-31');
    expect(chinaDay(new Date('2027-03-31T16:00:00Z'))).toBe('2027-04-01');
    expect(chinaDayStart('2028-02-29').toISOString()).toBe('2028-02-28T16:00:00.000Z');
  });

  it('words a moment as the wall clock in Beijing', () => {
    expect(chinaDateTime(new Date('2027-03-31T15:30:00Z'))).toBe('2027-03-31 23:30');
    expect(chinaDateTime(new Date('2028-02-28T23:30:00Z'))).toBe('2028-02-29 07:30');
  });

  it('keeps the wall-clock time a month later and clamps to the month’s last day', () => {
    // 31 January 20:00 in Beijing → 29 February 2028 (leap year) and 28 February 2027, same hour.
    expect(chinaDateTime(addMonthsAt(new Date('2028-01-31T12:00:00Z'), 1))).toBe('2028-02-29 20:00');
    expect(chinaDateTime(addMonthsAt(new Date('2027-01-31T12:00:00Z'), 1))).toBe('2027-02-28 20:00');
    // 23:30 on 31 March in Beijing is still 31 March in UTC: the month is taken in Beijing.
    expect(chinaDateTime(addMonthsAt(new Date('2027-03-31T15:30:00Z'), 1))).toBe('2027-04-30 23:30');
    expect(chinaDateTime(addMonthsAt(new Date('2027-11-30T02:00:00Z'), 2))).toBe('2028-01-30 10:00');
  });

  it('counts calendar days across month, year and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(lastDayOfMonth('2028-02-10')).toBe('2028-02-29');
    expect(lastDayOfMonth('2100-02-10')).toBe('2100-02-28');
    expect(mondayOf('2028-02-29')).toBe('2028-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
  });
});
