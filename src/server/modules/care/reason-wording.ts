import type { CareTask, CareTaskDetail } from '../../../shared/api-care.ts';
import type { Lang } from '../../i18n/lang.ts';
import { say } from '../../i18n/translate.ts';

/**
 * What the rules word into a care task, in the caller's language when it is answered. The rules
 * (coverage's absence and unread streaks, care's lost-contact rule, reach's unreachable rule, a snooze that ran out) store
 * their reason and notes in Chinese with the numbers in them, as they always have; those sentences
 * have fixed forms (messages-en.ts, "care tasks raised by rules"), so an en-US caller gets them in
 * English from the stored text, old rows included. What people typed stays as they typed it.
 */

/** Kinds a rule raises; only their reason and closing note are worded by the server. */
const RULE_KINDS = new Set<CareTask['kind']>(['absence_streak', 'unread_streak', 'lost_contact', 'unreachable']);
/** Events whose note the server words (a reassignment, a new due day) rather than a person. */
const WORDED_EVENTS = new Set<CareTaskDetail['history'][number]['kind']>(['reassigned', 'due_changed']);
/** The actor of what the scheduled rules do. */
export const SYSTEM_ACTOR = '系统';

export function taskInLanguage<T extends CareTask>(task: T, lang: Lang | undefined): T {
  if (lang !== 'en-US' || !RULE_KINDS.has(task.kind)) return task;
  return { ...task, reason: say(lang, task.reason), note: task.note === null ? null : say(lang, task.note) };
}

export function detailInLanguage(task: CareTaskDetail, lang: Lang | undefined): CareTaskDetail {
  if (lang !== 'en-US') return task;
  return {
    ...taskInLanguage(task, lang),
    history: task.history.map((e) => {
      const bySystem = e.actorName === SYSTEM_ACTOR;
      if (!bySystem && !WORDED_EVENTS.has(e.kind)) return e;
      return { ...e, actorName: e.actorName === null ? null : say(lang, e.actorName), note: e.note === null ? null : say(lang, e.note) };
    }),
  };
}
