import type { Executor } from '../../db/database.ts';

/**
 * What a notice is about, and whether a member has already seen it. Modules that know (pushes: a
 * read; meetings: a check-in; cards: an open) register a checker at assembly, so the outbox never
 * reads their tables: a row whose member has seen its source is cancelled instead of sent (most
 * of all an SMS escalation, which waits for exactly this).
 */
export const NOTICE_KINDS = [
  'push',
  'push.reminder',
  'meeting.planned',
  'meeting.changed',
  'meeting.starting',
  'makeup.due',
  'care.assigned',
  'card',
  'question.answered',
  'review.published',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeSource {
  /** Of `memberIds`, those who have already seen `sourceId` (read it, opened it, checked in …). */
  seen(db: Executor, tenantId: string, sourceId: string, memberIds: string[]): Promise<Set<string>>;
}

const sources = new Map<string, NoticeSource>();

/**
 * Registers the checker of a kind ('push', 'meeting.planned' …). A kind with a dot falls back to
 * the checker of its first part ('meeting.changed' → 'meeting') when it has none of its own.
 * Registering a kind again replaces its checker (a test, a second assembly).
 */
export function registerNoticeSource(kind: NoticeKind | string, source: NoticeSource): void {
  sources.set(kind, source);
}

export function noticeSource(kind: string): NoticeSource | undefined {
  return sources.get(kind) ?? sources.get(kind.split('.')[0] ?? kind);
}

/**
 * The template a notice uses with an SMS provider: the tenant files one neutral template per key
 * (study, meeting, reminder; login_code is the sign-in code's).
 */
export function templateKeyOf(kind: string): string {
  if (kind === 'push' || kind === 'question.answered') return 'study';
  if (kind.startsWith('meeting')) return 'meeting';
  return 'reminder';
}

/** The SMS text of a template key: neutral service wording (no 党政 words, which SMS services refuse). */
export function smsTextOf(templateKey: string, link: string): string {
  const what = templateKey === 'study' ? '您有一条新的学习通知' : templateKey === 'meeting' ? '您有一条新的会议通知' : '您有一条待办提醒';
  return `${what}，请点击链接查看：${link}`;
}
