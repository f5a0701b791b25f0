import { useSyncExternalStore } from 'react';
import { api, ApiError, type ReadableItem } from './api.ts';

/**
 * Study items kept on the phone so they open without signal (a building site, a boat, a factory floor).
 *
 *  - Items of today's pushes and of the inbox are kept when first seen in a list: after today or the
 *    inbox loads, each item not yet kept is fetched in the background, two at a time, never holding
 *    up a screen (`keepSeen`). An item opened in the reader is kept (or refreshed) too.
 *  - With each item, the member's progress on it (seconds read so far, read or not), so the
 *    reader's count goes on where it stopped, with or without signal.
 *  - Images of kept articles (our own files, `/api/files/<id>`) and audio the member chose to keep
 *    (`keepMedia`) go to a Cache Storage cache named per account; the service worker (sw.js) answers
 *    them from there when the network fails.
 *
 * Where: IndexedDB (items, progress, and a small index of sizes and ages), Cache Storage (media).
 * Bounded: at most ITEM_LIMITS items and MEDIA_LIMITS bytes of media; what is kept longest goes first
 * (`planKeep`, pure and tested on its own). A full phone (QuotaExceededError): the oldest goes (read
 * afresh from the index) and the write is tried once more; if it still does not fit, the member is told,
 * once per visit and account, and again after something was kept since (`StorageFullNotice`).
 *
 * Whose: everything belongs to one account. Another account signing in on the phone empties it first
 * (`keepOnPhoneFor`), signing out empties it (`forgetAllKept`). Ages are a counter, never the clock.
 */

export const ITEM_LIMITS: Limits = { maxCount: 100, maxBytes: 10 * 1024 * 1024 };
export const MEDIA_LIMITS: Limits = { maxCount: 2_000, maxBytes: 25 * 1024 * 1024 };
/** Items fetched at once in the background: a weak signal is shared with what the member is doing. */
const AT_ONCE = 2;

// ---------- what to drop (pure) ----------

export interface Limits {
  maxCount: number;
  maxBytes: number;
}

/** One kept thing as the bounds see it: its key, its size, and when it was kept (a rising counter). */
export interface Held {
  key: string;
  bytes: number;
  seq: number;
}

/**
 * What must go so that `incoming` fits (an entry with the same key is replaced): the oldest first,
 * until both the count and the bytes are within the limits. `fits` is false when the incoming thing
 * alone is larger than the limit (then nothing is dropped for it).
 */
export function planKeep(held: readonly Held[], incoming: { key: string; bytes: number }, limits: Limits): { fits: boolean; drop: string[] } {
  if (incoming.bytes > limits.maxBytes || limits.maxCount < 1) return { fits: false, drop: [] };
  const others = held.filter((h) => h.key !== incoming.key).sort((a, b) => a.seq - b.seq);
  let count = others.length + 1;
  let bytes = others.reduce((sum, h) => sum + h.bytes, 0) + incoming.bytes;
  const drop: string[] = [];
  for (const h of others) {
    if (count <= limits.maxCount && bytes <= limits.maxBytes) break;
    drop.push(h.key);
    count -= 1;
    bytes -= h.bytes;
  }
  return { fits: true, drop };
}

/** The oldest `n` of what is held (to make room after the phone said it is full). */
export function oldest(held: readonly Held[], n = 1): string[] {
  return [...held].sort((a, b) => a.seq - b.seq).slice(0, n).map((h) => h.key);
}

/** Our own files an article shows (`<img src="/api/files/<id>">`), each once. */
export function imagesOf(html: string | null | undefined): string[] {
  if (!html) return [];
  const urls = new Set<string>();
  for (const m of html.matchAll(/<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/gi)) {
    const src = m[1] ?? '';
    if (/^\/api\/files\/[\w-]+$/.test(src)) urls.add(src);
  }
  return [...urls];
}

// ---------- the storage ----------

/**
 * An item as the reader shows it: `fromPhone` when it is the kept copy; `checking` while the server is
 * still being asked (the phone said it has no signal, which WeChat's browser says wrongly at times):
 * "现在没有网络" is only said once the server could not be reached.
 */
export type ShownItem = ReadableItem & { fromPhone?: boolean; checking?: boolean };

/** What the server said after a kept copy was shown: a fresher item, the copy confirmed, or `gone` (404). */
export type LaterAnswer = { item: ShownItem } | { gone: true };

export interface KeptProgress {
  seconds: number;
  read: boolean;
}

interface ItemRecord {
  id: string;
  item: ReadableItem;
}

/** The index: one row per kept item (`i:<id>`) or media file (`m:<url>`), with its size and age. */
interface IndexRow extends Held {
  kind: 'item' | 'media';
  /** media: the item whose article shows it (dropped with it), or null for audio the member kept */
  itemId: string | null;
}

const DB_NAME = 'lx-kept';
const MEDIA_PREFIX = 'lx-kept-media-';
/** The meta record naming the account; the service worker reads it to find that account's media cache. */
const ACCOUNT = 'account';

let account: string | null = null;
let dbPromise: Promise<IDBDatabase | null> | null = null;
/** Every change waits for the one before: the index is read and written as a whole. */
let chain: Promise<unknown> = Promise.resolve();

function hasStorage(): boolean {
  return typeof indexedDB !== 'undefined';
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('aborted', 'AbortError'));
  });
}

function openDb(): Promise<IDBDatabase | null> {
  if (!hasStorage()) return Promise.resolve(null);
  dbPromise ??= new Promise<IDBDatabase | null>((resolve) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore('items', { keyPath: 'id' });
      db.createObjectStore('progress');
      db.createObjectStore('index', { keyPath: 'key' });
      db.createObjectStore('meta');
    };
    open.onsuccess = () => resolve(open.result);
    // Private mode or storage turned off: the app works online without keeping anything.
    open.onerror = () => resolve(null);
    open.onblocked = () => resolve(null);
  });
  return dbPromise;
}

function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = chain.then(work, work);
  chain = next.catch(() => undefined);
  return next;
}

function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED');
}

// ---- the member is told that the phone is full: once per visit and account, and again only after
// something was kept since (the phone had room again, then filled up)
export class FullNotice {
  /** shown now (until dismissed) */
  shown = false;
  /** told since the last thing kept, for this account and visit */
  private told = false;
  private readonly listeners = new Set<() => void>();

  /** The phone refused to keep something: shown unless already told. */
  full(): void {
    if (this.told) return;
    this.told = true;
    this.show(true);
  }

  /** Something was kept: a later full phone is news again. */
  kept(): void {
    this.told = false;
  }

  /** Another account (or none): what the last one was told is not this one's. */
  newAccount(): void {
    this.told = false;
    this.show(false);
  }

  dismiss(): void {
    this.show(false);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private show(shown: boolean): void {
    if (this.shown === shown) return;
    this.shown = shown;
    for (const listener of this.listeners) listener();
  }
}

const fullNotice = new FullNotice();

/** True while the "storage full" notice is to be shown (once per visit and account, until dismissed). */
export function useStorageFull(): { full: boolean; dismiss: () => void } {
  const full = useSyncExternalStore(
    (listener) => fullNotice.subscribe(listener),
    () => fullNotice.shown,
    () => false,
  );
  return { full, dismiss: () => fullNotice.dismiss() };
}

function mediaCacheName(accountId: string): string {
  return MEDIA_PREFIX + accountId;
}

function hasCaches(): boolean {
  return typeof caches !== 'undefined';
}

async function dropMediaCaches(except: string | null): Promise<void> {
  if (!hasCaches()) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(MEDIA_PREFIX) && n !== except).map((n) => caches.delete(n)));
}

async function clearStores(db: IDBDatabase): Promise<void> {
  const tx = db.transaction(['items', 'progress', 'index', 'meta'], 'readwrite');
  for (const name of ['items', 'progress', 'index', 'meta']) tx.objectStore(name).clear();
  await done(tx);
}

/**
 * The account whose items are kept (at start from the account signed in last, then from the server's
 * answer). Another account's items and media are removed before anything of this one is kept.
 */
export function keepOnPhoneFor(accountId: string): Promise<void> {
  if (account === accountId) return chain.then(() => undefined);
  account = accountId;
  fullNotice.newAccount();
  return serially(async () => {
    const db = await openDb();
    if (!db) return;
    try {
      const owner = await req(db.transaction('meta').objectStore('meta').get(ACCOUNT));
      if (owner !== accountId) {
        await clearStores(db);
        await dropMediaCaches(mediaCacheName(accountId));
        const tx = db.transaction('meta', 'readwrite');
        tx.objectStore('meta').put(accountId, ACCOUNT);
        await done(tx);
      }
    } catch {
      // unreadable store: nothing is kept this visit
    }
  });
}

/** Signing out: nothing of the member stays on the phone. */
export function forgetAllKept(): Promise<void> {
  account = null;
  fullNotice.newAccount();
  return serially(async () => {
    const db = await openDb();
    try {
      if (db) await clearStores(db);
      await dropMediaCaches(null);
    } catch {
      // nothing more to do
    }
  });
}

async function readIndex(db: IDBDatabase): Promise<IndexRow[]> {
  return req(db.transaction('index').objectStore('index').getAll() as IDBRequest<IndexRow[]>);
}

function nextSeq(rows: readonly IndexRow[]): number {
  return rows.reduce((max, r) => Math.max(max, r.seq), 0) + 1;
}

/** Removes index rows, with the items, progress and media they stand for (an item takes its images). */
async function removeRows(db: IDBDatabase, rows: readonly IndexRow[], keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const gone = new Set(keys);
  const itemIds = rows.filter((r) => gone.has(r.key) && r.kind === 'item').map((r) => r.key.slice(2));
  const ofItems = new Set(itemIds);
  const media = rows.filter((r) => r.kind === 'media' && (gone.has(r.key) || (r.itemId !== null && ofItems.has(r.itemId))));
  const tx = db.transaction(['items', 'progress', 'index'], 'readwrite');
  for (const id of itemIds) {
    tx.objectStore('items').delete(id);
    tx.objectStore('progress').delete(id);
    tx.objectStore('index').delete(`i:${id}`);
  }
  for (const r of media) tx.objectStore('index').delete(r.key);
  await done(tx);
  if (media.length > 0 && hasCaches() && account) {
    const cache = await caches.open(mediaCacheName(account));
    await Promise.all(media.map((r) => cache.delete(r.key.slice(2))));
  }
}

function heldOf(rows: readonly IndexRow[], kind: IndexRow['kind']): IndexRow[] {
  return rows.filter((r) => r.kind === kind);
}

/** The phone said it is full: the oldest kept thing of those `which` accepts goes (from the index as it is now). */
async function dropOldest(db: IDBDatabase, which: (row: IndexRow) => boolean): Promise<void> {
  const rows = await readIndex(db);
  await removeRows(db, rows, oldest(rows.filter(which)));
}

/** Stores an item in place of the oldest ones if need be; false when it could not be kept. */
async function putItem(item: ReadableItem, owner: string | null): Promise<boolean> {
  const db = await openDb();
  // Fetched for an account that has signed out meanwhile: not kept under the next one.
  if (!db || !account || account !== owner) return false;
  const bytes = JSON.stringify(item).length * 2;
  const key = `i:${item.id}`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const rows = await readIndex(db);
    const plan = planKeep(heldOf(rows, 'item'), { key, bytes }, ITEM_LIMITS);
    if (!plan.fits) return false;
    await removeRows(db, rows, plan.drop);
    try {
      const tx = db.transaction(['items', 'index'], 'readwrite');
      tx.objectStore('items').put({ id: item.id, item } satisfies ItemRecord);
      tx.objectStore('index').put({ key, kind: 'item', bytes, seq: nextSeq(rows), itemId: item.id } satisfies IndexRow);
      await done(tx);
      fullNotice.kept();
      return true;
    } catch (e) {
      if (!isQuotaError(e)) return false;
      if (attempt === 0) {
        // The phone is full: the oldest kept thing goes, then one more try. The index is read again:
        // the rows read above are out of date since the drop just made.
        await dropOldest(db, (r) => r.key !== key);
        continue;
      }
      fullNotice.full();
      return false;
    }
  }
  return false;
}

/** Puts a media file in the account's cache, within the media budget. */
async function putMedia(url: string, itemId: string | null, owner: string | null): Promise<'kept' | 'full' | 'failed'> {
  const db = await openDb();
  if (!db || !owner || owner !== account || !hasCaches()) return 'failed';
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch {
    return 'failed';
  }
  if (!response.ok) return 'failed';
  const blob = await response.blob();
  const key = `m:${url}`;
  const headers = { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(blob.size) };
  const cache = await caches.open(mediaCacheName(owner));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (account !== owner) return 'failed';
    const rows = await readIndex(db);
    const plan = planKeep(heldOf(rows, 'media'), { key, bytes: blob.size }, MEDIA_LIMITS);
    if (!plan.fits) return 'full';
    await removeRows(db, rows, plan.drop);
    try {
      await cache.put(url, new Response(blob, { status: 200, headers }));
      const tx = db.transaction('index', 'readwrite');
      const before = rows.find((r) => r.key === key);
      // Audio the member chose to keep stays theirs even when an article shows it too.
      const owningItem = before && before.itemId === null ? null : itemId;
      tx.objectStore('index').put({ key, kind: 'media', bytes: blob.size, seq: nextSeq(rows), itemId: owningItem } satisfies IndexRow);
      await done(tx);
      fullNotice.kept();
      return 'kept';
    } catch (e) {
      if (!isQuotaError(e)) return 'failed';
      if (attempt === 0) {
        await dropOldest(db, (r) => r.kind === 'media' && r.key !== key);
        continue;
      }
      fullNotice.full();
      return 'full';
    }
  }
  return 'full';
}

/** Keeps an item (and its article's images) for reading without signal, for the account it was read by. */
export function keepItem(item: ReadableItem, owner: string | null = account): Promise<boolean> {
  if (!hasStorage()) return Promise.resolve(false);
  return serially(() => putItem(item, owner)).then(async (kept) => {
    if (kept) for (const url of imagesOf(item.bodyHtml)) await serially(() => putMedia(url, item.id, owner));
    return kept;
  }, () => false);
}

/** The kept copy of an item of this account, or null. */
export async function keptItem(itemId: string): Promise<ReadableItem | null> {
  await chain;
  const db = await openDb();
  if (!db || !account) return null;
  try {
    const record = await req(db.transaction('items').objectStore('items').get(itemId) as IDBRequest<ItemRecord | undefined>);
    return record?.item ?? null;
  } catch {
    return null;
  }
}

async function keptIds(): Promise<Set<string>> {
  const db = await openDb();
  if (!db) return new Set();
  try {
    return new Set(heldOf(await readIndex(db), 'item').map((r) => r.key.slice(2)));
  } catch {
    return new Set();
  }
}

/** Item ids already being fetched in the background (two lists may name the same item). */
const fetching = new Set<string>();

/**
 * Items seen in today or the inbox: those not yet kept are fetched and kept in the background, a few
 * at a time. Never throws; a failure (no signal, withdrawn) leaves the item for the next list.
 */
export async function keepSeen(itemIds: readonly string[]): Promise<void> {
  if (!hasStorage() || !account) return;
  const owner = account;
  const have = await keptIds();
  const queue = [...new Set(itemIds)].filter((id) => !have.has(id) && !fetching.has(id));
  for (const id of queue) fetching.add(id);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        if (account !== owner) return;
        const item = await api.item(id);
        await keepItem(item, owner);
      } catch {
        // no signal or not readable: tried again when a list shows it next time
      } finally {
        fetching.delete(id);
      }
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
}

/** An item the server no longer has (deleted or withdrawn): its copy, progress and images go. */
export function dropItem(itemId: string): Promise<void> {
  if (!hasStorage()) return Promise.resolve();
  return serially(async () => {
    const db = await openDb();
    if (!db) return;
    try {
      await removeRows(db, await readIndex(db), [`i:${itemId}`]);
    } catch {
      // nothing kept
    }
  });
}

/**
 * The reader's item: from the server when it answers (and kept), the kept copy when there is no
 * signal. A 404 (deleted or withdrawn) removes the kept copy and stays an error for the screen.
 *
 * When the phone says it is offline, the kept copy is shown at once (`checking`) and the server is
 * still asked: the phone may be wrong. Its answer comes to `later`: the server's item, the kept copy
 * without `checking` (the server could not be reached), or `gone` (the kept copy was dropped: ask again).
 */
export async function readItem(itemId: string, signal?: AbortSignal, later?: (answer: LaterAnswer) => void): Promise<ShownItem> {
  if (later && typeof navigator !== 'undefined' && navigator.onLine === false) {
    const kept = await keptItem(itemId);
    if (kept) {
      void askServer(itemId, kept).then(later);
      return { ...kept, fromPhone: true, checking: true };
    }
  }
  return fromServer(itemId, signal);
}

async function askServer(itemId: string, kept: ReadableItem): Promise<LaterAnswer> {
  try {
    return { item: await fromServer(itemId) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { gone: true };
    return { item: { ...kept, fromPhone: true } };
  }
}

async function fromServer(itemId: string, signal?: AbortSignal): Promise<ShownItem> {
  const owner = account;
  try {
    const item = await api.item(itemId, signal);
    void keepItem(item, owner);
    return item;
  } catch (e) {
    if (e instanceof ApiError && e.isOffline) {
      const kept = await keptItem(itemId);
      if (kept) return { ...kept, fromPhone: true };
    }
    if (e instanceof ApiError && e.status === 404) await dropItem(itemId);
    throw e;
  }
}

/** The member's progress on a kept item (zero when none). */
export async function keptProgress(itemId: string): Promise<KeptProgress> {
  const none = { seconds: 0, read: false };
  const db = await openDb();
  if (!db || !account) return none;
  try {
    return (await req(db.transaction('progress').objectStore('progress').get(itemId) as IDBRequest<KeptProgress | undefined>)) ?? none;
  } catch {
    return none;
  }
}

/** Saves the member's progress on an item (only for an item that is kept). */
export function saveProgress(itemId: string, progress: KeptProgress): Promise<void> {
  if (!hasStorage()) return Promise.resolve();
  return serially(async () => {
    const db = await openDb();
    if (!db || !account) return;
    try {
      const kept = await req(db.transaction('index').objectStore('index').getKey(`i:${itemId}`));
      if (kept === undefined) return;
      const tx = db.transaction('progress', 'readwrite');
      tx.objectStore('progress').put({ seconds: Math.max(0, Math.round(progress.seconds)), read: progress.read } satisfies KeptProgress, itemId);
      await done(tx);
    } catch {
      // a full phone loses a few seconds of progress, never the reading
    }
  });
}

/**
 * 保存到手机: keeps a media file (an item's recorded audio) for listening without signal, within the
 * media budget (older kept media go first). 'full': larger than the budget or the phone is full.
 */
export function keepMedia(url: string): Promise<'kept' | 'full' | 'failed'> {
  if (!hasStorage()) return Promise.resolve('failed');
  const absolute = new URL(url, location.href);
  const key = absolute.origin === location.origin ? absolute.pathname + absolute.search : absolute.href;
  const owner = account;
  return serially(() => putMedia(key, null, owner)).catch(() => 'failed' as const);
}

/** Whether a media file is kept on the phone for this account. */
export async function isMediaKept(url: string): Promise<boolean> {
  if (!hasCaches() || !account) return false;
  try {
    const cache = await caches.open(mediaCacheName(account));
    return (await cache.match(url)) !== undefined;
  } catch {
    return false;
  }
}
