import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * The question being written (有问必答 · 我要提问), kept on the phone at every change so a lost
 * signal, a reload or a look at another screen loses nothing: the text and whether it may be
 * published. One draft per account (`lx_question_draft:<accountId>`): another member signed in on
 * the same phone never sees it (query.ts forgets them all when the account changes); it goes once
 * the question is sent or waits in the phone's queue, and at sign-out (App.tsx).
 */
const QUESTION_DRAFT = 'lx_question_draft:';
/** The account the member app keeps its data for (query.ts). */
const ACCOUNT_KEY = 'lx_member_account';

export interface QuestionDraft {
  body: string;
  publishable: boolean;
}

function account(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

export function saveQuestionDraft(draft: QuestionDraft): void {
  const who = account();
  if (!who) return;
  if (draft.body.trim() === '') forget(QUESTION_DRAFT + who);
  else keep(QUESTION_DRAFT + who, draft);
}

export function loadQuestionDraft(): QuestionDraft | null {
  const who = account();
  if (!who) return null;
  const value = recall(QUESTION_DRAFT + who, 'body');
  if (typeof value?.body !== 'string' || value.body.trim() === '') return null;
  return { body: value.body, publishable: value.publishable === true };
}

export function forgetQuestionDraft(): void {
  const who = account();
  if (who) forget(QUESTION_DRAFT + who);
}

/** Signing out, or another account signing in: every question draft on the phone goes. */
export function forgetQuestionDrafts(): void {
  forgetAll(QUESTION_DRAFT);
}
