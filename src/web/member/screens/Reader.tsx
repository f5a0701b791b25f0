import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { ApiError, type InboxEntry, type ReadProgress } from '../api.ts';
import { fill, formatDay } from '../i18n.ts';
import { useOfflineI18n } from '../i18n-offline.ts';
import { isItemRead, markItemRead, writes } from '../mutations.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { isQueued } from '../outbox.ts';
import { queuedText } from '../outbox-strip.tsx';
import { keptProgress, saveProgress } from '../offline-store.ts';
import { StorageFullNotice, withdrawFromLists } from '../offline-ui.tsx';
import { queries } from '../queries.ts';
import { failureText } from '../shown.ts';
import { LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import { ReadAloud } from './ReadAloud.tsx';

interface ReaderProps {
  /** null: an item opened outside a push (class materials): read without push tracking. */
  pushId: string | null;
  itemId: string;
  onBack: () => void;
}

/** Pushes this page has already reported as opened (React's development double effects). */
const openedPushes = new Set<string>();

/** Whether the push's entry says this item is already read (null: the item is not in it). */
function readFlagFrom(entry: InboxEntry, itemId: string): boolean | null {
  return entry.items.find((i) => i.id === itemId)?.read ?? null;
}

export function Reader({ pushId, itemId, onBack }: ReaderProps) {
  const { t, language } = useOfflineI18n();
  const itemQuery = useQuery(queries.item(itemId));
  // The server no longer has it (deleted or withdrawn while kept on the phone): the kept copy is gone too.
  const withdrawn = itemQuery.error instanceof ApiError && itemQuery.error.status === 404;
  const item = withdrawn ? null : (itemQuery.data ?? null);
  const error = itemQuery.error && !itemQuery.isFetching ? failureText(itemQuery.error, t.networkError) : null;
  const [read, setRead] = useState<boolean>(() => (pushId ? (isItemRead(pushId, itemId) ?? false) : false));
  const openPush = useMutation(writes.openPush);
  const { mutateAsync: sendOpened } = openPush;
  const reportRead = useMutation(writes.reportRead);
  const { mutateAsync: sendProgress } = reportRead;

  useEffect(() => {
    if (!pushId || openedPushes.has(pushId)) return;
    openedPushes.add(pushId);
    sendOpened({ pushId }).then(
      (answer) => {
        if (readFlagFrom(answer, itemId) === true) {
          markItemRead(pushId, itemId);
          setRead(true);
        }
      },
      () => openedPushes.delete(pushId), // not recorded: try again next time the push is opened
    );
  }, [pushId, itemId, sendOpened]);

  const onRead = useCallback(() => {
    if (pushId) markItemRead(pushId, itemId);
    setRead(true);
  }, [pushId, itemId]);
  const tracker = useReadTracking(pushId && item ? { pushId, itemId, minSeconds: item.minSeconds } : null, onRead, sendProgress);

  const bodyRef = useRef<HTMLDivElement>(null);
  const html = useMemo(() => (item?.bodyHtml ? prepareArticle(item.bodyHtml) : null), [item?.bodyHtml]);

  useEffect(() => {
    if (withdrawn) withdrawFromLists(itemId);
  }, [withdrawn, itemId]);

  // The copy kept on the phone is shown: as soon as the signal is back, ask the server (it may have
  // changed, or been withdrawn meanwhile).
  const fromPhone = item?.fromPhone === true;
  const { refetch } = itemQuery;
  useEffect(() => {
    if (!fromPhone) return;
    const online = () => void refetch();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [fromPhone, refetch]);

  if (withdrawn) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen">
          <ScreenTitle>{t.studyTitle}</ScreenTitle>
          <p className="message message-warning" role="alert" data-testid="reader-withdrawn">
            {t.withdrawn}
          </p>
          <p className="muted">{t.withdrawnHint}</p>
          <button type="button" className="button button-primary" onClick={onBack}>
            {t.back}
          </button>
        </main>
      </>
    );
  }

  if (!item) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen">
          {error ? (
            <>
              <ScreenTitle>{t.studyTitle}</ScreenTitle>
              <LoadFailed message={error} onRetry={() => void itemQuery.refetch()} />
            </>
          ) : (
            <LoadingMessage />
          )}
        </main>
      </>
    );
  }

  const mediaSrc = item.file?.url ?? item.mediaUrl;
  const minutes = Math.max(1, Math.round(item.minSeconds / 60));
  const readRule = item.minSeconds < 60 ? fill(t.readRuleSeconds, { n: item.minSeconds }) : fill(t.readRule, { n: minutes });

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen reader">
        <ScreenTitle>{item.title}</ScreenTitle>
        {/* "现在没有网络" only once the server could not be reached, not while it is still being asked */}
        {item.fromPhone && !item.checking ? (
          <p className="message message-info" role="status" data-testid="reader-kept-copy">
            {t.keptCopy}
          </p>
        ) : null}
        <StorageFullNotice />
        {tracker.queueFull ? (
          <p className="message message-warning" role="status" data-testid="reader-queue-full">
            {tracker.queueFull}
          </p>
        ) : null}
        <p className="reader-meta">
          {t[`kind_${item.kind}` as const]}
          {item.author ? ` · ${t.author} ${item.author}` : ''}
          {` · ${item.orgName} · ${formatDay(item.updatedAt, language)}`}
        </p>
        {pushId ? (
          <p className={read ? 'tag tag-good reader-state' : 'tag tag-plain reader-state'} data-testid="reader-read-state" data-read={read ? 'true' : 'false'}>
            {read ? t.readMark : readRule}
          </p>
        ) : null}
        {item.kind === 'article' || item.bodyHtml ? <ReadAloud title={item.title} bodyRef={bodyRef} audioUrl={item.audioUrl ?? null} /> : null}

        {item.kind !== 'article' && item.summary ? <p className="reader-summary">{item.summary}</p> : null}

        {item.kind === 'audio' && mediaSrc ? (
          <div className="media">
            <audio controls preload="none" src={mediaSrc} onEnded={tracker.reachedEnd}>
              <a href={mediaSrc}>{t.openAudio}</a>
            </audio>
            {item.file ? null : (
              <a className="button button-plain" href={mediaSrc} target="_blank" rel="noopener noreferrer" onClick={tracker.reachedEnd}>
                {t.openAudio}
              </a>
            )}
          </div>
        ) : null}

        {item.kind === 'video' && mediaSrc ? (
          <div className="media">
            {item.file || isDirectVideo(mediaSrc) ? (
              <video controls preload="none" playsInline src={mediaSrc} onEnded={tracker.reachedEnd}>
                <a href={mediaSrc}>{t.openVideo}</a>
              </video>
            ) : (
              // A page of a video service (腾讯视频, 学习强国 …): we cannot see inside it, so opening it counts.
              <a className="button button-primary button-huge" href={mediaSrc} target="_blank" rel="noopener noreferrer" onClick={tracker.reachedEnd}>
                <span aria-hidden="true">▶&nbsp;</span>
                {t.openVideo}
              </a>
            )}
          </div>
        ) : null}

        {item.kind === 'pdf' && mediaSrc ? (
          <div className="media">
            <a className="button button-primary button-huge" href={mediaSrc} target="_blank" rel="noopener noreferrer" onClick={tracker.reachedEnd}>
              {t.openPdf}
            </a>
            {item.file ? <p className="muted">{`${item.file.fileName} · ${formatSize(item.file.sizeBytes)}`}</p> : null}
          </div>
        ) : null}

        {html ? (
          // Sanitized by the server on save and again when served.
          <div ref={bodyRef} className="article" dangerouslySetInnerHTML={{ __html: html }} />
        ) : item.kind === 'article' ? (
          <p className="muted">{t.noContent}</p>
        ) : null}

        <p ref={tracker.endRef} className="reader-end">
          {t.endOfItem}
        </p>
        {pushId && read ? (
          <p className="message message-success" role="status">
            {t.readMark}
          </p>
        ) : null}
        <button type="button" className="button button-plain" onClick={onBack}>
          {t.back}
        </button>
      </main>
    </>
  );
}

function isDirectVideo(url: string): boolean {
  return /\.(mp4|m4v|webm|ogv|mov)(\?|#|$)/i.test(url);
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * Images load only when scrolled near (their width and height keep the page from jumping), and
 * links leave the app in a new page. Parsed in a <template>, whose images do not load.
 */
function prepareArticle(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const img of template.content.querySelectorAll('img')) {
    img.setAttribute('loading', 'lazy');
    img.setAttribute('decoding', 'async');
  }
  for (const a of template.content.querySelectorAll('a[href]')) {
    if (a.getAttribute('href')?.startsWith('#')) continue;
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  }
  return template.innerHTML;
}

// ---------- read tracking ----------

/** The end marker counts only after this long on the page: before images settle it may show at once. */
const END_GRACE_SECONDS = 3;

interface Tracked {
  pushId: string;
  itemId: string;
  minSeconds: number;
}

interface Tracker {
  endRef: RefObject<HTMLParagraphElement | null>;
  /** The media ended, or an outside link was opened. */
  reachedEnd: () => void;
  /** The reading record could not be kept on the phone (too many waiting, storage full): said, not lost silently. */
  queueFull: string | null;
}

/**
 * Counts the seconds the page is visible and whether the end was reached, and reports them to the
 * push: when the end is reached, when the minimum time has passed, and when the member leaves
 * (back, another app, closing the page: fetch with keepalive, which carries the CSRF header that
 * sendBeacon cannot). The count is kept on the phone with the item (offline-store.ts) and goes on
 * from there the next time it is opened, with or without signal; reports without signal wait in
 * the queue of writes.
 */
type SendProgress = (vars: { pushId: string; body: ReadProgress; keepalive: boolean }) => Promise<InboxEntry>;

function useReadTracking(tracked: Tracked | null, onRead: () => void, send: SendProgress): Tracker {
  const endRef = useRef<HTMLParagraphElement>(null);
  const seconds = useRef(0);
  const ended = useRef(false);
  const endVisible = useRef(false);
  const reported = useRef({ seconds: -1, reachedEnd: false });
  const readDone = useRef(false);
  const trackedRef = useRef(tracked);
  trackedRef.current = tracked;
  const onReadRef = useRef(onRead);
  onReadRef.current = onRead;
  const sendRef = useRef(send);
  sendRef.current = send;
  const { t: outboxT } = useOutboxI18n();
  const outboxTRef = useRef(outboxT);
  outboxTRef.current = outboxT;
  const [queueFull, setQueueFull] = useState<string | null>(null);

  const report = useCallback((leaving: boolean) => {
    const target = trackedRef.current;
    if (!target) return;
    const body = { itemId: target.itemId, seconds: Math.min(seconds.current, 86_400), reachedEnd: ended.current };
    if (body.seconds === reported.current.seconds && body.reachedEnd === reported.current.reachedEnd) return;
    if (body.seconds === 0 && !body.reachedEnd) return;
    const previous = reported.current;
    reported.current = body;
    const countsAsRead = body.reachedEnd || body.seconds >= target.minSeconds;
    sendRef.current({ pushId: target.pushId, body, keepalive: leaving }).then(
      (answer) => {
        // The server decides (its answer is the push's entry); if it does not say, apply its stated rule.
        const serverSays = readFlagFrom(answer, body.itemId);
        if ((serverSays ?? countsAsRead) && !readDone.current) {
          readDone.current = true;
          onReadRef.current();
        }
      },
      (e: unknown) => {
        if (isQueued(e)) {
          // Kept on the phone and sent when the signal returns: read by the server's rule once the
          // minimum time was met (or the end reached), as the server will count it.
          if (countsAsRead && !readDone.current) {
            readDone.current = true;
            onReadRef.current();
          }
          return;
        }
        // Not kept (too many waiting, storage full): said; the next report carries the totals again.
        const notKept = queuedText(e, outboxTRef.current);
        if (notKept && !notKept.kept) setQueueFull(notKept.text);
        if (reported.current === body) reported.current = previous;
      },
    );
  }, []);

  const reachEnd = useCallback(() => {
    if (ended.current) return;
    ended.current = true;
    report(false);
  }, [report]);

  const active = tracked !== null;
  useEffect(() => {
    if (!active) return;
    const minSeconds = trackedRef.current?.minSeconds ?? 60;
    const itemId = trackedRef.current?.itemId ?? '';
    let minReached = seconds.current >= minSeconds;
    let stopped = false;
    const keep = () => void saveProgress(itemId, { seconds: seconds.current, read: readDone.current || ended.current || seconds.current >= minSeconds });
    void keptProgress(itemId).then((kept) => {
      if (stopped) return;
      seconds.current = Math.max(seconds.current, kept.seconds);
      if (kept.read && !readDone.current) {
        readDone.current = true;
        onReadRef.current();
      }
    });
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      seconds.current += 1;
      if (seconds.current % 5 === 0) keep();
      if (endVisible.current && seconds.current >= END_GRACE_SECONDS) reachEnd();
      if (!minReached && seconds.current >= minSeconds) {
        minReached = true;
        report(false);
      }
    }, 1000);
    const onHidden = () => {
      if (document.visibilityState !== 'hidden') return;
      keep();
      report(true);
    };
    const onPageHide = () => {
      keep();
      report(true);
    };
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);

    let observer: IntersectionObserver | null = null;
    const marker = endRef.current;
    if (marker && 'IntersectionObserver' in window) {
      observer = new IntersectionObserver((entries) => {
        endVisible.current = entries.some((e) => e.isIntersecting);
        if (endVisible.current && seconds.current >= END_GRACE_SECONDS) reachEnd();
      });
      observer.observe(marker);
    }
    return () => {
      stopped = true;
      keep();
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
      observer?.disconnect();
      // Back to the list inside the app: the page stays, but this item's time is over.
      report(true);
    };
  }, [active, reachEnd, report]);

  return { endRef, reachedEnd: reachEnd, queueFull };
}
