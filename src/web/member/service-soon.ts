import { addDays, daysBetween } from '../../shared/china-time.ts';

/** A project this long or shorter is an event of its own days; a longer one runs in the background. */
export const SHORT_PROJECT_DAYS = 7;

interface Signup {
  status: 'confirmed' | 'waiting';
  project: { startsOn: string; endsOn: string };
}

/** Whether a project is on its way on `day` (China 'YYYY-MM-DD'): it starts that day, or it is short and runs that day. */
function on(project: Signup['project'], day: string): boolean {
  if (project.startsOn === day) return true;
  const short = daysBetween(project.startsOn, project.endsOn) < SHORT_PROJECT_DAYS;
  return short && project.startsOn <= day && day <= project.endsOn;
}

/**
 * 首页's line: the first confirmed sign-up whose project starts today or tomorrow, or is a short one
 * running then (a weeks-long project, such as weekly calls, would otherwise be on 首页 every day).
 */
export function soonSignup<S extends Signup>(signups: readonly S[], today: string): { signup: S; when: 'today' | 'tomorrow' } | null {
  const confirmed = signups.filter((s) => s.status === 'confirmed');
  const now = confirmed.find((s) => on(s.project, today));
  if (now) return { signup: now, when: 'today' };
  const next = confirmed.find((s) => on(s.project, addDays(today, 1)));
  return next ? { signup: next, when: 'tomorrow' } : null;
}
