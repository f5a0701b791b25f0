import type { MyProfile } from './api.ts';

/**
 * The last profile seen, kept on the phone so the contact person's number still shows when the
 * signal drops. Only what the home screen displays is kept; sensitive notes are dropped.
 */
const KEY = 'lx_member_profile';

export function saveProfile(profile: MyProfile): void {
  const kept: MyProfile = {
    ...profile,
    member: {
      ...profile.member,
      idNumberMasked: null,
      hardshipNote: null,
      homeAddress: null,
      birthDate: null,
      mobilityHistory: [],
    },
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(kept));
  } catch {
    // Storage full or disabled: nothing to keep, the app still works online.
  }
}

export function loadProfile(): MyProfile | null {
  try {
    const text = localStorage.getItem(KEY);
    if (!text) return null;
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'member' in value) return value as MyProfile;
  } catch {
    // Unreadable: treat as absent.
  }
  return null;
}

export function forgetProfile(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing to do.
  }
}
