import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * What a member is writing or choosing in 民主评议, kept on the phone so a dropped signal loses
 * nothing: the self-evaluation's text (localStorage) and the ballot being filled in (sessionStorage
 * only: it goes when the browser tab closes, and at once after the vote) with the random receipt the
 * ballot is sent with, so a resend after a lost answer is never a second ballot. Each is kept per
 * account and round (`lx_evaluation_self:<accountId>:<roundId>`): another member signed in on the
 * same phone never sees it. Everything goes at sign-out and when another account signs in
 * (forgetEvaluationDrafts, from App.tsx and query.ts).
 */
const SELF_DRAFT = 'lx_evaluation_self:';
const BALLOT_DRAFT = 'lx_evaluation_ballot:';
/** The account the member app keeps its data for (query.ts). */
const ACCOUNT_KEY = 'lx_member_account';

function account(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

/** The key of a draft for the signed-in account and a round; null when nobody is signed in. */
function keyFor(prefix: string, roundId: string): string | null {
  const who = account();
  return who ? `${prefix}${who}:${roundId}` : null;
}

export function saveSelfDraft(roundId: string, text: string): void {
  const key = keyFor(SELF_DRAFT, roundId);
  if (key) keep(key, { text });
}

export function loadSelfDraft(roundId: string): string | null {
  const key = keyFor(SELF_DRAFT, roundId);
  const v = key ? recall(key, 'text') : null;
  return typeof v?.text === 'string' ? v.text : null;
}

export function forgetSelfDraft(roundId: string): void {
  const key = keyFor(SELF_DRAFT, roundId);
  if (key) forget(key);
}

export interface BallotDraft {
  receipt: string;
  grades: Record<string, string>;
}

export function saveBallotDraft(roundId: string, draft: BallotDraft): void {
  const key = keyFor(BALLOT_DRAFT, roundId);
  if (key) keep(key, draft, 'sessionStorage');
}

export function loadBallotDraft(roundId: string): BallotDraft | null {
  const key = keyFor(BALLOT_DRAFT, roundId);
  const v = key ? recall(key, 'receipt', 'sessionStorage') : null;
  if (!v || typeof v.receipt !== 'string' || typeof v.grades !== 'object' || v.grades === null) return null;
  return { receipt: v.receipt, grades: v.grades as Record<string, string> };
}

export function forgetBallotDraft(roundId: string): void {
  const key = keyFor(BALLOT_DRAFT, roundId);
  if (!key) return;
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing to do.
  }
}

/** Every 民主评议 draft on the phone, of every account: at sign-out and when another account signs in. */
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
