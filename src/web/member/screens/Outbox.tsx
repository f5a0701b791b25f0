import { useState, type ReactNode } from 'react';
import { chinaDateTime } from '../../../shared/china-time.ts';
import type { InboxEntry, MyMakeup, MyMentees, MySessions, Today } from '../api.ts';
import { fill } from '../i18n.ts';
import { useOutboxI18n, type OutboxDictionary } from '../i18n-outbox.ts';
import { flush, removeEntry, retryEntry, useOutbox, type OutboxEntry } from '../outbox.ts';
import { queryClient } from '../query.ts';
import { keys, type InboxPages } from '../queries.ts';
import { ScreenTitle, TopBar } from '../ui.tsx';
import './outbox.css';

/**
 * 待发送: what waits on the phone to be sent, what the server did not accept (with its words, 重试
 * and 删除), and what went out and when (China time), for the last week.
 */
export function Outbox({ onBack }: { onBack: () => void }) {
  const { t } = useOutboxI18n();
  const { entries } = useOutbox();
  const [sending, setSending] = useState(false);
  const waiting = entries.filter((e) => e.state === 'waiting' || e.state === 'sending' || e.state === 'needs-login');
  const failed = entries.filter((e) => e.state === 'failed');
  const sent = entries.filter((e) => e.state === 'sent').reverse();
  const needsLogin = waiting.some((e) => e.state === 'needs-login');

  const sendNow = () => {
    setSending(true);
    void flush().finally(() => setSending(false));
  };

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen outbox">
        <ScreenTitle>{t.outboxTitle}</ScreenTitle>
        <p className="muted">{t.outboxIntro}</p>
        {entries.length === 0 ? (
          <p className="message message-info" data-testid="outbox-empty">
            {t.outboxEmpty}
          </p>
        ) : null}

        {waiting.length > 0 ? (
          <section className="card" aria-labelledby="outbox-waiting" data-testid="outbox-waiting">
            <h2 id="outbox-waiting">
              {t.outboxWaitingHead} ({waiting.length})
            </h2>
            {needsLogin ? (
              <p className="message message-warning" data-testid="outbox-needs-login">
                {t.outboxNeedsLogin}
              </p>
            ) : null}
            <ul className="outbox-list">
              {waiting.map((entry) => (
                <EntryRow key={entry.id} entry={entry} t={t} />
              ))}
            </ul>
            {needsLogin ? null : (
              <button type="button" className="button button-primary" onClick={sendNow} disabled={sending} data-testid="outbox-send-now">
                {sending ? t.outboxSending : t.outboxSendNow}
              </button>
            )}
          </section>
        ) : null}

        {failed.length > 0 ? (
          <section className="card card-urgent" aria-labelledby="outbox-failed" data-testid="outbox-failed">
            <h2 id="outbox-failed">
              {t.outboxFailedHead} ({failed.length})
            </h2>
            <ul className="outbox-list">
              {failed.map((entry) => (
                <EntryRow key={entry.id} entry={entry} t={t}>
                  <p className="outbox-error" role="alert">
                    {failedWords(entry, t)}
                  </p>
                  {entry.reason ? null : <p className="muted">{t.outboxFailedHint}</p>}
                  <div className="button-row">
                    <button type="button" className="button button-primary" onClick={() => retryEntry(entry.id)} data-testid="outbox-retry">
                      {t.outboxRetry}
                    </button>
                    <button
                      type="button"
                      className="button button-secondary"
                      data-testid="outbox-delete"
                      onClick={() => {
                        if (window.confirm(t.outboxDeleteConfirm)) removeEntry(entry.id);
                      }}
                    >
                      {t.outboxDelete}
                    </button>
                  </div>
                </EntryRow>
              ))}
            </ul>
          </section>
        ) : null}

        {sent.length > 0 ? (
          <section className="card" aria-labelledby="outbox-sent" data-testid="outbox-sent">
            <h2 id="outbox-sent">{t.outboxSentHead}</h2>
            <ul className="outbox-list">
              {sent.map((entry) => (
                <EntryRow key={entry.id} entry={entry} t={t} />
              ))}
            </ul>
          </section>
        ) : null}
      </main>
    </>
  );
}

function EntryRow({ entry, t, children }: { entry: OutboxEntry; t: OutboxDictionary; children?: ReactNode }) {
  const detail = describe(entry);
  const when =
    entry.state === 'sent' && entry.sentAt
      ? fill(t.outboxSentAt, { time: chinaDateTime(Date.parse(entry.sentAt)) })
      : fill(t.outboxSavedAt, { time: chinaDateTime(Date.parse(entry.createdAt)) });
  return (
    <li className="outbox-entry" data-testid="outbox-entry" data-kind={entry.kind} data-state={entry.state}>
      <p className="outbox-what">
        <strong>{kindLabel(entry.kind, t)}</strong>
        {detail ? <span className="outbox-detail">{detail}</span> : null}
      </p>
      <p className="muted" data-testid={entry.state === 'sent' ? 'outbox-sent-at' : 'outbox-saved-at'}>
        {entry.state === 'sending' ? t.outboxSending : when}
      </p>
      {children}
    </li>
  );
}

/** Why an entry did not go out: the server's words, or the phone's own reason (too old, unknown kind). */
function failedWords(entry: OutboxEntry, t: OutboxDictionary): string {
  if (entry.reason === 'expired') return t.outboxExpired;
  if (entry.reason === 'unknown-kind') return t.outboxUnknownKind;
  return entry.error ?? t.outboxFailedUnknown;
}

function kindLabel(kind: string, t: OutboxDictionary): string {
  switch (kind) {
    case 'report-read':
      return t.kind_report_read;
    case 'open-push':
      return t.kind_open_push;
    case 'submit-makeup':
      return t.kind_submit_makeup;
    case 'ask-leave':
      return t.kind_ask_leave;
    case 'record-talk':
      return t.kind_record_talk;
    case 'share-post':
      return t.kind_share_post;
    case 'share-comment':
      return t.kind_share_comment;
    case 'share-like':
      return t.kind_share_like;
    case 'ask-question':
      return t.kind_ask_question;
    case 'service-log':
      return t.kind_service_log;
    case 'service-signup':
      return t.kind_service_signup;
    case 'save-pledges':
      return t.kind_save_pledges;
    case 'offer-job':
      return t.kind_offer_job;
    case 'close-job':
      return t.kind_close_job;
    default:
      return t.kind_other;
  }
}

/** What the entry is about, from what the phone last saw (a push's, class's or person's name). */
function describe(entry: OutboxEntry): string | null {
  const vars = (entry.vars ?? {}) as { pushId?: string; sessionId?: string; memberId?: string };
  if (vars.pushId) {
    const pushes: InboxEntry[] = [
      ...(queryClient.getQueryData<Today>(keys.today)?.pushes ?? []),
      ...(queryClient.getQueryData<InboxPages>(keys.inbox)?.pages.flatMap((page) => page.items) ?? []),
    ];
    return pushes.find((p) => p.pushId === vars.pushId)?.title ?? null;
  }
  if (vars.sessionId) {
    const makeup = queryClient.getQueryData<MyMakeup[]>(keys.makeups)?.find((m) => m.sessionId === vars.sessionId);
    if (makeup) return makeup.sessionTitle;
    const meetings = queryClient.getQueryData<MySessions>(keys.meetings);
    return [...(meetings?.upcoming ?? []), ...(meetings?.recent ?? [])].find((s) => s.id === vars.sessionId)?.title ?? null;
  }
  if (vars.memberId) {
    return queryClient.getQueryData<MyMentees>(keys.mentees)?.items.find((m) => m.memberId === vars.memberId)?.name ?? null;
  }
  // a post, a comment (互动), a question (有问必答) or a service log (志愿服务): its first words, as written
  if (entry.kind === 'share-post' || entry.kind === 'share-comment' || entry.kind === 'ask-question' || entry.kind === 'service-log') {
    const written = entry.vars as { body?: unknown; what?: unknown };
    const body = entry.kind === 'service-log' ? written.what : written.body;
    return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 30) : null;
  }
  return null;
}
