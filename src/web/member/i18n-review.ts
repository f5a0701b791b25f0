import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/** Words of 季度评议 (the quarterly review: one's self-summary and result); they load with its screen and the entries to it. */
const zh = {
  rvTitle: '季度评议',
  rvIntro: '每季度一次：您的学习、互动、谈心记录由系统自动汇总，再加上您写的自我小结，书记对照评分。',
  rvNone: '现在没有需要您写的自我小结，也还没有公布的评议结果',
  rvOpen: '{quarter} 季度评议',
  rvSummaryLabel: '我的自我小结',
  rvSummaryHint: '写写这个季度在外地学习、工作、联系家乡的情况，不超过 1000 字。书记开始评分前都可以修改。',
  rvSummaryMissing: '请写自我小结',
  rvSummarySend: '提交自我小结',
  rvSummarySent: '自我小结已提交，书记开始评分前可以修改',
  rvSummaryDraft: '草稿已保存在本机',
  rvSubmittedAt: '已于 {date} 提交',
  rvResults: '评议结果',
  rvResult: '{quarter} 评议结果',
  rvTotal: '总分 {total} 分',
  rvItemScore: '{score} / {points}',
  rvComment: '书记评语',
  rvNew: '新',
  rvHomeDue: '季度评议：请写自我小结',
  rvHomeResult: '季度评议结果已公布，去看看',
  rvMeHint: '自我小结、评议结果',
};

export type ReviewMessageKey = keyof typeof zh;
export type ReviewDictionary = Dictionary & Record<ReviewMessageKey, string>;

const en: Record<ReviewMessageKey, string> = {
  rvTitle: 'Quarterly review',
  rvIntro: 'Once a quarter: your study, sharing and talks are gathered from the records; with your own self-summary, the secretary scores them.',
  rvNone: 'No self-summary is due and no result has been published yet',
  rvOpen: 'Quarterly review {quarter}',
  rvSummaryLabel: 'My self-summary',
  rvSummaryHint: 'Write about your study, work and ties with home this quarter, up to 1000 characters. You can change it until the secretary starts scoring.',
  rvSummaryMissing: 'Write your self-summary',
  rvSummarySend: 'Submit self-summary',
  rvSummarySent: 'Self-summary submitted; you can change it until scoring starts',
  rvSummaryDraft: 'Draft saved on this phone',
  rvSubmittedAt: 'Submitted on {date}',
  rvResults: 'Results',
  rvResult: 'Result of {quarter}',
  rvTotal: 'Total {total} points',
  rvItemScore: '{score} / {points}',
  rvComment: 'Secretary’s comment',
  rvNew: 'New',
  rvHomeDue: 'Quarterly review: write your self-summary',
  rvHomeResult: 'Your quarterly review result is out',
  rvMeHint: 'Self-summary and results',
};

const review: Record<Language, Record<ReviewMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for the review screen: `t` holds the app's words and its own. */
export function useReviewI18n(): Omit<I18n, 't'> & { t: ReviewDictionary } {
  const i18n = useI18n();
  const t = useMemo<ReviewDictionary>(() => ({ ...i18n.t, ...review[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
