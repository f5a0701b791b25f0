import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/**
 * Words of the 通知方式 screen (how the member is told of new study items and meetings). Plain words:
 * some members are over 80. They travel with the screen, not with the app's first download.
 */
const zh = {
  noticesIntro: '有新的学习内容或开会通知时，我们会用下面的方式提醒您。不管有没有提醒，打开连心都能看到。',
  inAppTitle: '在连心里看',
  inAppText: '每次打开连心，首页都会列出新的学习和通知。',

  smsTitle: '短信',
  smsSwitch: '短信提醒（每天最多 {n} 条，晚上不发）',
  smsQuiet: '晚上 {start} 到第二天早上 {end} 不发短信',
  smsConsentAt: '您在 {date} 同意了接收短信',
  smsNotAvailable: '本村还没有开通短信提醒。您可以先打开，开通后就会按您的选择发送。',

  pushTitle: '本机通知',
  pushSwitch: '本机通知',
  pushHint: '手机会像收到消息一样弹出提醒。有的手机收不到，最好同时打开短信提醒。',
  pushWeChat: '微信里不能接收本机通知，请留意短信和群消息',
  pushUnsupported: '这个浏览器不能接收本机通知，请留意短信和群消息',
  pushDenied: '您已经在浏览器里拒绝了本网站的通知。想打开的话，请在浏览器设置里允许通知，再回到这里。',
  pushFailed: '这台手机暂时收不到本机通知（可能连不上推送服务）。请留意短信和群消息。',
  pushOtherDevices: '您还有 {n} 台别的设备开着本机通知',

  robotTitle: '群消息',
  robotSwitch: '我会看群里的通知',
  robotHint: '关掉后，短信会更早提醒您',
  robotGroups: '您所在的这些群会收到通知：',
  robotNone: '您所在的组织还没有设置群机器人，通知会在连心里和短信里告诉您。',
  robot_wecom: '企业微信',
  robot_dingtalk: '钉钉',
  robot_feishu: '飞书',

  channelsSaving: '正在保存…',
  channelsSaved: '已保存',
};

export type NoticesMessageKey = keyof typeof zh;
export type NoticesDictionary = Dictionary & Record<NoticesMessageKey, string>;

const en: Record<NoticesMessageKey, string> = {
  noticesIntro: 'When there is something new to study or a meeting, we remind you in the ways below. Whether reminded or not, you always find it when you open Lianxin.',
  inAppTitle: 'In Lianxin',
  inAppText: 'Every time you open Lianxin, the home screen lists what is new to study and every notice.',

  smsTitle: 'Text messages',
  smsSwitch: 'Text message reminders (at most {n} a day, none at night)',
  smsQuiet: 'No text messages from {start} in the evening to {end} the next morning',
  smsConsentAt: 'You agreed to text messages on {date}',
  smsNotAvailable: 'Text message reminders are not set up here yet. You can turn them on now; they start once set up.',

  pushTitle: 'Phone notifications',
  pushSwitch: 'Notifications on this phone',
  pushHint: 'Your phone shows a reminder as it does for a message. Some phones do not get them, so also turn on text messages.',
  pushWeChat: 'WeChat cannot show notifications from this page. Watch for text messages and group messages.',
  pushUnsupported: 'This browser cannot show notifications. Watch for text messages and group messages.',
  pushDenied: 'You said no to notifications from this site in the browser. To turn them on, allow notifications in the browser settings, then come back here.',
  pushFailed: 'This phone cannot get notifications right now (the push service may be out of reach). Watch for text messages and group messages.',
  pushOtherDevices: 'Notifications are also on for {n} other device(s)',

  robotTitle: 'Group messages',
  robotSwitch: 'I read the notices in my groups',
  robotHint: 'Turn it off and text messages remind you sooner',
  robotGroups: 'These groups of yours get the notices:',
  robotNone: 'Your units have no group robot yet; notices reach you in Lianxin and by text message.',
  robot_wecom: 'WeCom',
  robot_dingtalk: 'DingTalk',
  robot_feishu: 'Feishu',

  channelsSaving: 'Saving…',
  channelsSaved: 'Saved',
};

const notices: Record<Language, Record<NoticesMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for the 通知方式 screen: `t` holds the app's words and its own. */
export function useNoticesI18n(): Omit<I18n, 't'> & { t: NoticesDictionary } {
  const i18n = useI18n();
  const t = useMemo<NoticesDictionary>(() => ({ ...i18n.t, ...notices[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
