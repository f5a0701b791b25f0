import type { Dayjs } from 'dayjs';
import { chinaToday } from '../../china-day.ts';

/** Monday of the week a day falls in (China counts weeks from Monday, whatever the console's language). */
export function mondayOf(d: Dayjs): Dayjs {
  return d.subtract((d.day() + 6) % 7, 'day').startOf('day');
}

export const thisMonday = (): string => mondayOf(chinaToday()).format('YYYY-MM-DD');
