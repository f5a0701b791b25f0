import type { MyMakeup, MySession, Today } from './api.ts';
import { forget, keep, recall } from './kept.ts';

/**
 * The last "today" seen, kept on the phone so the member still sees what is due when the signal
 * drops. What the member wrote (reflections, answers), the secretary's notes and meeting links
 * (they let anyone join) are dropped; offline they could not be used anyway.
 */
const KEY = 'lx_member_today';

function keptSession(session: MySession): MySession {
  return { ...session, meetingUrl: null, replayUrl: null };
}

function keptMakeup(makeup: MyMakeup): MyMakeup {
  return { ...makeup, replayUrl: null, reflection: null, answers: null, reviewNote: null };
}

export function saveToday(today: Today): void {
  keep(KEY, {
    ...today,
    makeups: today.makeups.map(keptMakeup),
    nextSession: today.nextSession ? keptSession(today.nextSession) : null,
    checkinOpen: today.checkinOpen.map(keptSession),
  } satisfies Today);
}

/** Fields a copy kept by an older version of the app may lack. */
const ADDED_LATER: Pick<Today, 'careTasksOverdue' | 'talksOverdue' | 'politicalBirthday' | 'unopenedCards'> = {
  careTasksOverdue: 0,
  talksOverdue: 0,
  politicalBirthday: null,
  unopenedCards: 0,
};

export function loadToday(): Today | null {
  const value = recall(KEY, 'pushes');
  return value && Array.isArray(value.pushes) ? ({ ...ADDED_LATER, ...value } as unknown as Today) : null;
}

export function forgetToday(): void {
  forget(KEY);
}
