import type { InboxEntry } from './api.ts';

/**
 * Which items of which pushes the member has read, as last seen in a list (today or the inbox).
 * The reader's item answer does not say it, so a reader opened from a list starts from here;
 * the reader writes back what it reported, and lists that are shown again refresh it.
 */
const readItems = new Map<string, boolean>();

function key(pushId: string, itemId: string): string {
  return pushId + '/' + itemId;
}

export function rememberReadState(entries: InboxEntry[]): void {
  for (const entry of entries) {
    for (const item of entry.items) readItems.set(key(entry.pushId, item.id), item.read);
  }
}

export function markItemRead(pushId: string, itemId: string): void {
  readItems.set(key(pushId, itemId), true);
}

export function isItemRead(pushId: string, itemId: string): boolean | null {
  return readItems.get(key(pushId, itemId)) ?? null;
}
