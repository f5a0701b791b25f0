import { addDays } from '../../clock.ts';

/** Working days an answer is due in unless the tenant set otherwise (settings.questionAnswerDays). */
export const ANSWER_WORKING_DAYS = 3;

/** Monday to Friday: the calendar has no holiday table (yet), so weekends are the days off. */
export function isWorkingDay(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The day an answer is due: `n` working days after the asked day (a question asked on Friday with
 * n = 3 is due on Wednesday; one asked on Saturday, on Wednesday too). Overdue is still unanswered
 * after that day.
 */
export function dueDay(askedDay: string, n = ANSWER_WORKING_DAYS): string {
  let day = askedDay;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) left--;
  }
  return day;
}
