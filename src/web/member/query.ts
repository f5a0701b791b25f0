import { QueryClient } from '@tanstack/react-query';
import { createSyncStoragePersister } from '@tanstack/query-sync-storage-persister';
import {
  persistQueryClientRestore,
  persistQueryClientSubscribe,
  removeOldestQuery,
  type PersistedClient,
  type PersistQueryClientOptions,
  type PersistRetryer,
} from '@tanstack/react-query-persist-client';
import { ApiError } from './api.ts';
import { keptForm, isKept } from './kept-forms.ts';
import { forgetAllKept, keepOnPhoneFor } from './offline-store.ts';
import { forgetTalkDrafts } from './talk-draft.ts';
import { forgetShareDrafts } from './share-draft.ts';
import { forgetQuestionDrafts } from './question-draft.ts';
import { forgetReviewDrafts } from './review-draft.ts';
import { forgetEvaluationDrafts } from './evaluation-draft.ts';
import { forgetServiceDrafts } from './service-draft.ts';
import { forgetPledgeDrafts } from './pledge-draft.ts';
import { confirmAccount } from './outbox.ts';

/**
 * The member app's server state: one QueryClient, whose answers worth having without signal are
 * kept on the phone (localStorage) and shown at once on the next start, then refreshed.
 *
 * Whose data it is matters on a shared phone: the kept copy carries a buster made of the cache's
 * version and the signed-in account. A copy with another buster is thrown away when read, a
 * different account signing in empties the cache first, and signing out empties it and forgets the
 * account. What is kept is cut down per answer in kept-forms.ts (no private notes, no meeting links).
 */

/** Raise when a kept answer changes shape so that this code could not read an older copy. */
const CACHE_VERSION = 1;
const CACHE_KEY = 'lx_member_cache';
/** The account whose answers the kept copy holds. */
const ACCOUNT_KEY = 'lx_member_account';
/** Keys the app used before the cache (a copy each of today, profile, mentees, cards): removed. */
const OLD_KEYS = ['lx_member_today', 'lx_member_profile', 'lx_member_mentees', 'lx_member_cards'];

/**
 * A kept copy this old is not shown: a fortnight covers a long stretch without signal. It must not
 * exceed gcTime (a query dropped from memory is dropped from the kept copy too), and stays below
 * setTimeout's limit of ~24.8 days.
 */
const KEEP_FOR_MS = 14 * 24 * 3_600_000;

/**
 * No answer on the network (status 0) is not retried: the kept answer is on the screen with a
 * notice and a retry button, and the query refreshes by itself when the phone is back online.
 * The server refusing (4xx) is final. A server error (5xx) may pass: two more tries.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.isOffline || error.status < 500) return false;
  return failureCount < 2;
}

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    // Disabled storage (some WeChat privacy settings): the app works online without keeping anything.
    return undefined;
  }
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Every screen asks the server when it opens (what the secretary changed shows at once); the
      // kept or remembered answer is on the screen meanwhile, so a weak signal never blanks it.
      staleTime: 0,
      gcTime: KEEP_FOR_MS,
      retry: shouldRetry,
      // Try once even when the phone says it is offline (WeChat's browser is often wrong about it).
      networkMode: 'offlineFirst',
    },
    mutations: {
      // A write without signal fails at once and the screen says so; the writes that may wait
      // without signal go through the phone's own queue (outbox.ts), not TanStack's paused
      // mutations: nothing of a mutation is kept or resumed here.
      networkMode: 'always',
      retry: false,
    },
  },
});

let activeBuster: string | null = null;
let stopKeeping: (() => void) | null = null;

function busterFor(accountId: string): string {
  return `${CACHE_VERSION}:${accountId}`;
}

/** A save throttled before the account changed must not land under the new one. */
class NotThisAccount extends Error {}

const retryWithLess: PersistRetryer = (props) => (props.error instanceof NotThisAccount ? undefined : removeOldestQuery(props));

const persister = createSyncStoragePersister({
  storage: storage(),
  key: CACHE_KEY,
  serialize: (client: PersistedClient) => {
    if (client.buster !== activeBuster) throw new NotThisAccount();
    const queries = client.clientState.queries.map((q) => ({ ...q, state: { ...q.state, data: keptForm(q.queryKey, q.state.data) } }));
    return JSON.stringify({ ...client, clientState: { ...client.clientState, queries } });
  },
  // Full storage: drop the oldest answers until the rest fits.
  retry: retryWithLess,
});


const dehydrateOptions: PersistQueryClientOptions['dehydrateOptions'] = {
  shouldDehydrateQuery: (query) => query.state.status === 'success' && isKept(query.queryKey),
};

function read(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // Storage full or disabled: nothing to keep.
  }
}

function startKeeping(accountId: string): void {
  stopKeeping?.();
  activeBuster = busterFor(accountId);
  stopKeeping = persistQueryClientSubscribe({ queryClient, persister, buster: activeBuster, dehydrateOptions });
}

/**
 * At start, before the first screen: the answers kept for the account that was signed in last are
 * put back into the cache (unless too old, or kept by another version or for another account), so
 * they show without signal.
 */
export async function restoreKept(): Promise<void> {
  for (const key of OLD_KEYS) write(key, null);
  const accountId = read(ACCOUNT_KEY);
  if (!accountId) {
    await persister.removeClient();
    return;
  }
  // The items kept for reading without signal (offline-store.ts) belong to the same account.
  void keepOnPhoneFor(accountId);
  try {
    await persistQueryClientRestore({ queryClient, persister, buster: busterFor(accountId), maxAge: KEEP_FOR_MS });
  } catch {
    // An unreadable copy was removed: start empty.
  }
  startKeeping(accountId);
}

/** Every draft kind the member app keeps on the phone: at sign-out and when another account signs in. */
export function forgetDrafts(): void {
  forgetTalkDrafts();
  forgetShareDrafts();
  forgetQuestionDrafts();
  forgetReviewDrafts();
  forgetEvaluationDrafts();
  forgetServiceDrafts();
  forgetPledgeDrafts();
}

/**
 * The server says who is signed in (at start or after the login form): answers of anyone else are
 * dropped from memory and from the phone before any screen of this account can show them.
 */
export function keepFor(accountId: string): void {
  // The writes this account made on the phone may go out now (and only this account's).
  confirmAccount(accountId);
  if (activeBuster === busterFor(accountId)) return;
  stopKeeping?.();
  stopKeeping = null;
  activeBuster = null;
  void queryClient.cancelQueries();
  queryClient.clear();
  void persister.removeClient();
  // Another account on this phone (a session that expired without signing out): whatever the last
  // member was writing goes with the rest of their data (talks, posts, questions, review summaries,
  // the annual evaluation's self-evaluation and ballot).
  const previous = read(ACCOUNT_KEY);
  if (previous !== null && previous !== accountId) forgetDrafts();
  // and so do the items kept for reading without signal
  void keepOnPhoneFor(accountId);
  write(ACCOUNT_KEY, accountId);
  startKeeping(accountId);
}

/** Signing out: nothing of this member stays in memory or on the phone. */
export function forgetKept(): void {
  stopKeeping?.();
  stopKeeping = null;
  activeBuster = null;
  void queryClient.cancelQueries();
  queryClient.clear();
  void persister.removeClient();
  void forgetAllKept();
  write(ACCOUNT_KEY, null);
}
