/**
 * What the member app keeps on the phone as JSON beside the query cache (query.ts keeps the
 * server's answers): a talk being written in localStorage, a tab's check-in in sessionStorage.
 * Storage that is full, disabled or unreadable counts as empty: the app still works online.
 */
type Store = 'localStorage' | 'sessionStorage';

export function keep(key: string, value: unknown, store: Store = 'localStorage'): void {
  try {
    window[store].setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: nothing to keep.
  }
}

/** The kept value when it is an object holding `field`, else null. */
export function recall(key: string, field: string, store: Store = 'localStorage'): Record<string, unknown> | null {
  try {
    const text = window[store].getItem(key);
    const value: unknown = text ? JSON.parse(text) : null;
    if (typeof value === 'object' && value !== null && field in value) return value as Record<string, unknown>;
  } catch {
    // Unreadable: treat as absent.
  }
  return null;
}

export function forget(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing to do.
  }
}

/** Forgets every kept value whose key starts with `prefix` (e.g. all drafts at sign-out). */
export function forgetAll(prefix: string): void {
  try {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
    for (const key of keys) localStorage.removeItem(key);
  } catch {
    // Nothing to do.
  }
}
