import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * The year's pledges being written (四个一承诺), kept on the phone at every change so a lost signal,
 * a reload or a look at another screen loses nothing: the text of each kind. One draft per account
 * (`lx_pledge_draft:<accountId>`): another member signed in on the same phone never sees it
 * (query.ts forgets them all when the account changes); it goes once the pledges are sent or wait in
 * the phone's queue, and at sign-out.
 */
const PLEDGE_DRAFT = 'lx_pledge_draft:';
/** The account the member app keeps its data for (query.ts). */
const ACCOUNT_KEY = 'lx_member_account';

export type PledgeDraft = Record<'suggestion' | 'wealth_tip' | 'good_deed' | 'job_help', string>;

function account(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

export function savePledgeDraft(draft: PledgeDraft): void {
  const who = account();
  if (!who) return;
  if (Object.values(draft).every((v) => v.trim() === '')) forget(PLEDGE_DRAFT + who);
  else keep(PLEDGE_DRAFT + who, { ...draft, kept: true });
}

export function loadPledgeDraft(): PledgeDraft | null {
  const who = account();
  if (!who) return null;
  const value = recall(PLEDGE_DRAFT + who, 'kept');
  if (!value) return null;
  const text = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : '');
  return { suggestion: text('suggestion'), wealth_tip: text('wealth_tip'), good_deed: text('good_deed'), job_help: text('job_help') };
}

export function forgetPledgeDraft(): void {
  const who = account();
  if (who) forget(PLEDGE_DRAFT + who);
}

/** Signing out, or another account signing in: every pledge draft on the phone goes. */
export function forgetPledgeDrafts(): void {
  forgetAll(PLEDGE_DRAFT);
}
