import type { MyMakeup, MySession, Today } from './api.ts';

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
  const kept: Today = {
    ...today,
    makeups: today.makeups.map(keptMakeup),
    nextSession: today.nextSession ? keptSession(today.nextSession) : null,
    checkinOpen: today.checkinOpen.map(keptSession),
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(kept));
  } catch {
    // Storage full or disabled: the app still works online.
  }
}

export function loadToday(): Today | null {
  try {
    const text = localStorage.getItem(KEY);
    if (!text) return null;
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'pushes' in value && Array.isArray(value.pushes)) return value as Today;
  } catch {
    // Unreadable: treat as absent.
  }
  return null;
}

export function forgetToday(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing to do.
  }
}
