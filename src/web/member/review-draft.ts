import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * The self-summary of a quarterly review being written, kept on the phone (localStorage, per round)
 * at every keystroke so a dropped signal loses nothing; it goes once sent, and at sign-out.
 */
const SUMMARY_DRAFT = 'lx_review_summary:';

export function saveSummaryDraft(roundId: string, text: string): void {
  keep(SUMMARY_DRAFT + roundId, { text });
}

export function loadSummaryDraft(roundId: string): string | null {
  const v = recall(SUMMARY_DRAFT + roundId, 'text');
  return typeof v?.text === 'string' ? v.text : null;
}

export function forgetSummaryDraft(roundId: string): void {
  forget(SUMMARY_DRAFT + roundId);
}

export function forgetReviewDrafts(): void {
  forgetAll(SUMMARY_DRAFT);
}
