import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/** Words of reading without signal (the copy of an item kept on the phone) and of a full phone. */
const zh = {
  keptCopy: '现在没有网络，这是保存在手机上的内容',
  withdrawn: '这篇学习内容已被撤下',
  withdrawnHint: '它已经从您的学习列表里去掉了，不用再看。',
  storageFull: '手机存储已满，部分内容没能保存',
  storageFullOk: '知道了',
};

export type OfflineMessageKey = keyof typeof zh;
export type OfflineDictionary = Dictionary & Record<OfflineMessageKey, string>;

const en: Record<OfflineMessageKey, string> = {
  keptCopy: 'No network now: this is the copy saved on your phone',
  withdrawn: 'This study item has been withdrawn',
  withdrawnHint: 'It has been taken off your study list; there is nothing more to read.',
  storageFull: 'The phone’s storage is full: some items could not be saved',
  storageFullOk: 'OK',
};

const offline: Record<Language, Record<OfflineMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for reading without signal: `t` holds the app's words and these. */
export function useOfflineI18n(): Omit<I18n, 't'> & { t: OfflineDictionary } {
  const i18n = useI18n();
  const t = useMemo<OfflineDictionary>(() => ({ ...i18n.t, ...offline[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
