import { useInfiniteQuery } from '@tanstack/react-query';
import { ApiError } from '../api.ts';
import { useMemo } from 'react';
import type { InboxEntry } from '../api.ts';
import { fill, useI18n } from '../i18n.ts';
import { StorageFullNotice } from '../offline-ui.tsx';
import { queries } from '../queries.ts';
import { failureText } from '../shown.ts';
import { ErrorMessage, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, TopBar } from '../ui.tsx';
import { PushEntry } from './Today.tsx';

interface StudyProps {
  onBack: () => void;
}

/** 学习: every push the member received, newest first, with what is read. */
export function Study({ onBack }: StudyProps) {
  const { t } = useI18n();
  const inbox = useInfiniteQuery(queries.inbox());
  const pages = inbox.data?.pages;
  const entries = useMemo<InboxEntry[] | null>(() => {
    if (!pages) return null;
    // A push delivered meanwhile shifts the pages: never list one twice.
    const seen = new Set<string>();
    const list: InboxEntry[] = [];
    for (const entry of pages.flatMap((page) => page.items)) {
      if (seen.has(entry.pushId)) continue;
      seen.add(entry.pushId);
      list.push(entry);
    }
    return list;
  }, [pages]);
  const last = pages?.[pages.length - 1];
  const unread = last?.unread ?? 0;
  const error = inbox.error ? failureText(inbox.error, t.networkError) || null : null;
  // No signal, the list kept on the phone on the screen: its items open from the phone too (offline-store.ts).
  const offline = inbox.error instanceof ApiError && inbox.error.isOffline && entries !== null;
  const load = () => void inbox.refetch();

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.studyTitle}</ScreenTitle>
        <StorageFullNotice />
        {entries === null ? (
          error ? (
            <LoadFailed message={error} onRetry={load} />
          ) : (
            <LoadingMessage />
          )
        ) : (
          <>
            {offline ? (
              <SavedCopyNotice message={t.offlineShowingSaved} onRetry={load} />
            ) : null}
            {unread > 0 ? (
              <p className="summary" data-testid="study-unread">
                {fill(t.unreadCount, { n: unread })}
              </p>
            ) : null}
            {entries.length === 0 ? <p className="card muted">{t.inboxEmpty}</p> : null}
            {entries.map((entry) => (
              <article key={entry.pushId} className="card">
                <PushEntry push={entry} testIdPrefix="study-push-" />
              </article>
            ))}
            <ErrorMessage message={offline ? null : error} />
            {inbox.hasNextPage ? (
              <button type="button" className="button button-secondary" disabled={inbox.isFetching} onClick={() => void inbox.fetchNextPage()}>
                {inbox.isFetchingNextPage ? t.loading : t.more}
              </button>
            ) : null}
          </>
        )}
      </main>
    </>
  );
}
