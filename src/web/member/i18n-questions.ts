import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/** Words of 有问必答 (asking the branch, one's questions, the unit's FAQ, a mentor's answers); they load with its screens. */
const zh = {
  qTitle: '有问必答',
  qIntro: '有什么想问支部的，都可以在这里问。支部书记和您的联系人会在几个工作日内回复，每个问题下面写着回复期限。',
  qTabMine: '我的提问',
  qTabAsk: '我要提问',
  qTabFaq: '常见问答',
  qTabToAnswer: '待我回答',
  qNone: '您还没有提过问题',
  qAskNow: '我要提问',
  qStatusOpen: '等待回复',
  qStatusAnswered: '已回复',
  qStatusLate: '回复晚了，已提醒书记',
  qNewAnswer: '有新回复',
  qAskedOn: '{date} 提问',
  qTitleBody: '{title}：{body}',
  qDueOn: '{date} 前回复',
  qBodyLabel: '您的问题',
  qBodyHint: '用自己的话写清楚想问什么，不超过 1000 字',
  qBodyMissing: '请写下您的问题',
  qBodyTooLong: '问题不能超过 1000 字',
  qWhoSees: '谁可以看到',
  qPrivate: '只给书记和联系人看',
  qPrivateHint: '只有支部书记和您的联系人能看到这个问题。',
  qPublic: '可以公开',
  qPublicHint: '书记会去掉您的姓名、电话等个人信息，把问题和回答放进“常见问答”，帮助其他党员。',
  qSend: '发送问题',
  qSent: '问题已发给支部，回复后会通知您',
  qQueued: '没有信号，问题已保存在手机上，有信号时自动发送',
  qFaqNone: '还没有常见问答',
  qFaqFrom: '来自{unit}',
  qToAnswerNone: '您联系的党员还没有提问',
  qFrom: '{name} 的提问',
  qAnswerLabel: '您的回复',
  qAnswerMissing: '请写下回复',
  qAnswerSend: '发送回复',
  qAnswerSent: '回复已发送',
  qAnswers: '回复',
  qNoAnswerYet: '还没有回复，请耐心等待',
  qByRoleSecretary: '{name}（书记）',
  qByRoleMentor: '{name}（联系人）',
  qDetailTitle: '我的提问',
  qPublicMark: '可以公开',
  qPrivateMark: '仅书记和联系人可见',
  qHomeLine: '您的提问有了回复，点这里查看',
  qMeEntry: '我的提问',
  qMeHint: '向支部提问，查看回复和常见问答',
};
type QuestionsKey = keyof typeof zh;
export type QuestionsDictionary = Dictionary & Record<QuestionsKey, string>;

const en: Record<QuestionsKey, string> = {
  qTitle: 'Ask the branch',
  qIntro: 'Ask your branch anything here. The branch secretary and your mentor answer within a few working days; each question shows when.',
  qTabMine: 'My questions',
  qTabAsk: 'Ask',
  qTabFaq: 'FAQ',
  qTabToAnswer: 'To answer',
  qNone: 'You have not asked anything yet',
  qAskNow: 'Ask a question',
  qStatusOpen: 'Waiting for an answer',
  qStatusAnswered: 'Answered',
  qStatusLate: 'Answer late; the secretary was reminded',
  qNewAnswer: 'New answer',
  qAskedOn: 'Asked {date}',
  qTitleBody: '{title}: {body}',
  qDueOn: 'Answer by {date}',
  qBodyLabel: 'Your question',
  qBodyHint: 'Say in your own words what you want to know, up to 1000 characters',
  qBodyMissing: 'Please write your question',
  qBodyTooLong: 'The question may not exceed 1000 characters',
  qWhoSees: 'Who can see it',
  qPrivate: 'Only the secretary and my mentor',
  qPrivateHint: 'Only the branch secretary and your mentor see this question.',
  qPublic: 'May be published',
  qPublicHint: 'The secretary removes your name, phone and other personal details and puts the question and answer into the FAQ, to help other members.',
  qSend: 'Send question',
  qSent: 'Your question went to the branch; you will be told when it is answered',
  qQueued: 'No signal: the question is kept on the phone and sent when the signal returns',
  qFaqNone: 'No FAQ yet',
  qFaqFrom: 'From {unit}',
  qToAnswerNone: 'Your mentees have not asked anything',
  qFrom: 'Question from {name}',
  qAnswerLabel: 'Your answer',
  qAnswerMissing: 'Please write an answer',
  qAnswerSend: 'Send answer',
  qAnswerSent: 'Answer sent',
  qAnswers: 'Answers',
  qNoAnswerYet: 'No answer yet; please wait a little',
  qByRoleSecretary: '{name} (secretary)',
  qByRoleMentor: '{name} (mentor)',
  qDetailTitle: 'My question',
  qPublicMark: 'May be published',
  qPrivateMark: 'Only the secretary and mentor',
  qHomeLine: 'Your question has an answer: tap to read it',
  qMeEntry: 'My questions',
  qMeHint: 'Ask the branch, read answers and the FAQ',
};

const words: Record<Language, Record<QuestionsKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for 有问必答: `t` holds the app's words and its own. */
export function useQuestionsI18n(): Omit<I18n, 't'> & { t: QuestionsDictionary } {
  const i18n = useI18n();
  const t = useMemo<QuestionsDictionary>(() => ({ ...i18n.t, ...words[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}

/** The 首页 line and the 我的 entry (loaded with the first screen: a few words). */
export const questionsEntryWords: Record<Language, { home: string; me: string; meHint: string }> = {
  'zh-CN': { home: zh.qHomeLine, me: zh.qMeEntry, meHint: zh.qMeHint },
  'en-US': { home: en.qHomeLine, me: en.qMeEntry, meHint: en.qMeHint },
};
