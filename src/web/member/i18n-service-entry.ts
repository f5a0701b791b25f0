import type { Language } from './i18n.ts';

/**
 * The few words of 志愿服务's entries on the app's first screens (我的's entry, 首页's line), apart
 * from i18n-service.ts so those screens do not load every word of 志愿服务 with them.
 */
export interface ServiceEntryWords {
  /** 我的's entry: the title and its hint */
  me: string;
  meHint: string;
  /** 首页's line: "{when}有志愿服务：{title}" */
  homeSoon: string;
  homeToday: string;
  homeTomorrow: string;
}

export const serviceEntryWords: Record<Language, ServiceEntryWords> = {
  'zh-CN': { me: '志愿服务', meHint: '报名参加项目，记录服务时长', homeSoon: '{when}有志愿服务：{title}', homeToday: '今天', homeTomorrow: '明天' },
  'en-US': {
    me: 'Volunteer service',
    meHint: 'Sign up for projects and record your service time',
    homeSoon: 'Volunteer service {when}: {title}',
    homeToday: 'today',
    homeTomorrow: 'tomorrow',
  },
};
