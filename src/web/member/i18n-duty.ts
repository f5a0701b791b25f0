import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/** Words of 值守 (duty shifts to sign up for, one's own shifts, swaps); they load with the screen and its entry. */
const zh = {
  dtTitle: '值守',
  dtIntro: '村里的值守点排班。选一个班次报名；临时有事，可以请同志换班。',
  dtMine: '我的班次',
  dtMineNone: '您还没有报名值守',
  dtOpen: '可以报名的班次',
  dtOpenNone: '现在没有空着的班次',
  dtOffers: '请您接班',
  dtWhen: '{day} {from}–{to}',
  dtPlaces: '还差 {n} 人',
  dtOnShift: '在班：{names}',
  dtSignUp: '报名这个班次',
  dtSignedUp: '报名成功：{when}',
  dtCancel: '不去了，取消报名',
  dtCancelConfirm: '确定取消 {when} 的值守吗？',
  dtCancelYes: '确定取消',
  dtCancelNo: '不取消',
  dtCancelled: '已取消报名',
  dtAskSwap: '有事去不了，请人换班',
  dtSwapWho: '请谁接班？',
  dtSwapAnyone: '谁有空都可以',
  dtSwapNote: '留言（可不填）',
  dtSwapSend: '发出换班请求',
  dtSwapSent: '换班请求已发出，有人接班后班次就转给他',
  dtSwapWaiting: '正在等人接班',
  dtSwapWaitingTo: '正在等 {name} 接班',
  dtSwapWithdraw: '撤回换班请求',
  dtSwapWithdrawn: '已撤回换班请求',
  dtSwapBack: '返回',
  dtOfferFrom: '{name} 请人接班',
  dtOfferFromComrade: '一位同志请人接班',
  dtOfferToMe: '{name} 请您接班',
  dtOfferNote: '留言：{note}',
  dtAccept: '我来接班',
  dtAccepted: '接班成功，这个班次现在是您的了',
  dtDecline: '接不了',
  dtDeclined: '已告诉对方您接不了',
} as const;

export type DutyMessageKey = keyof typeof zh;
export type DutyDictionary = Dictionary & Record<DutyMessageKey, string>;

const en: Record<DutyMessageKey, string> = {
  dtTitle: 'Duty',
  dtIntro: "The village's duty shifts. Pick a shift to sign up; if something comes up, ask a comrade to swap.",
  dtMine: 'My shifts',
  dtMineNone: 'You have not signed up for a shift',
  dtOpen: 'Shifts you can sign up for',
  dtOpenNone: 'No shifts with places left right now',
  dtOffers: 'Asked to take over',
  dtWhen: '{day} {from}–{to}',
  dtPlaces: '{n} more needed',
  dtOnShift: 'On it: {names}',
  dtSignUp: 'Sign up for this shift',
  dtSignedUp: 'Signed up: {when}',
  dtCancel: "I can't go: cancel",
  dtCancelConfirm: 'Cancel your shift on {when}?',
  dtCancelYes: 'Yes, cancel',
  dtCancelNo: 'Keep it',
  dtCancelled: 'Sign-up cancelled',
  dtAskSwap: "I can't go: ask for a swap",
  dtSwapWho: 'Who should take it?',
  dtSwapAnyone: 'Anyone who is free',
  dtSwapNote: 'Message (optional)',
  dtSwapSend: 'Send the swap request',
  dtSwapSent: 'Swap requested; the shift moves to whoever takes it',
  dtSwapWaiting: 'Waiting for someone to take it',
  dtSwapWaitingTo: 'Waiting for {name} to take it',
  dtSwapWithdraw: 'Withdraw the swap request',
  dtSwapWithdrawn: 'Swap request withdrawn',
  dtSwapBack: 'Back',
  dtOfferFrom: '{name} asks someone to take over',
  dtOfferFromComrade: 'A comrade asks someone to take over',
  dtOfferToMe: '{name} asks you to take over',
  dtOfferNote: 'Message: {note}',
  dtAccept: "I'll take it",
  dtAccepted: 'Done: this shift is yours now',
  dtDecline: "I can't",
  dtDeclined: "They will know you can't",
};

const duty: Record<Language, Record<DutyMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for the duty screen: `t` holds the app's words and its own. */
export function useDutyI18n(): Omit<I18n, 't'> & { t: DutyDictionary } {
  const i18n = useI18n();
  const t = useMemo<DutyDictionary>(() => ({ ...i18n.t, ...duty[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
