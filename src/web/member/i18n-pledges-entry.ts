import type { Language } from './i18n.ts';

/**
 * The few words of 四个一承诺's entries on the app's first screens (我的's entry, 首页's line), apart
 * from i18n-pledges.ts so those screens do not load every word of 四个一承诺 with them.
 */
export interface PledgesEntryWords {
  /** 我的's entry: the title and its hint */
  me: string;
  meHint: string;
  /** 首页's line while the year's four pledges are not all written */
  homeLine: string;
}

export const pledgesEntryWords: Record<Language, PledgesEntryWords> = {
  'zh-CN': { me: '四个一承诺', meHint: '每年为家乡做四件实事，看跟进和结果', homeLine: '今年的四个一承诺还没写完，去写' },
  'en-US': { me: 'Four pledges', meHint: 'Four things for home each year; follow-up and outcomes', homeLine: 'Your four pledges for this year are not all written: write them' },
};
