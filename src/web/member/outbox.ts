import { useSyncExternalStore } from 'react';
import { ApiError, readableMessage } from '../common/api-error.ts';

/**
 * 待发送: the writes a member made without signal, kept on the phone and sent exactly once when the
 * signal returns.
 *
 * One way, not TanStack's paused mutations: the queue is this file. A screen still calls
 * `useMutation(writes.submitMakeup)`; for the queued writes (mutations.ts `queued(…)`) the
 * mutation's function is `submit(kind, vars)`, which puts an entry on the queue and sends the queue
 * at once. The promise settles with the server's answer when the entry went out now, or rejects with
 * a `QueuedError` when it stays on the phone (no signal, server busy, signed out, or other entries
 * ahead of it still going out after BEHIND_MS): the screen then says "已保存，有信号时自动发送"
 * instead of an error. A refusal (4xx) rejects with the server's ApiError for the screen to show,
 * and the entry always stays on 待发送 as failed with the server's words (a member who left the
 * screen still sees it). What goes out later runs the write's cache update (`onSent`), as the
 * mutation's onSuccess would have.
 *
 * Whose entries go out: the session cookie is shared with the console and the invitation sign-ins,
 * so the cookie may belong to another account than the one the phone last saw. Nothing is sent
 * before query.ts `keepFor()` confirmed, from the server, who is signed in on this page load
 * (`confirmAccount`), and the account is checked again before each entry. Each send names the
 * entry's account (`X-Account-Id`); the server refuses it with 401 when the session is another
 * account's, and the entries wait for their owner (needs-login).
 *
 * The shared phone rule: entries belong to the account that made them (`lx_outbox:<accountId>`).
 * Another account signed in on the same phone never sees nor sends them; they stay for their owner
 * and are dropped KEEP_DAYS after they were made (the server forgets a key after as many days, so a
 * resend could no longer be recognised). The owner's own entries that old are not resent but marked
 * failed ("已超过30天，请确认后重试"): 重试 sends them under a fresh key.
 *
 * - Each entry has an id chosen on the phone (crypto.randomUUID, or random bytes on old browsers),
 *   sent as the `Idempotency-Key` header on every try: the server answers a resend from what it
 *   stored (src/server/idempotency.ts), so an answer lost on a weak signal never makes a second row.
 * - Kept in localStorage per account (`lx_outbox:<accountId>`; the account is the one query.ts keeps
 *   the cache for). Without storage (disabled in some WeChat settings) nothing is kept: the write is
 *   sent at once, as any other write, and the screen gets its outcome.
 * - Sent in order, once the account is confirmed: then, on `online`, when the page is shown again, when a read succeeds (the
 *   signal is back, the session is good), and every 30 s while something waits. navigator.onLine is
 *   not trusted (WeChat's browser is often wrong): it always tries.
 * - A network failure, a server error (5xx), "still being handled" (409 in_progress) or a rate limit
 *   keep the entry waiting, and so does a 200 whose answer is not a JSON object (a Wi-Fi login page
 *   answering in the server's place). A 401 marks the waiting entries needs-login (the app shows the
 *   login through the request core); they go out after the same account is signed in again. A
 *   refusal (4xx) marks it failed with the server's words; the member retries (under a fresh key:
 *   the refusal is stored under the old one) or deletes it on the 待发送 screen.
 * - Bounded: at most MAX_UNSENT entries not yet sent, failed ones included (a write beyond that is
 *   refused with words the member can read); sent entries are kept SENT_KEEP_MS for the "sent at"
 *   list, at most MAX_SENT, oldest dropped first, and dropped first when the storage is full. A full
 *   storage is said, never silent (`OutboxFullError`); one failing while an entry is marked saves
 *   the list without that entry rather than leave it 'sending'.
 * - A write of the same thing while an earlier one still waits, never tried, or failed replaces it
 *   (reading progress of one item, a push opened, a make-up or leave of one class), under a new id.
 *   One already tried keeps its key and goes out as it was (its answer may have been lost: the
 *   server answers the resend from what it stored); the newer write waits behind it.
 */

export type OutboxState = 'waiting' | 'sending' | 'sent' | 'failed' | 'needs-login';

export interface OutboxEntry {
  /** the Idempotency-Key */
  id: string;
  kind: string;
  vars: unknown;
  accountId: string;
  createdAt: string;
  state: OutboxState;
  sentAt: string | null;
  /** the server's words for a refusal (failed) */
  error: string | null;
  /** failed on the phone, not by the server: too old to resend, or a kind this app cannot send */
  reason?: 'expired' | 'unknown-kind' | null;
  /** sent at least once under this id (the server may have stored its answer) */
  tried?: boolean;
}

/** How a kind of write is sent and what its answer changes on the phone (mutations.ts). */
export interface OutboxKind {
  /** `accountId`: the account the entry was made by (X-Account-Id); null when nothing is kept */
  send: (vars: never, key: string, accountId: string | null) => Promise<unknown>;
  onSent?: (answer: never, vars: never) => unknown;
  /** Entries with the same coalesce key: a newer one replaces one that still waits. */
  coalesce?: (vars: never) => string | null;
}

/** The write stays on the phone and goes out when it can. */
export class QueuedError extends Error {
  constructor(
    readonly entryId: string,
    readonly needsLogin = false,
  ) {
    super('queued');
    this.name = 'QueuedError';
  }
}

/** The write could not be kept: too many waiting, or the phone's storage is full. */
export class OutboxFullError extends Error {
  constructor(readonly reason: 'too-many' | 'storage') {
    super(reason);
    this.name = 'OutboxFullError';
  }
}

export const isQueued = (e: unknown): e is QueuedError => e instanceof QueuedError;

export const MAX_UNSENT = 200;
export const MAX_SENT = 200;
export const SENT_KEEP_MS = 7 * 24 * 3_600_000;
const RETRY_EVERY_MS = 30_000;
const BUSY_RETRY_MS = 3_000;
/** A new write behind others still going out: the screen hears "saved" after this long. */
export const BEHIND_MS = 3_000;
/** The server keeps an Idempotency-Key this many days (src/server/idempotency.ts KEEP_DAYS). */
export const KEEP_DAYS = 30;
const KEEP_MS = KEEP_DAYS * 24 * 3_600_000;
export const EXPIRED_TEXT = '已超过30天，请确认后重试';
/** The account the member app keeps its cache for (written by query.ts keepFor, removed on sign-out). */
const ACCOUNT_KEY = 'lx_member_account';
const PREFIX = 'lx_outbox:';

const kinds = new Map<string, OutboxKind>();

/** mutations.ts registers each queued write here, so entries kept from an earlier start can be sent. */
export function registerOutboxKind<TVars>(kind: string, handler: { send: (vars: TVars, key: string, accountId: string | null) => Promise<unknown>; onSent?: (answer: never, vars: TVars) => unknown; coalesce?: (vars: TVars) => string | null }): void {
  kinds.set(kind, handler as unknown as OutboxKind);
}

// ---------- ids ----------

/** A UUID (v4) for the Idempotency-Key; old browsers lack crypto.randomUUID. */
export function newId(): string {
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------- storage ----------

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

function currentAccount(): string | null {
  try {
    return storage()?.getItem(ACCOUNT_KEY) ?? null;
  } catch {
    return null;
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  const e = value as OutboxEntry;
  return typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.kind === 'string' && typeof e.state === 'string';
}

function load(accountId: string): OutboxEntry[] {
  const store = storage();
  if (!store) return [];
  try {
    const raw = store.getItem(PREFIX + accountId);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

const isUnsent = (e: OutboxEntry): boolean => e.state === 'waiting' || e.state === 'sending' || e.state === 'needs-login';
/** Not gone out: waiting, or failed and kept for the member to retry or delete. */
const isNotSent = (e: OutboxEntry): boolean => e.state !== 'sent';
const isExpired = (e: OutboxEntry, now: number): boolean => now - Date.parse(e.createdAt) >= KEEP_MS;

/** Sent entries older than a week, and beyond MAX_SENT, are dropped (oldest first). */
function pruned(entries: OutboxEntry[], now = Date.now()): OutboxEntry[] {
  const sent = entries.filter((e) => e.state === 'sent' && now - Date.parse(e.sentAt ?? e.createdAt) < SENT_KEEP_MS);
  const keepSent = new Set(sent.slice(-MAX_SENT).map((e) => e.id));
  return entries.filter((e) => e.state !== 'sent' || keepSent.has(e.id));
}

/** Writes the account's entries; a full storage drops sent entries (oldest first), then says so. */
function save(accountId: string, entries: OutboxEntry[]): void {
  let list = pruned(entries);
  const store = storage();
  if (!store) throw new OutboxFullError('storage');
  for (;;) {
    try {
      if (list.length === 0) store.removeItem(PREFIX + accountId);
      else store.setItem(PREFIX + accountId, JSON.stringify(list));
      emit();
      return;
    } catch {
      const oldestSent = list.findIndex((e) => e.state === 'sent');
      if (oldestSent === -1) throw new OutboxFullError('storage');
      list = list.filter((_, i) => i !== oldestSent);
    }
  }
}

/**
 * Changes one entry of the account (read fresh: a write may have been queued meanwhile). A full
 * storage while marking it saves the list without it, so it is never left 'sending' (a sent or
 * refused entry has had its outcome; the screen that waited hears it).
 */
function update(accountId: string, id: string, change: (e: OutboxEntry) => OutboxEntry | null): void {
  const entries = load(accountId);
  const next: OutboxEntry[] = [];
  for (const e of entries) {
    if (e.id !== id) next.push(e);
    else {
      const changed = change(e);
      if (changed) next.push(changed);
    }
  }
  try {
    save(accountId, next);
  } catch {
    try {
      save(accountId, next.filter((e) => e.id !== id));
    } catch {
      // Nothing can be written: the list on the phone stays as it was.
    }
  }
}

// ---------- what screens read ----------

const listeners = new Set<() => void>();
let snapshot: { account: string | null; version: number; value: { waiting: number; failed: number; entries: OutboxEntry[] } } | null = null;
let version = 0;

function emit(): void {
  version++;
  for (const l of listeners) l();
  keepRetrying();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function currentSnapshot(): { waiting: number; failed: number; entries: OutboxEntry[] } {
  const account = currentAccount();
  if (snapshot && snapshot.account === account && snapshot.version === version) return snapshot.value;
  const entries = account ? load(account) : [];
  const value = { waiting: entries.filter(isUnsent).length, failed: entries.filter((e) => e.state === 'failed').length, entries };
  snapshot = { account, version, value };
  return value;
}

/** The signed-in account's queue: how many wait (not yet sent), how many failed, every entry in order. */
export function useOutbox(): { waiting: number; failed: number; entries: OutboxEntry[] } {
  return useSyncExternalStore(subscribe, currentSnapshot, currentSnapshot);
}

/**
 * How many writes of the signed-in account have not gone out: waiting, or failed and kept for the
 * member to decide (signing out forgets both, so it asks first).
 */
export function waitingCount(): number {
  const { waiting, failed } = currentSnapshot();
  return waiting + failed;
}

// ---------- whose entries go out ----------

/** The account the server said is signed in on this page load (query.ts keepFor); null until then. */
let confirmed: string | null = null;

/**
 * The server said who is signed in (query.ts keepFor, at start and after a login): that account's
 * entries may go out on this page load.
 */
export function confirmAccount(accountId: string): void {
  confirmed = accountId;
  // After keepFor has finished (it writes the account the phone keeps last).
  void Promise.resolve().then(() => {
    emit();
    void flush();
  });
}

let probe: (() => Promise<string>) | null = null;

/**
 * How the queue asks the server who is signed in (mutations.ts: `/api/auth/me`), for a page that
 * opened without signal and so never heard it from keepFor: the kept account's entries go out once
 * the server names that same account.
 */
export function setAccountProbe(ask: (() => Promise<string>) | null): void {
  probe = ask;
}

/** Not confirmed on this page load yet, and something waits: ask the server, once per run. */
async function confirmByProbe(): Promise<void> {
  const kept = currentAccount();
  if (!probe || kept === null || confirmed === kept || !load(kept).some((e) => e.state === 'waiting')) return;
  let who: string | null = null;
  try {
    who = await probe();
  } catch {
    // No signal, or signed out: the entries keep waiting.
  }
  if (who !== null && who === kept && currentAccount() === kept) confirmed = kept;
}

/** The account whose entries may go out now: confirmed and still the one the phone keeps. */
function sendingAccount(): string | null {
  const account = currentAccount();
  return account !== null && account === confirmed ? account : null;
}

// ---------- queueing and sending ----------

interface Waiter {
  resolve: (answer: unknown) => void;
  reject: (e: unknown) => void;
}
const waiters = new Map<string, Waiter>();

function settle(id: string, outcome: { answer: unknown } | { error: unknown }): void {
  const waiter = waiters.get(id);
  if (!waiter) return;
  waiters.delete(id);
  if ('answer' in outcome) waiter.resolve(outcome.answer);
  else waiter.reject(outcome.error);
}

/** A screen's answer from the server: a JSON object. Anything else (a Wi-Fi login page) did not reach it. */
function checkedAnswer(answer: unknown): unknown {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw ApiError.network();
  return answer;
}

/** Whether an earlier entry of the same thing is replaced by a newer write (see the header). */
function replaceable(e: OutboxEntry): boolean {
  return (e.state === 'waiting' && !e.tried) || e.state === 'failed';
}

/**
 * Queues a write and sends the queue. Resolves with the server's answer when it went out now;
 * rejects with QueuedError when it waits on the phone, with the server's ApiError when refused,
 * with OutboxFullError when it could not be kept.
 */
export function submit<T>(kind: string, vars: unknown): Promise<T> {
  const handler = kinds.get(kind);
  if (!handler) return Promise.reject(new Error(`unknown write ${kind}`));
  const accountId = currentAccount();
  // No account known on this phone (no storage, or no signed-in screen): send without keeping.
  if (!accountId || !storage()) return handler.send(vars as never, newId(), null).then(checkedAnswer) as Promise<T>;
  const entries = load(accountId);
  const same = handler.coalesce?.(vars as never) ?? null;
  const earlier = same === null ? undefined : entries.find((e) => e.kind === kind && replaceable(e) && handler.coalesce?.(e.vars as never) === same);
  const id = newId();
  const entry: OutboxEntry = { id, kind, vars, accountId, createdAt: new Date().toISOString(), state: 'waiting', sentAt: null, error: null, reason: null, tried: false };
  let next: OutboxEntry[];
  if (earlier) {
    settle(earlier.id, { error: new QueuedError(earlier.id) });
    next = entries.map((e) => (e === earlier ? entry : e));
  } else {
    if (entries.filter(isNotSent).length >= MAX_UNSENT) return Promise.reject(new OutboxFullError('too-many'));
    next = [...entries, entry];
  }
  try {
    save(accountId, next);
  } catch (e) {
    return Promise.reject(e);
  }
  const answer = new Promise<T>((resolve, reject) => waiters.set(id, { resolve: resolve as (a: unknown) => void, reject }));
  if (sendingAccount() !== accountId) {
    // Who is signed in is not confirmed yet: it waits, and the screen says so now.
    settle(id, { error: new QueuedError(id) });
  } else {
    const ahead = next.slice(0, next.findIndex((e) => e.id === id)).some((e) => e.state === 'waiting' || e.state === 'sending');
    // Behind others still going out: the screen hears "saved" after a moment rather than spinning.
    if (ahead) window.setTimeout(() => settle(id, { error: new QueuedError(id) }), BEHIND_MS);
  }
  void flush();
  return answer;
}

/** A refusal that asking again unchanged would get again. */
function isRefusal(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true;
  if (e.isOffline || e.status >= 500 || e.status === 401 || e.status === 429) return false;
  return !(e.status === 409 && e.code === 'in_progress');
}

let flushing: Promise<void> | null = null;
let again = false;
let busyTimer: number | undefined;

/** Sends what waits, in order; one run at a time (a request during a run makes one more run). */
export function flush(): Promise<void> {
  if (flushing) {
    again = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      do {
        again = false;
        await flushOnce();
      } while (again);
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** Entries too old for the server to recognise a resend are not resent: failed, to be confirmed. */
function expireOld(accountId: string): void {
  const now = Date.now();
  for (const e of load(accountId).filter((x) => (x.state === 'waiting' || x.state === 'needs-login') && isExpired(x, now))) {
    update(accountId, e.id, (x) => ({ ...x, state: 'failed', error: EXPIRED_TEXT, reason: 'expired' }));
    settle(e.id, { error: new QueuedError(e.id) });
  }
}

async function flushOnce(): Promise<void> {
  await confirmByProbe();
  for (;;) {
    // Checked before each entry: another tab or sign-in may have changed the account meanwhile.
    const accountId = sendingAccount();
    if (!accountId) {
      const kept = currentAccount();
      if (kept) for (const w of load(kept)) settle(w.id, { error: new QueuedError(w.id) });
      return;
    }
    expireOld(accountId);
    const entry = load(accountId).find((e) => e.state === 'waiting');
    if (!entry) return;
    const handler = kinds.get(entry.kind);
    if (!handler) {
      update(accountId, entry.id, (e) => ({ ...e, state: 'failed', error: null, reason: 'unknown-kind' }));
      settle(entry.id, { error: new QueuedError(entry.id) });
      continue;
    }
    update(accountId, entry.id, (e) => ({ ...e, state: 'sending', tried: true }));
    let answer: unknown;
    try {
      answer = checkedAnswer(await handler.send(entry.vars as never, entry.id, entry.accountId || accountId));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        for (const w of load(accountId).filter((x) => x.state === 'waiting' || x.id === entry.id)) {
          update(accountId, w.id, (x) => ({ ...x, state: 'needs-login' }));
          settle(w.id, { error: new QueuedError(w.id, true) });
        }
        return;
      }
      if (!isRefusal(e)) {
        update(accountId, entry.id, (x) => ({ ...x, state: 'waiting' }));
        for (const w of load(accountId).filter((x) => x.state === 'waiting')) settle(w.id, { error: new QueuedError(w.id) });
        if (e instanceof ApiError && e.status === 409) {
          window.clearTimeout(busyTimer);
          busyTimer = window.setTimeout(() => void flush(), BUSY_RETRY_MS);
        }
        return;
      }
      // Refused: it stays on 待发送 with the server's words; a screen still waiting shows them too.
      const words = e instanceof ApiError ? readableMessage(e) : '';
      update(accountId, entry.id, (x) => ({ ...x, state: 'failed', error: words || null, reason: null }));
      settle(entry.id, { error: e });
      continue;
    }
    update(accountId, entry.id, (x) => ({ ...x, state: 'sent', sentAt: new Date().toISOString(), error: null, reason: null }));
    try {
      handler.onSent?.(answer as never, entry.vars as never);
    } catch {
      // The cache update is a convenience; the write is done.
    }
    settle(entry.id, { answer });
  }
}

/**
 * 重试: a failed (or needs-login) entry waits again and the queue is sent. A failed one goes under a
 * fresh key (the server stored its refusal under the old one) and counts its age from now.
 */
export function retryEntry(id: string): void {
  const accountId = currentAccount();
  if (!accountId) return;
  update(accountId, id, (e) => {
    if (e.state === 'failed') return { ...e, id: newId(), createdAt: new Date().toISOString(), state: 'waiting', error: null, reason: null, tried: false };
    if (e.state === 'needs-login') return { ...e, state: 'waiting', error: null };
    return e;
  });
  void flush();
}

/** 删除: the member gives up an entry that has not gone out (or clears a sent one). */
export function removeEntry(id: string): void {
  const accountId = currentAccount();
  if (!accountId) return;
  update(accountId, id, (e) => (e.state === 'sending' ? e : null));
}

/** The account is signed in (a read went through): entries that waited for the login go out. */
function resumeAfterLogin(): void {
  const accountId = sendingAccount();
  if (!accountId) return;
  const held = load(accountId).filter((e) => e.state === 'needs-login');
  for (const e of held) update(accountId, e.id, (x) => ({ ...x, state: 'waiting' }));
  if (held.length > 0 || load(accountId).some((e) => e.state === 'waiting')) void flush();
}

let retryTimer: number | undefined;

function keepRetrying(): void {
  if (typeof window === 'undefined') return;
  const accountId = currentAccount();
  const waiting = accountId ? load(accountId).some((e) => e.state === 'waiting') : false;
  if (waiting && retryTimer === undefined) retryTimer = window.setInterval(() => void flush(), RETRY_EVERY_MS);
  if (!waiting && retryTimer !== undefined) {
    window.clearInterval(retryTimer);
    retryTimer = undefined;
  }
}

/** The shared phone rule: other accounts' entries stay for their owner, and go KEEP_DAYS after they were made. */
function dropOthersOld(current: string | null): void {
  const store = storage();
  if (!store) return;
  const now = Date.now();
  try {
    const others: string[] = [];
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (key?.startsWith(PREFIX) && key !== PREFIX + current) others.push(key.slice(PREFIX.length));
    }
    for (const account of others) {
      const entries = load(account);
      const young = entries.filter((e) => !isExpired(e, now));
      if (young.length === entries.length) continue;
      if (young.length === 0) store.removeItem(PREFIX + account);
      else store.setItem(PREFIX + account, JSON.stringify(young));
    }
  } catch {
    // Storage unreadable or full: tried again at the next start.
  }
}

let started = false;

/**
 * At start (main.tsx): entries caught mid-send by the page going away wait again, other accounts'
 * entries past KEEP_DAYS go, and the queue is sent once the account is confirmed (`confirmAccount`),
 * when the phone says it is online, when the page is shown again, and when a read succeeds
 * (`readSucceeded`, wired to the query cache by main.tsx).
 */
export function startOutbox(): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  const accountId = currentAccount();
  if (accountId) {
    for (const e of load(accountId).filter((x) => x.state === 'sending')) update(accountId, e.id, (x) => ({ ...x, state: 'waiting' }));
  }
  dropOthersOld(accountId);
  window.addEventListener('online', () => void flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void flush();
  });
  // Another tab of the app changed the queue.
  window.addEventListener('storage', (e) => {
    if (e.key === null || e.key.startsWith(PREFIX) || e.key === ACCOUNT_KEY) emit();
  });
  keepRetrying();
  void flush();
}

let lastAccount: string | null | undefined;

/** A read of the server went through: the signal is back and the session is good. */
export function readSucceeded(): void {
  const account = currentAccount();
  if (account !== lastAccount) {
    lastAccount = account;
    emit();
  }
  // A page opened without signal has not heard yet who is signed in; a read that went through
  // says the signal is back, so ask now rather than at the next timed retry.
  if (account !== null && sendingAccount() === null && load(account).some((e) => e.state === 'waiting')) {
    void flush();
    return;
  }
  resumeAfterLogin();
}

/**
 * Signing out (called before query.ts forgets the account): nothing of the member stays on the
 * phone, the writes that waited or failed included (the sign-out asks first when `waitingCount() > 0`).
 */
export function forgetOutbox(): void {
  const accountId = currentAccount();
  confirmed = null;
  if (!accountId) return;
  for (const e of load(accountId)) settle(e.id, { error: new QueuedError(e.id) });
  try {
    storage()?.removeItem(PREFIX + accountId);
  } catch {
    // Nothing kept.
  }
  emit();
}
