import type { TalkForm } from './api.ts';
import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * A talk being written, kept on the phone at every keystroke so a dropped signal loses nothing.
 * It is what the mentor types, not an answer of the server, so it lives beside the query cache:
 * until the talk is saved there is nothing for a query or a mutation to hold. Everything goes at
 * sign-out.
 */
const TALK_DRAFT = 'lx_talk_draft:';

/** The talk form as the mentor fills it in: text fields as typed, empty when left out. */
export interface TalkFields {
  /** chosen when the talk is begun: sending it again never records it twice */
  id: string;
  talkedOn: string;
  channel: TalkForm['channel'];
  summary: string;
  work: string;
  family: string;
  health: string;
  thoughts: string;
  concerns: string;
  followUpNeeded: boolean;
  followUpNote: string;
  followUpDue: string;
}

/** A talk being written, and when it was last changed. */
export interface TalkDraft {
  form: TalkFields;
  savedAt: string;
}

/** A random UUID (v4); also over plain http, where crypto.randomUUID is missing. */
export function newTalkId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function saveTalkDraft(memberId: string, form: TalkDraft['form']): void {
  keep(TALK_DRAFT + memberId, { form, savedAt: new Date().toISOString() } satisfies TalkDraft);
}

export function loadTalkDraft(memberId: string): TalkDraft | null {
  const value = recall(TALK_DRAFT + memberId, 'form');
  const form = value?.form;
  return typeof form === 'object' && form !== null && 'summary' in form ? (value as unknown as TalkDraft) : null;
}

export function forgetTalkDraft(memberId: string): void {
  forget(TALK_DRAFT + memberId);
}

export function forgetTalkDrafts(): void {
  forgetAll(TALK_DRAFT);
}
