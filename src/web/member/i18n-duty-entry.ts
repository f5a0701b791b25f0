import type { Language } from './i18n.ts';

/**
 * The few words of 值守's entry on 我的, apart from i18n-duty.ts so that screen does not load every
 * word of 值守 with it.
 */
export interface DutyEntryWords {
  /** 我的's entry: the title and its hint */
  me: string;
  meHint: string;
}

export const dutyEntryWords: Record<Language, DutyEntryWords> = {
  'zh-CN': { me: '值守', meHint: '报名值守班次，请人换班' },
  'en-US': { me: 'Duty', meHint: 'Sign up for duty shifts, ask for a swap' },
};
