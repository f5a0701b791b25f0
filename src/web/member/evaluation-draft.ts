import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * What a member is writing or choosing in 民主评议, kept on the phone so a dropped signal loses
 * nothing: the self-evaluation's text (localStorage, per round) and the ballot being filled in
 * (sessionStorage only: it goes when the browser tab closes, and at once after the vote) with the
 * random receipt the ballot is sent with, so a resend after a lost answer is never a second ballot.
 * Everything goes at sign-out.
 */
const SELF_DRAFT = 'lx_evaluation_self:';
const BALLOT_DRAFT = 'lx_evaluation_ballot:';

export function saveSelfDraft(roundId: string, text: string): void {
  keep(SELF_DRAFT + roundId, { text });
}

export function loadSelfDraft(roundId: string): string | null {
  const v = recall(SELF_DRAFT + roundId, 'text');
  return typeof v?.text === 'string' ? v.text : null;
}

export function forgetSelfDraft(roundId: string): void {
  forget(SELF_DRAFT + roundId);
}

export interface BallotDraft {
  receipt: string;
  grades: Record<string, string>;
}

export function saveBallotDraft(roundId: string, draft: BallotDraft): void {
  keep(BALLOT_DRAFT + roundId, draft, 'sessionStorage');
}

export function loadBallotDraft(roundId: string): BallotDraft | null {
  const v = recall(BALLOT_DRAFT + roundId, 'receipt', 'sessionStorage');
  if (!v || typeof v.receipt !== 'string' || typeof v.grades !== 'object' || v.grades === null) return null;
  return { receipt: v.receipt, grades: v.grades as Record<string, string> };
}

export function forgetBallotDraft(roundId: string): void {
  try {
    sessionStorage.removeItem(BALLOT_DRAFT + roundId);
  } catch {
    // Nothing to do.
  }
}

export function forgetEvaluationDrafts(): void {
  forgetAll(SELF_DRAFT);
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(BALLOT_DRAFT)) sessionStorage.removeItem(key);
  } catch {
    // Nothing to do.
  }
}

/** A random UUID (v4); also over plain http, where crypto.randomUUID is missing. */
export function newReceipt(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
