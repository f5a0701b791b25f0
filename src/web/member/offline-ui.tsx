import { useOfflineI18n } from './i18n-offline.ts';
import type { Today } from './api.ts';
import { useStorageFull } from './offline-store.ts';
import { keys, type InboxPages } from './queries.ts';
import { queryClient } from './query.ts';

/**
 * "手机存储已满，部分内容没能保存": told once per visit and account (again after something was kept
 * since), when the phone refused to keep an item or its images. Shown on 首页 (where today's items
 * are kept in the background), 学习 and in the reader.
 */
export function StorageFullNotice() {
  const { t } = useOfflineI18n();
  const { full, dismiss } = useStorageFull();
  if (!full) return null;
  return (
    <div className="message message-warning" role="status" data-testid="kept-storage-full">
      <p>{t.storageFull}</p>
      <button type="button" className="button button-plain" onClick={dismiss}>
        {t.storageFullOk}
      </button>
    </div>
  );
}

/** Without an item: a push left with nothing to read is not listed either. */
function withoutItem<E extends { items: { id: string }[] }>(entries: E[], itemId: string): E[] {
  return entries.map((entry) => ({ ...entry, items: entry.items.filter((i) => i.id !== itemId) })).filter((entry) => entry.items.length > 0);
}

/**
 * An item the server no longer has (the secretary deleted or withdrew it while the phone kept it):
 * it leaves today's list and the inbox at once; the next answers of the server agree.
 */
export function withdrawFromLists(itemId: string): void {
  queryClient.setQueryData<Today>(keys.today, (today) => (today ? { ...today, pushes: withoutItem(today.pushes, itemId) } : today));
  queryClient.setQueryData<InboxPages>(keys.inbox, (inbox) =>
    inbox ? { ...inbox, pages: inbox.pages.map((page) => ({ ...page, items: withoutItem(page.items, itemId) })) } : inbox,
  );
}
