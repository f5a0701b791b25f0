import type { MyProfile } from './api.ts';
import { forget, keep, recall } from './kept.ts';

/**
 * The last profile seen, kept on the phone so the contact person's number still shows when the
 * signal drops. Only what the home screen displays is kept; sensitive notes are dropped.
 */
const KEY = 'lx_member_profile';

export function saveProfile(profile: MyProfile): void {
  keep(KEY, {
    ...profile,
    member: {
      ...profile.member,
      idNumberMasked: null,
      hardshipNote: null,
      homeAddress: null,
      birthDate: null,
      mobilityHistory: [],
    },
  } satisfies MyProfile);
}

export function loadProfile(): MyProfile | null {
  return recall(KEY, 'member') as MyProfile | null;
}

export function forgetProfile(): void {
  forget(KEY);
}
