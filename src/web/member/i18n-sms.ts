import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/**
 * Words of signing in with a code by SMS (短信验证码登录). Plain words: some members are over 80.
 */
const zh = {
  smsLoginOffer: '短信验证码登录',
  smsLoginTitle: '短信验证码登录',
  smsLoginIntro: '输入手机号，获取验证码，收到短信后填进来就能登录。',
  smsCode: '验证码',
  smsCodeHint: '短信里的 6 位数字，5 分钟内有效',
  smsGetCode: '获取验证码',
  smsResendIn: '{n} 秒后可重新获取',
  smsResend: '重新获取验证码',
  smsSending: '正在发送…',
  smsPhoneMissing: '请输入 11 位手机号',
  smsCodeMissing: '请输入短信里的 6 位验证码',
  smsSignIn: '登录',
  smsSigningIn: '正在登录…',
  smsUsePassword: '用密码登录',
};

export type SmsMessageKey = keyof typeof zh;
export type SmsDictionary = Dictionary & Record<SmsMessageKey, string>;

const en: Record<SmsMessageKey, string> = {
  smsLoginOffer: 'Sign in with a code by SMS',
  smsLoginTitle: 'Sign in with an SMS code',
  smsLoginIntro: 'Enter your phone number and ask for a code; type the code from the SMS to sign in.',
  smsCode: 'Code',
  smsCodeHint: 'The 6 digits in the SMS, valid for 5 minutes',
  smsGetCode: 'Get a code',
  smsResendIn: 'Ask again in {n} s',
  smsResend: 'Send the code again',
  smsSending: 'Sending…',
  smsPhoneMissing: 'Please enter your 11-digit phone number',
  smsCodeMissing: 'Please enter the 6-digit code from the SMS',
  smsSignIn: 'Sign in',
  smsSigningIn: 'Signing in…',
  smsUsePassword: 'Sign in with a password',
};

const sms: Record<Language, Record<SmsMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for signing in by SMS: `t` holds the app's words and its own. */
export function useSmsI18n(): Omit<I18n, 't'> & { t: SmsDictionary } {
  const i18n = useI18n();
  const t = useMemo<SmsDictionary>(() => ({ ...i18n.t, ...sms[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
