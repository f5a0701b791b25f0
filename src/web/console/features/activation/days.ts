import { chinaDay, daysBetween } from '../../../../shared/china-time.ts';

/** The China day an instant falls on ('YYYY-MM-DD'): an expiry is printed as the day it ends on. */
export const chinaDayOf = (iso: string): string => chinaDay(new Date(iso));

/** Whole China days from `now`'s day until the expiry's day: 0 when it expires today (never below 0). */
export function daysLeft(expiresAt: string, now: number): number {
  return Math.max(0, daysBetween(chinaDay(now), chinaDayOf(expiresAt)));
}
