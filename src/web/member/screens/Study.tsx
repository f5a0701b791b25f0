import { useCallback, useEffect, useState } from 'react';
import { api, explainError, type InboxEntry } from '../api.ts';
import { fill, useI18n } from '../i18n.ts';
import { rememberReadState } from '../read-state.ts';
import { ErrorMessage, LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import { PushEntry } from './Today.tsx';

const PAGE_SIZE = 20;

interface StudyProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

/** 学习: every push the member received, newest first, with what is read. */
export function Study({ onBack, onUnauthenticated }: StudyProps) {
  const { t } = useI18n();
  const [entries, setEntries] = useState<InboxEntry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [unread, setUnread] = useState(0);
  const [page, setPage] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (nextPage: number) => {
      setBusy(true);
      setError(null);
      try {
        const inbox = await api.inbox(nextPage, PAGE_SIZE);
        rememberReadState(inbox.items);
        setEntries((old) => {
          // A push delivered meanwhile shifts the pages: never list one twice.
          const seen = new Set((nextPage === 1 ? [] : (old ?? [])).map((e) => e.pushId));
          return [...(nextPage === 1 ? [] : (old ?? [])), ...inbox.items.filter((e) => !seen.has(e.pushId))];
        });
        setTotal(inbox.total);
        setUnread(inbox.unread);
        setPage(nextPage);
      } catch (e) {
        setError(explainError(e, t.networkError, onUnauthenticated));
      } finally {
        setBusy(false);
      }
    },
    [onUnauthenticated, t.networkError],
  );

  useEffect(() => {
    void load(1);
  }, [load]);

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.studyTitle}</ScreenTitle>
        {entries === null ? (
          error ? (
            <LoadFailed message={error} onRetry={() => void load(1)} />
          ) : (
            <LoadingMessage />
          )
        ) : (
          <>
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
            <ErrorMessage message={error} />
            {entries.length < total ? (
              <button type="button" className="button button-secondary" disabled={busy} onClick={() => void load(page + 1)}>
                {busy ? t.loading : t.more}
              </button>
            ) : null}
          </>
        )}
      </main>
    </>
  );
}
