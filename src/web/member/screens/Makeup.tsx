import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { explainError, type MyMakeup } from '../api.ts';
import { fill, formatDate, formatDay, useI18n } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { writes } from '../mutations.ts';
import { useOutbox } from '../outbox.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { ErrorMessage, Field, LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import { MaterialLinks } from './parts.tsx';

/** The server counts the trimmed text in UTF-16 units (zod's min); so does the counter. */
export const MIN_REFLECTION = 20;

interface MakeupProps {
  sessionId: string;
  onBack: () => void;
  onUnauthenticated: () => void;
}

/** 补学: the replay or materials of a missed class, then a reflection and answers for the secretary. */
export function Makeup({ sessionId, onBack, onUnauthenticated }: MakeupProps) {
  const { t, language } = useI18n();
  const query = useQuery(queries.makeups());
  const list = shown(query, t.networkError);
  const found = list.kind === 'loaded' ? list.data.find((m) => m.sessionId === sessionId) : undefined;
  const state = list.kind !== 'loaded' ? list : found ? { kind: 'loaded' as const, makeup: found } : { kind: 'missing' as const };
  const load = () => void query.refetch();

  let content;
  if (state.kind === 'loading') content = <LoadingMessage />;
  else if (state.kind === 'failed') content = <LoadFailed message={state.message} onRetry={load} />;
  else if (state.kind === 'missing') content = <ErrorMessage message={t.makeupNotFound} />;
  else {
    const { makeup } = state;
    const canSubmit = makeup.status === 'open' || makeup.status === 'returned';
    content = (
      <>
        <section className="card">
          <p className="card-title">{makeup.sessionTitle}</p>
          <p className="muted">
            {t[`session_${makeup.sessionKind}` as const]} · {formatDay(makeup.sessionStartsAt, language)}
          </p>
          <p>{t[`missed_${makeup.missedStatus}` as const]}</p>
          <dl className="facts">
            <div>
              <dt>{t.dueOn}</dt>
              <dd>{formatDate(makeup.dueOn, language)}</dd>
            </div>
          </dl>
          <p className={'tag ' + statusTone(makeup.status)} data-testid="makeup-status" data-status={makeup.status}>
            {t[`makeup_${makeup.status}` as const]}
          </p>
          {makeup.replayUrl ? (
            <a className="button button-primary" href={makeup.replayUrl} target="_blank" rel="noopener noreferrer">
              <span aria-hidden="true">▶&nbsp;</span>
              {t.replay}
            </a>
          ) : null}
        </section>

        {makeup.status === 'returned' && makeup.reviewNote ? (
          <section className="message message-warning" aria-labelledby="return-note">
            <p id="return-note">{t.returnNote}</p>
            <p className="pre-wrap">{makeup.reviewNote}</p>
          </section>
        ) : null}

        {makeup.materials.length > 0 ? (
          <section className="card" aria-labelledby="makeup-materials">
            <h2 id="makeup-materials">{t.materials}</h2>
            <MaterialLinks materials={makeup.materials} />
          </section>
        ) : null}

        {canSubmit ? (
          <MakeupForm
            key={makeup.status}
            makeup={makeup}
            onUnauthenticated={onUnauthenticated}
            onSubmitted={() => {
              // The make-up in the cache is the answer, as it now stands.
              window.scrollTo(0, 0);
            }}
          />
        ) : makeup.reflection ? (
          <Submission makeup={makeup} />
        ) : null}
      </>
    );
  }

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.makeupTitle}</ScreenTitle>
        {content}
      </main>
    </>
  );
}

function statusTone(status: MyMakeup['status']): string {
  if (status === 'submitted') return 'tag-good';
  if (status === 'open') return 'tag-warn';
  return 'tag-bad';
}

function Submission({ makeup }: { makeup: MyMakeup }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="my-submission">
      <h2 id="my-submission">{t.mySubmission}</h2>
      <p className="pre-wrap">{makeup.reflection}</p>
      {makeup.questions.map((question, i) => (
        <div key={i} className="qa">
          <p className="field-label">{question}</p>
          <p className="pre-wrap">{makeup.answers?.[i] ?? ''}</p>
        </div>
      ))}
    </section>
  );
}

interface MakeupFormProps {
  makeup: MyMakeup;
  onSubmitted: () => void;
  onUnauthenticated: () => void;
}

function MakeupForm({ makeup, onSubmitted, onUnauthenticated }: MakeupFormProps) {
  const { t } = useOutboxI18n();
  // A reflection already waiting on the phone (made without signal, maybe before a restart).
  const { entries } = useOutbox();
  const waitingEntry = entries.find(
    (e) => e.kind === 'submit-makeup' && (e.state === 'waiting' || e.state === 'sending' || e.state === 'needs-login') && (e.vars as { sessionId?: string }).sessionId === makeup.sessionId,
  );
  const [queued, setQueued] = useState<string | null>(null);
  // Reopened while it waits: the member's own text, as it waits on the phone, not the server's older one.
  const waitingBody = (waitingEntry?.vars as { body?: { reflection?: string; answers?: string[] } } | undefined)?.body;
  const [reflection, setReflection] = useState(() => waitingBody?.reflection ?? makeup.reflection ?? '');
  const [answers, setAnswers] = useState<string[]>(() => makeup.questions.map((_, i) => waitingBody?.answers?.[i] ?? makeup.answers?.[i] ?? ''));
  const submitCall = useMutation(writes.submitMakeup);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const length = reflection.trim().length;
  const missing = Math.max(0, MIN_REFLECTION - length);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (missing > 0) return setError(fill(t.reflectionTooShort, { n: missing }));
    if (answers.some((a) => a.trim() === '')) return setError(t.answersMissing);
    const body = { reflection: reflection.trim(), answers: answers.map((a) => a.trim()) };
    setBusy(true);
    setError(null);
    try {
      await submitCall.mutateAsync({ sessionId: makeup.sessionId, body });
      onSubmitted();
    } catch (e) {
      const waits = queuedText(e, t);
      if (waits?.kept) setQueued(waits.text);
      else setError(waits ? waits.text : explainError(e, t.networkError, onUnauthenticated));
      setBusy(false);
    }
  };

  // Waiting for the login is said as such, not as "saved, sent when there is signal".
  const notice = waitingEntry?.state === 'needs-login' ? t.queuedLogin : (queued ?? (waitingEntry ? t.queuedSaved : null));

  return (
    <form className="card form" onSubmit={submit} noValidate>
      <Field id="makeup-reflection" label={t.reflection} hint={t.reflectionHint}>
        <textarea
          id="makeup-reflection"
          data-testid="makeup-reflection"
          aria-describedby="makeup-reflection-hint makeup-reflection-count"
          rows={7}
          maxLength={5000}
          value={reflection}
          onChange={(e) => setReflection(e.target.value)}
        />
        <p id="makeup-reflection-count" className={missing > 0 ? 'counter counter-short' : 'counter counter-ok'} aria-live="polite">
          {fill(t.charCount, { n: length })}
          {missing > 0 ? ` · ${fill(t.charsMissing, { n: missing })}` : ' ✓'}
        </p>
      </Field>
      {makeup.questions.map((question, i) => (
        <Field key={i} id={`makeup-answer-${i}`} label={fill(t.questionN, { n: i + 1, q: question })}>
          <textarea
            id={`makeup-answer-${i}`}
            data-testid={`makeup-answer-${i}`}
            rows={3}
            maxLength={2000}
            value={answers[i] ?? ''}
            onChange={(e) => {
              const value = e.target.value;
              setAnswers((old) => old.map((a, j) => (j === i ? value : a)));
            }}
          />
        </Field>
      ))}
      <ErrorMessage message={error} />
      {notice && waitingEntry ? <QueuedNotice text={notice} testId="makeup-queued" /> : null}
      <button type="submit" className="button button-primary" data-testid="makeup-submit" disabled={busy}>
        {busy ? t.submitting : t.submitMakeup}
      </button>
    </form>
  );
}
