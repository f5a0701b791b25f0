import dayjs, { type Dayjs } from 'dayjs';

/** Monday of the week a day falls in (China counts weeks from Monday, whatever the console's language). */
export function mondayOf(d: Dayjs): Dayjs {
  return d.subtract((d.day() + 6) % 7, 'day').startOf('day');
}

export const thisMonday = (): string => mondayOf(dayjs()).format('YYYY-MM-DD');
