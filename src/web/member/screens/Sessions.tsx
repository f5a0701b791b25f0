import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { explainError, type MySession } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { writes } from '../mutations.ts';
import { useOutbox } from '../outbox.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import { failureText } from '../shown.ts';
import { AppLink, ErrorMessage, Field, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { CheckInButton, MaterialLinks, SessionLinks, SessionStatus, SessionWhen } from './parts.tsx';

interface ScreenProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

/** The member's classes; both screens below read the same answer (a check-in or leave updates it). */
function useMyMeetings() {
  const { t } = useI18n();
  const query = useQuery(queries.meetings());
  const error = query.error && !query.isFetching ? failureText(query.error, t.networkError) : null;
  return { data: query.data, error, load: () => void query.refetch() };
}

/** 课程: upcoming classes and meetings, and recent ones with the member's attendance. */
export function Sessions({ onBack }: Pick<ScreenProps, 'onBack'>) {
  const { t } = useI18n();
  const { data, error, load } = useMyMeetings();
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.sessionsTitle}</ScreenTitle>
        {!data ? (
          error ? (
            <LoadFailed message={error} onRetry={load} />
          ) : (
            <LoadingMessage />
          )
        ) : (
          <>
            <SessionGroup title={t.upcoming} sessions={data.upcoming} />
            <SessionGroup title={t.recent} sessions={data.recent} />
            {data.upcoming.length + data.recent.length === 0 ? <p className="card muted">{t.noSessions}</p> : null}
          </>
        )}
      </main>
    </>
  );
}

function SessionGroup({ title, sessions }: { title: string; sessions: MySession[] }) {
  const { t } = useI18n();
  if (sessions.length === 0) return null;
  return (
    <section aria-label={title}>
      <h2 className="section-title">{title}</h2>
      {sessions.map((session) => (
        <AppLink key={session.id} to={{ name: 'session', sessionId: session.id }} className="card card-link">
          <span className="card-title">{session.title}</span>
          <SessionWhen session={session} />
          <span className="card-link-foot">
            <SessionStatus session={session} testId={`session-status-${session.id}`} />
            {session.canCheckIn ? <span className="tag tag-bad">{t.checkinOpenTitle}</span> : null}
            <span className="card-link-arrow" aria-hidden="true">
              ›
            </span>
          </span>
        </AppLink>
      ))}
    </section>
  );
}

/** One class: when and how, the link, the agenda and materials; check in or ask for leave. */
export function SessionDetail({ sessionId, onBack, onUnauthenticated }: ScreenProps & { sessionId: string }) {
  const { t } = useI18n();
  const { data, error, load } = useMyMeetings();
  const [notice, setNotice] = useState<string | null>(null);
  const session = data ? [...data.upcoming, ...data.recent].find((s) => s.id === sessionId) : undefined;

  let content;
  if (!data) {
    content = error ? <LoadFailed message={error} onRetry={load} /> : <LoadingMessage />;
  } else if (!session) {
    content = <ErrorMessage message={t.sessionNotFound} />;
  } else {
    const planned = session.sessionStatus === 'planned';
    const beforeStart = planned && Date.now() < Date.parse(session.startsAt);
    const canAskLeave = beforeStart && session.myStatus === 'invited' && session.leaveStatus !== 'requested' && session.leaveStatus !== 'approved';
    const missed = session.sessionStatus === 'closed' && (session.myStatus === 'absent' || session.myStatus === 'excused');
    content = (
      <>
        <SuccessMessage message={notice} />
        <section className="card">
          <p className="card-title">{session.title}</p>
          <SessionWhen session={session} />
          <p>
            <SessionStatus session={session} testId={`session-status-${session.id}`} />
          </p>
          <dl className="facts">
            <div>
              <dt>{t.mode}</dt>
              <dd>{t[`mode_${session.mode}` as const]}</dd>
            </div>
            {session.location ? (
              <div>
                <dt>{t.place}</dt>
                <dd>{session.location}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t.branch}</dt>
              <dd>{session.orgName}</dd>
            </div>
          </dl>
          {session.canCheckIn ? (
            <CheckInButton session={session} testId={`session-checkin-${session.id}`} onCheckedIn={() => undefined} onUnauthenticated={onUnauthenticated} />
          ) : null}
          {planned ? <SessionLinks session={session} /> : null}
          {session.replayUrl ? (
            <a className="button button-secondary" href={session.replayUrl} target="_blank" rel="noopener noreferrer">
              {t.replay}
            </a>
          ) : null}
          {missed ? (
            <AppLink to={{ name: 'makeup', sessionId: session.id }} className="button button-primary">
              {t.doMakeup}
            </AppLink>
          ) : null}
        </section>

        {session.agenda ? (
          <section className="card" aria-labelledby="agenda-title">
            <h2 id="agenda-title">{t.agenda}</h2>
            <p className="pre-wrap">{session.agenda}</p>
          </section>
        ) : null}

        {session.materials.length > 0 ? (
          <section className="card" aria-labelledby="materials-title">
            <h2 id="materials-title">{t.materials}</h2>
            <MaterialLinks materials={session.materials} />
          </section>
        ) : null}

        {canAskLeave ? <LeaveForm
            sessionId={session.id}
            onSent={() => {
              // The session in the cache is the answer, as it now stands.
              setNotice(t.leaveSent);
              window.scrollTo(0, 0);
            }}
            onUnauthenticated={onUnauthenticated}
          /> : null}
      </>
    );
  }

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.sessionsTitle}</ScreenTitle>
        {content}
      </main>
    </>
  );
}

interface LeaveFormProps {
  sessionId: string;
  onSent: () => void;
  onUnauthenticated: () => void;
}

function LeaveForm({ sessionId, onSent, onUnauthenticated }: LeaveFormProps) {
  const { t } = useOutboxI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const leave = useMutation(writes.askLeave);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A leave request made without signal waits on the phone: said instead of the form.
  const { entries } = useOutbox();
  const waiting = entries.find(
    (e) => e.kind === 'ask-leave' && (e.state === 'waiting' || e.state === 'sending' || e.state === 'needs-login') && (e.vars as { sessionId?: string }).sessionId === sessionId,
  );

  if (waiting) return <QueuedNotice text={waiting.state === 'needs-login' ? t.queuedLogin : t.queuedSaved} testId="leave-queued" />;
  if (!open) {
    return (
      <button type="button" className="button button-plain" onClick={() => setOpen(true)}>
        {t.leaveTitle}
      </button>
    );
  }
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (reason.trim().length < 2) return setError(t.leaveTooShort);
    setBusy(true);
    setError(null);
    try {
      await leave.mutateAsync({ sessionId, reason: reason.trim() });
      onSent();
    } catch (e) {
      // Kept on the phone: the notice above the form replaces it (the entry is now waiting).
      const waits = queuedText(e, t);
      if (!waits?.kept) setError(waits ? waits.text : explainError(e, t.networkError, onUnauthenticated));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={submit} noValidate>
      <h2>{t.leaveTitle}</h2>
      <Field id="leave-reason" label={t.leaveReason} hint={t.leaveHint}>
        <textarea
          id="leave-reason"
          aria-describedby="leave-reason-hint"
          rows={3}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <ErrorMessage message={error} />
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t.submitting : t.leaveSubmit}
      </button>
      <button type="button" className="button button-plain" onClick={() => setOpen(false)}>
        {t.cancel}
      </button>
    </form>
  );
}
