import { describe, expect, it } from 'vitest';
import { chinaDayOf, daysLeft } from './days.ts';

/** Days are China's, whatever zone the secretary's computer is set to: the instants below are fixed. */
describe('an invitation’s days', () => {
  it('prints the China day an expiry falls on', () => {
    // 2026-03-09 23:30 in UTC is already the 10th in China
    expect(chinaDayOf('2026-03-09T23:30:00.000Z')).toBe('2026-03-10');
    expect(chinaDayOf('2026-03-09T15:59:59.000Z')).toBe('2026-03-09');
  });

  it('counts whole China days left, 0 on the last day and after it', () => {
    const now = Date.parse('2026-03-09T02:00:00.000Z'); // 10:00 on the 9th in China
    expect(daysLeft('2026-03-16T02:00:00.000Z', now)).toBe(7);
    // late on the 9th in China is still today; just past China's midnight is tomorrow
    expect(daysLeft('2026-03-09T15:59:00.000Z', now)).toBe(0);
    expect(daysLeft('2026-03-09T16:01:00.000Z', now)).toBe(1);
    expect(daysLeft('2026-03-01T00:00:00.000Z', now)).toBe(0);
    // across the end of February in a leap-free year
    expect(daysLeft('2026-03-01T04:00:00.000Z', Date.parse('2026-02-27T04:00:00.000Z'))).toBe(2);
  });
});
