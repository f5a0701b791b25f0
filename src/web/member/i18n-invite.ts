import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';
import type { DeviceBrowser, DeviceKind } from '../../shared/api-invitations.ts';

/**
 * Words of getting in by an invitation link, of 记住这台手机 and of 我的登录设备. Plain words: some
 * members are over 80 and read them in WeChat on a cheap phone.
 */
const zh = {
  // the invitation page
  inviteTitle: '开通连心',
  inviteWelcome: '{name}同志，您好！',
  inviteUnit: '所在组织：{unit}',
  inviteIntro: '请先核对一下您的身份，再设置自己的登录密码。',
  inviteAskIdLast4: '请输入身份证号码后4位',
  inviteAskIdLast4Hint: '最后一位是 X 的，输入 X 或 x 都可以',
  inviteAskBirthDate: '请选择您的出生日期',
  inviteSetPassword: '设置密码',
  inviteRepeatPassword: '再输入一次密码',
  inviteMissingAnswer: '请先填写上面的核对信息',
  inviteSubmit: '开通并进入连心',
  inviteSubmitting: '正在开通…',
  inviteUsed: '这个链接已经用过了。请直接用手机号和密码登录。',
  inviteExpired: '这个链接已经过期了，请联系书记重新发一个。',
  inviteRevoked: '这个链接已经作废了，请联系书记重新发一个。',
  inviteLocked: '输错的次数太多了，请 {time} 以后再试，或者联系书记。',
  inviteNotFound: '这个链接打不开，可能没有复制完整。请联系书记重新发一个。',
  inviteAskWhom: '可以联系：{name}',
  inviteGoLogin: '去登录',

  // 记住这台手机
  rememberPhone: '记住这台手机',
  rememberPhoneHint: '自己的手机请勾选，下次打开不用再输密码；别人的手机请不要勾选。',

  // 我的登录设备
  devicesTitle: '我的登录设备',
  devicesHint: '看看哪些手机或电脑登录着您的连心，不认识的可以退出。',
  devicesOpen: '查看登录设备',
  devicesThis: '这台手机',
  devicesSince: '{date} 登录',
  devicesLastSeen: '最近使用：{date}',
  devicesRemembered: '已记住',
  devicesSignOut: '退出',
  devicesSigningOut: '正在退出…',
  devicesSignOutOthers: '退出其他设备',
  devicesSignedOutOthers: '已退出其他 {n} 台设备',
  devicesOnlyThis: '只有这台手机登录着。',
  deviceWord: '{browser} · {device}',

  browser_wechat: '微信',
  browser_wecom: '企业微信',
  browser_dingtalk: '钉钉',
  browser_feishu: '飞书',
  browser_qq: 'QQ浏览器',
  browser_uc: 'UC浏览器',
  browser_quark: '夸克',
  browser_edge: 'Edge浏览器',
  browser_chrome: 'Chrome浏览器',
  browser_firefox: '火狐浏览器',
  browser_safari: 'Safari浏览器',
  browser_other: '浏览器',

  device_android_phone: '安卓手机',
  device_iphone: '苹果手机',
  device_ipad: '苹果平板',
  device_android_tablet: '安卓平板',
  device_harmony_phone: '华为鸿蒙手机',
  device_windows: 'Windows电脑',
  device_mac: '苹果电脑',
  device_linux: 'Linux电脑',
  device_other: '其他设备',
};

export type InviteMessageKey = keyof typeof zh;
export type InviteDictionary = Dictionary & Record<InviteMessageKey, string>;

const en: Record<InviteMessageKey, string> = {
  inviteTitle: 'Join Lianxin',
  inviteWelcome: 'Hello, {name}!',
  inviteUnit: 'Your unit: {unit}',
  inviteIntro: 'First we check that it is you, then you choose your own password.',
  inviteAskIdLast4: 'Enter the last 4 characters of your ID number',
  inviteAskIdLast4Hint: 'If the last one is an X, type X or x',
  inviteAskBirthDate: 'Choose your birth date',
  inviteSetPassword: 'Choose a password',
  inviteRepeatPassword: 'Type the password again',
  inviteMissingAnswer: 'Please fill in the check above first',
  inviteSubmit: 'Join and open Lianxin',
  inviteSubmitting: 'Joining…',
  inviteUsed: 'This link has been used. Sign in with your phone number and password.',
  inviteExpired: 'This link has expired. Ask your secretary for a new one.',
  inviteRevoked: 'This link was withdrawn. Ask your secretary for a new one.',
  inviteLocked: 'Too many wrong tries. Try again after {time}, or ask your secretary.',
  inviteNotFound: 'This link does not open; it may not have been copied whole. Ask your secretary for a new one.',
  inviteAskWhom: 'You can ask: {name}',
  inviteGoLogin: 'Sign in',

  rememberPhone: 'Remember this phone',
  rememberPhoneHint: 'Tick it on your own phone and you need no password next time; do not tick it on someone else’s phone.',

  devicesTitle: 'My signed-in devices',
  devicesHint: 'See which phones or computers are signed in to your Lianxin, and sign out any you do not know.',
  devicesOpen: 'See signed-in devices',
  devicesThis: 'This phone',
  devicesSince: 'Signed in {date}',
  devicesLastSeen: 'Last used: {date}',
  devicesRemembered: 'Remembered',
  devicesSignOut: 'Sign out',
  devicesSigningOut: 'Signing out…',
  devicesSignOutOthers: 'Sign out all other devices',
  devicesSignedOutOthers: 'Signed out {n} other device(s)',
  devicesOnlyThis: 'Only this phone is signed in.',
  deviceWord: '{browser} · {device}',

  browser_wechat: 'WeChat',
  browser_wecom: 'WeCom',
  browser_dingtalk: 'DingTalk',
  browser_feishu: 'Feishu',
  browser_qq: 'QQ Browser',
  browser_uc: 'UC Browser',
  browser_quark: 'Quark',
  browser_edge: 'Edge',
  browser_chrome: 'Chrome',
  browser_firefox: 'Firefox',
  browser_safari: 'Safari',
  browser_other: 'Browser',

  device_android_phone: 'Android phone',
  device_iphone: 'iPhone',
  device_ipad: 'iPad',
  device_android_tablet: 'Android tablet',
  device_harmony_phone: 'HarmonyOS phone',
  device_windows: 'Windows computer',
  device_mac: 'Mac',
  device_linux: 'Linux computer',
  device_other: 'Other device',
};

const invite: Record<Language, Record<InviteMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for the invitation page, the login's 记住这台手机 and the devices screen. */
export function useInviteI18n(): Omit<I18n, 't'> & { t: InviteDictionary } {
  const i18n = useI18n();
  const t = useMemo<InviteDictionary>(() => ({ ...i18n.t, ...invite[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}

/** "微信 · 安卓手机": a device in plain words. */
export function deviceWords(t: InviteDictionary, browser: DeviceBrowser, device: DeviceKind): string {
  return t.deviceWord.replace('{browser}', t[`browser_${browser}`]).replace('{device}', t[`device_${device}`]);
}
