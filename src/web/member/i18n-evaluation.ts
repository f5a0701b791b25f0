import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/** Words of 民主评议 (the annual evaluation: self-evaluation, the secret ballot, one's result); they load with its screen. */
const zh = {
  evTitle: '民主评议',
  evIntro: '每年一次的民主评议党员：写自我评价，无记名投票评议同志，支部提出评定意见并公示。',
  evNone: '现在没有需要您参加的民主评议',
  evRound: '{org} {year}年度',
  evPhase_study: '学习教育',
  evPhase_self: '个人自评',
  evPhase_peer: '党员互评',
  evPhase_ballot: '民主测评（投票）',
  evPhase_proposal: '支部评定中',
  evPhase_notice: '公示中',
  evPhase_final: '已评定',
  evWaitSelf: '请写自我评价',
  evWaitVote: '请投票',
  evHome: '民主评议：{what}',
  evMeHint: '自我评价、无记名投票、评定结果',
  evSelfLabel: '我的自我评价',
  evSelfHint: '对照党员标准，写一年来的学习、工作、作风和不足，不超过 5000 字。在外地的党员也可以在这里写。',
  evSelfMissing: '请写自我评价',
  evSelfSend: '提交自我评价',
  evSelfSent: '自我评价已提交，在自评阶段内可以修改',
  evSelfDraft: '草稿已保存在本机',
  evSelfMine: '我提交的自我评价',
  evNotGraded: '您是预备党员，参加评议，但不评定等次。',
  evBallotIntro: '无记名投票：没有人能看到您投了什么。请为每位同志选一个等次。',
  evGrade_excellent: '优秀',
  evGrade_qualified: '合格',
  evGrade_basic: '基本合格',
  evGrade_unqualified: '不合格',
  evProgress: '已选 {n}/{total}',
  evReview: '检查一下再提交',
  evSummary: '您的选择',
  evSummaryCounts: '优秀 {excellent} 人 · 合格 {qualified} 人 · 基本合格 {basic} 人 · 不合格 {unqualified} 人',
  evFinalWarning: '提交后不能修改。',
  evSubmit: '确认提交',
  evBack: '返回修改',
  evChooseAll: '还有 {n} 位同志没有选等次',
  evVoted: '您已投票，谢谢参加',
  evVotedDetail: '选票不记姓名，只记录您已投过票。',
  evNoVote: '预备党员没有表决权，不参加投票。',
  evWaitingNext: '请等待支部进入下一阶段',
  evMyGrade: '我的评定结果：{grade}',
  evNoticeUntil: '公示到 {date}',
};

export type EvaluationMessageKey = keyof typeof zh;
export type EvaluationDictionary = Dictionary & Record<EvaluationMessageKey, string>;

const en: Record<EvaluationMessageKey, string> = {
  evTitle: 'Annual evaluation',
  evIntro: 'The yearly evaluation of Party members: write your self-evaluation, grade your comrades by secret ballot; the branch proposes grades and posts them publicly.',
  evNone: 'No evaluation needs you right now',
  evRound: '{org}, {year}',
  evPhase_study: 'Study',
  evPhase_self: 'Self-evaluation',
  evPhase_peer: 'Peer evaluation',
  evPhase_ballot: 'Ballot (voting)',
  evPhase_proposal: 'Branch is deciding',
  evPhase_notice: 'Public notice',
  evPhase_final: 'Graded',
  evWaitSelf: 'Write your self-evaluation',
  evWaitVote: 'Please vote',
  evHome: 'Annual evaluation: {what}',
  evMeHint: 'Self-evaluation, secret ballot, your result',
  evSelfLabel: 'My self-evaluation',
  evSelfHint: 'Against the standards of a Party member: your study, work, conduct and shortcomings this year, up to 5000 characters. Members working away can write it here too.',
  evSelfMissing: 'Write your self-evaluation',
  evSelfSend: 'Submit self-evaluation',
  evSelfSent: 'Self-evaluation submitted; you can change it while this phase lasts',
  evSelfDraft: 'Draft saved on this phone',
  evSelfMine: 'My self-evaluation',
  evNotGraded: 'As a probationary member you take part, but you are not graded.',
  evBallotIntro: 'Secret ballot: nobody can see how you voted. Choose a grade for each comrade.',
  evGrade_excellent: 'Excellent',
  evGrade_qualified: 'Qualified',
  evGrade_basic: 'Basically qualified',
  evGrade_unqualified: 'Unqualified',
  evProgress: 'Chosen {n}/{total}',
  evReview: 'Check before submitting',
  evSummary: 'Your choices',
  evSummaryCounts: 'Excellent {excellent} · Qualified {qualified} · Basically qualified {basic} · Unqualified {unqualified}',
  evFinalWarning: 'You cannot change it after submitting.',
  evSubmit: 'Submit',
  evBack: 'Go back and change',
  evChooseAll: '{n} comrades still have no grade',
  evVoted: 'You have voted. Thank you',
  evVotedDetail: 'Ballots carry no names; only that you voted is recorded.',
  evNoVote: 'Probationary members have no vote and do not take part in the ballot.',
  evWaitingNext: 'Please wait for the branch to open the next phase',
  evMyGrade: 'My grade: {grade}',
  evNoticeUntil: 'Posted until {date}',
};

const evaluation: Record<Language, Record<EvaluationMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for the evaluation screen: `t` holds the app's words and its own. */
export function useEvaluationI18n(): Omit<I18n, 't'> & { t: EvaluationDictionary } {
  const i18n = useI18n();
  const t = useMemo<EvaluationDictionary>(() => ({ ...i18n.t, ...evaluation[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
