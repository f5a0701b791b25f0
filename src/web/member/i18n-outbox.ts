import { useMemo } from 'react';
import { useI18n, type Dictionary, type I18n, type Language } from './i18n.ts';

/**
 * Words of 待发送 (what was done without signal and waits on the phone), its one-line strip, the
 * notice a screen shows when a write waits, and the check-in without signal. Plain words: the
 * member should know at a glance whether anything is lost (nothing is) and what to do.
 */
const zh = {
  outboxTitle: '待发送',
  outboxIntro: '没有信号时做的事先存在手机上，有信号时自动发送，不用再做一遍。',
  outboxEmpty: '没有待发送的内容。',
  outboxWaitingHead: '等待发送',
  outboxFailedHead: '没能发出',
  outboxSentHead: '已发送',
  outboxSendNow: '现在发送',
  outboxSending: '正在发送…',
  outboxRetry: '重试',
  outboxDelete: '删除',
  outboxDeleteConfirm: '删除后这条不会再发送，确定删除吗？',
  outboxSavedAt: '{time} 保存',
  outboxSentAt: '{time} 已发送',
  outboxNeedsLogin: '登录已过期。请重新登录，登录后会自动发送。',
  outboxFailedHint: '服务器没有接受这一条。看看上面的原因：能改的去改一下再提交；不需要了就删除。',
  outboxFailedUnknown: '服务器没有接受这一条。',
  outboxExpired: '已超过30天，请确认后重试',
  outboxUnknownKind: '这一条无法发送（这个版本的应用不认识它）。请删除，需要的话重新做一遍。',
  outboxStripWaiting: '{n} 条待发送',
  outboxStripFailed: '{n} 条没能发出',
  outboxStripOpen: '查看',

  kind_report_read: '阅读记录',
  kind_open_push: '打开推送',
  kind_submit_makeup: '补学心得',
  kind_ask_leave: '请假',
  kind_record_talk: '谈话记录',
  kind_share_post: '分享',
  kind_share_comment: '评论',
  kind_share_like: '点赞',
  kind_ask_question: '提问',
  kind_service_log: '服务记录',
  kind_service_signup: '志愿服务报名',
  kind_save_pledges: '四个一承诺',
  kind_offer_job: '提供岗位',
  kind_close_job: '关闭岗位',
  kind_other: '一项操作',

  queuedSaved: '已保存，有信号时自动发送',
  queuedLogin: '已保存。登录已过期，请重新登录，登录后会自动发送。',
  queuedView: '查看待发送',
  queueTooMany: '待发送的内容太多了（{n} 条）。请先到有信号的地方把它们发出去，再做新的。',
  queueStorageFull: '手机存储满了，这一条没能保存。请清理一些手机空间，或到有信号的地方再提交。',

  checkinOffline: '没有网络，签到需要连上网络。有信号后再点一次。',
  checkinOnlineAgain: '网络已恢复，可以再点一次签到。',
  checkinTryAgain: '再点一次签到',
};

export type OutboxMessageKey = keyof typeof zh;
export type OutboxDictionary = Dictionary & Record<OutboxMessageKey, string>;

const en: Record<OutboxMessageKey, string> = {
  outboxTitle: 'Waiting to send',
  outboxIntro: 'What you did without signal is kept on this phone and sent by itself when there is signal. You do not need to do it again.',
  outboxEmpty: 'Nothing is waiting to be sent.',
  outboxWaitingHead: 'Waiting',
  outboxFailedHead: 'Not accepted',
  outboxSentHead: 'Sent',
  outboxSendNow: 'Send now',
  outboxSending: 'Sending…',
  outboxRetry: 'Try again',
  outboxDelete: 'Delete',
  outboxDeleteConfirm: 'Once deleted, this will not be sent. Delete it?',
  outboxSavedAt: 'Saved {time}',
  outboxSentAt: 'Sent {time}',
  outboxNeedsLogin: 'Your sign-in has expired. Sign in again and these are sent by themselves.',
  outboxFailedHint: 'The server did not accept this. See the reason above: if you can fix it, do so and send it again; if it is no longer needed, delete it.',
  outboxFailedUnknown: 'The server did not accept this.',
  outboxExpired: 'Over 30 days old: please check it, then try again',
  outboxUnknownKind: 'This cannot be sent (this version of the app does not know it). Delete it, and do it again if it is still needed.',
  outboxStripWaiting: '{n} waiting to send',
  outboxStripFailed: '{n} not accepted',
  outboxStripOpen: 'View',

  kind_report_read: 'Reading record',
  kind_open_push: 'Push opened',
  kind_submit_makeup: 'Make-up reflection',
  kind_ask_leave: 'Leave request',
  kind_record_talk: 'Talk record',
  kind_share_post: 'Post',
  kind_share_comment: 'Comment',
  kind_share_like: 'Like',
  kind_ask_question: 'Question',
  kind_service_log: 'Service record',
  kind_service_signup: 'Volunteer sign-up',
  kind_save_pledges: 'Four pledges',
  kind_offer_job: 'A job offered',
  kind_close_job: 'A job closed',
  kind_other: 'An action',

  queuedSaved: 'Saved; it is sent by itself when there is signal',
  queuedLogin: 'Saved. Your sign-in has expired: sign in again and it is sent by itself.',
  queuedView: 'See what is waiting',
  queueTooMany: 'Too much is waiting to be sent ({n}). Go where there is signal to send it first, then do new things.',
  queueStorageFull: 'The phone storage is full, so this was not saved. Free some space on the phone, or send it where there is signal.',

  checkinOffline: 'No network: checking in needs a connection. Tap again once you have signal.',
  checkinOnlineAgain: 'The network is back: you can tap check in again.',
  checkinTryAgain: 'Tap to check in again',
};

const outbox: Record<Language, Record<OutboxMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** useI18n for the queue's words: `t` holds the app's words and these. */
export function useOutboxI18n(): Omit<I18n, 't'> & { t: OutboxDictionary } {
  const i18n = useI18n();
  const t = useMemo<OutboxDictionary>(() => ({ ...i18n.t, ...outbox[i18n.language] }), [i18n.t, i18n.language]);
  return { ...i18n, t };
}
