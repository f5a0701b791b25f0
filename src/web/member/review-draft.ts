import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * The self-summary of a quarterly review being written, kept on the phone (localStorage) at every
 * keystroke so a dropped signal loses nothing; it goes once sent, and at sign-out. One draft per
 * account and round (`lx_review_summary:<accountId>:<roundId>`): another member signed in on the
 * same phone never sees it.
 */
const SUMMARY_DRAFT = 'lx_review_summary:';
/** The account the member app keeps its data for (query.ts). */
const ACCOUNT_KEY = 'lx_member_account';

function keyFor(roundId: string): string | null {
  try {
    const who = localStorage.getItem(ACCOUNT_KEY);
    return who ? `${SUMMARY_DRAFT}${who}:${roundId}` : null;
  } catch {
    return null;
  }
}

export function saveSummaryDraft(roundId: string, text: string): void {
  const key = keyFor(roundId);
  if (key) keep(key, { text });
}

export function loadSummaryDraft(roundId: string): string | null {
  const key = keyFor(roundId);
  if (!key) return null;
  const v = recall(key, 'text');
  return typeof v?.text === 'string' ? v.text : null;
}

export function forgetSummaryDraft(roundId: string): void {
  const key = keyFor(roundId);
  if (key) forget(key);
}

/** Every account's review drafts on this phone (sign-out, another account signing in). */
export function forgetReviewDrafts(): void {
  forgetAll(SUMMARY_DRAFT);
}
