import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, explainError, type MenteeQuestion, type MyQuestion } from '../api.ts';
import { fill, formatDate, formatDay } from '../i18n.ts';
import { forgetQuestionDraft, loadQuestionDraft, saveQuestionDraft } from '../question-draft.ts';
import { useQuestionsI18n, type QuestionsDictionary } from '../i18n-questions.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { queuedText } from '../outbox-strip.tsx';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { AppLink, ErrorMessage, Field, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import './questions.css';

type View = 'mine' | 'ask' | 'faq' | 'answer';

interface QuestionsProps {
  isMentor: boolean;
  onBack: () => void;
  onUnauthenticated: () => void;
}

/** 有问必答: one's questions, asking one (private or may be published), the unit's FAQ and, for a mentor, their mentees' questions. */
export function Questions({ isMentor, onBack, onUnauthenticated }: QuestionsProps) {
  const { t } = useQuestionsI18n();
  const [view, setView] = useState<View>('mine');
  const [notice, setNotice] = useState<string | null>(null);
  const tabs: [View, string][] = [
    ['mine', t.qTabMine],
    ['ask', t.qTabAsk],
    ['faq', t.qTabFaq],
    ...(isMentor ? ([['answer', t.qTabToAnswer]] as [View, string][]) : []),
  ];
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.qTitle}</ScreenTitle>
        <p className="muted">{t.qIntro}</p>
        <div className="q-tabs" role="group" aria-label={t.qTitle}>
          {tabs.map(([key, label]) => (
            <button
              key={key}
              type="button"
              className={view === key ? 'button button-primary q-tab' : 'button button-secondary q-tab'}
              aria-pressed={view === key}
              onClick={() => {
                setView(key);
                setNotice(null);
              }}
              data-testid={`q-tab-${key}`}
            >
              {label}
            </button>
          ))}
        </div>
        <SuccessMessage message={notice} />
        {view === 'mine' ? <MyQuestions t={t} onAsk={() => setView('ask')} /> : null}
        {view === 'ask' ? (
          <AskForm
            onUnauthenticated={onUnauthenticated}
            onDone={(text) => {
              setNotice(text);
              setView('mine');
            }}
          />
        ) : null}
        {view === 'faq' ? <Faq t={t} /> : null}
        {view === 'answer' ? <ToAnswer onUnauthenticated={onUnauthenticated} /> : null}
      </main>
    </>
  );
}

function StatusTag({ q, t }: { q: Pick<MyQuestion, 'status' | 'overdue'>; t: QuestionsDictionary }) {
  if (q.status === 'answered') return <span className="tag tag-good">{t.qStatusAnswered}</span>;
  return <span className={q.overdue ? 'tag tag-warn' : 'tag tag-plain'}>{q.overdue ? t.qStatusLate : t.qStatusOpen}</span>;
}

function MyQuestions({ t, onAsk }: { t: QuestionsDictionary; onAsk: () => void }) {
  const { language } = useQuestionsI18n();
  const query = useQuery(queries.questions());
  const state = shown(query, t.networkError);
  if (state.kind === 'loading') return <LoadingMessage />;
  if (state.kind === 'failed') return state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null;
  const items = state.data.items;
  if (items.length === 0)
    return (
      <section className="card">
        <p className="muted">{t.qNone}</p>
        <button type="button" className="button button-primary" onClick={onAsk}>
          {t.qAskNow}
        </button>
      </section>
    );
  return (
    <ul className="plain-list q-list" data-testid="q-mine">
      {items.map((q) => (
        <li key={q.id}>
          <AppLink to={{ name: 'question', questionId: q.id }} className="card card-link q-card" testId={`q-item-${q.id}`}>
            <p className="q-head">
              <StatusTag q={q} t={t} />
              {q.answerUnseen ? <span className="tag tag-bad" data-testid="q-new-answer">{t.qNewAnswer}</span> : null}
            </p>
            <p className="q-body">{q.title ? fill(t.qTitleBody, { title: q.title, body: q.body }) : q.body}</p>
            <p className="muted">{fill(t.qAskedOn, { date: formatDay(q.askedAt, language) })}</p>
          </AppLink>
        </li>
      ))}
    </ul>
  );
}

function AskForm({ onDone, onUnauthenticated }: { onDone: (notice: string) => void; onUnauthenticated: () => void }) {
  const { t } = useQuestionsI18n();
  const { t: o } = useOutboxI18n();
  // what was being typed comes back from the phone (question-draft.ts), kept at every change
  const [draft] = useState(() => loadQuestionDraft());
  const [body, setBody] = useState(draft?.body ?? '');
  const [publishable, setPublishable] = useState(draft?.publishable ?? false);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const ask = useMutation(writes.askQuestion);
  const sentRef = useRef(false);
  useEffect(() => {
    if (!sentRef.current) saveQuestionDraft({ body, publishable });
  }, [body, publishable]);
  const done = (notice: string) => {
    sentRef.current = true;
    forgetQuestionDraft();
    onDone(notice);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const text = body.trim();
    if (text === '') return setFieldError(t.qBodyMissing);
    if (text.length > 1000) return setFieldError(t.qBodyTooLong);
    inFlight.current = true;
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      await ask.mutateAsync({ body: text, publishable });
      done(t.qSent);
    } catch (e) {
      const waits = queuedText(e, o);
      if (waits?.kept) done(t.qQueued);
      else if (waits) setError(waits.text);
      else {
        const issue = e instanceof ApiError ? e.issues.find((i) => i.field === 'body') : undefined;
        if (issue) setFieldError(issue.message);
        else setError(explainError(e, t.networkError, onUnauthenticated));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <form className="form card" onSubmit={(e) => void submit(e)} noValidate data-testid="q-ask-form">
      <Field id="q-body" label={t.qBodyLabel} hint={t.qBodyHint} error={fieldError}>
        <textarea
          id="q-body"
          data-testid="q-body"
          rows={5}
          maxLength={1000}
          value={body}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? 'q-body-error' : 'q-body-hint'}
          onChange={(e) => {
            setBody(e.target.value);
            setFieldError(undefined);
          }}
        />
      </Field>
      <fieldset className="q-choice">
        <legend className="field-label">{t.qWhoSees}</legend>
        <label className="q-option">
          <input type="radio" name="q-public" checked={!publishable} onChange={() => setPublishable(false)} data-testid="q-private" />
          <span>
            <strong>{t.qPrivate}</strong>
            <span className="field-hint">{t.qPrivateHint}</span>
          </span>
        </label>
        <label className="q-option">
          <input type="radio" name="q-public" checked={publishable} onChange={() => setPublishable(true)} data-testid="q-public" />
          <span>
            <strong>{t.qPublic}</strong>
            <span className="field-hint">{t.qPublicHint}</span>
          </span>
        </label>
      </fieldset>
      <ErrorMessage message={error} />
      <button type="submit" className="button button-primary button-huge" disabled={busy} data-testid="q-send">
        {t.qSend}
      </button>
    </form>
  );
}

function Faq({ t }: { t: QuestionsDictionary }) {
  const query = useQuery(queries.faq());
  const state = shown(query, t.networkError);
  if (state.kind === 'loading') return <LoadingMessage />;
  if (state.kind === 'failed') return state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null;
  if (state.data.items.length === 0) return <p className="muted card">{t.qFaqNone}</p>;
  return (
    <ul className="plain-list q-list" data-testid="q-faq">
      {state.data.items.map((f) => (
        <li key={f.id} className="card">
          <details className="q-faq">
            <summary className="q-faq-question">{f.question}</summary>
            <p className="pre-wrap">{f.answer}</p>
            <p className="muted">{fill(t.qFaqFrom, { unit: f.orgName })}</p>
          </details>
        </li>
      ))}
    </ul>
  );
}

function Answers({ answers, t }: { answers: MyQuestion['answers']; t: QuestionsDictionary }) {
  const { language } = useQuestionsI18n();
  return (
    <ul className="plain-list">
      {answers.map((a) => (
        <li key={a.id} className="row-block q-answer" data-testid="q-answer">
          <p className="muted">
            {fill(a.answererRole === 'secretary' ? t.qByRoleSecretary : t.qByRoleMentor, { name: a.answererName })} · {formatDay(a.answeredAt, language)}
          </p>
          <p className="pre-wrap">{a.body}</p>
        </li>
      ))}
    </ul>
  );
}

function ToAnswer({ onUnauthenticated }: { onUnauthenticated: () => void }) {
  const { t } = useQuestionsI18n();
  const query = useQuery(queries.menteeQuestions());
  const state = shown(query, t.networkError);
  if (state.kind === 'loading') return <LoadingMessage />;
  if (state.kind === 'failed') return state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null;
  if (state.data.items.length === 0) return <p className="muted card">{t.qToAnswerNone}</p>;
  return (
    <ul className="plain-list q-list" data-testid="q-to-answer">
      {state.data.items.map((q) => (
        <MenteeQuestionCard key={q.id} q={q} onUnauthenticated={onUnauthenticated} />
      ))}
    </ul>
  );
}

function MenteeQuestionCard({ q, onUnauthenticated }: { q: MenteeQuestion; onUnauthenticated: () => void }) {
  const { t, language } = useQuestionsI18n();
  const [body, setBody] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const answer = useMutation(writes.answerQuestion);
  const id = `q-answer-${q.id}`;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (answer.isPending) return;
    if (body.trim() === '') return setFieldError(t.qAnswerMissing);
    setError(null);
    try {
      await answer.mutateAsync({ questionId: q.id, body: body.trim() });
      setBody('');
      setSent(t.qAnswerSent);
    } catch (e) {
      const issue = e instanceof ApiError ? e.issues.find((i) => i.field === 'body') : undefined;
      if (issue) setFieldError(issue.message);
      else setError(explainError(e, t.networkError, onUnauthenticated));
    }
  };
  return (
    <li className="card" data-testid={`q-mentee-${q.id}`}>
      <p className="q-head">
        <strong>{fill(t.qFrom, { name: q.member.name })}</strong> <StatusTag q={q} t={t} />
      </p>
      <p className="q-body pre-wrap">{q.title ? fill(t.qTitleBody, { title: q.title, body: q.body }) : q.body}</p>
      <p className="muted">{fill(t.qAskedOn, { date: formatDay(q.askedAt, language) })}</p>
      {q.answers.length > 0 ? <Answers answers={q.answers} t={t} /> : null}
      <SuccessMessage message={sent} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Field id={id} label={t.qAnswerLabel} error={fieldError}>
          <textarea id={id} data-testid={id} rows={3} maxLength={2000} value={body} aria-invalid={fieldError ? true : undefined} aria-describedby={fieldError ? `${id}-error` : undefined} onChange={(e) => { setBody(e.target.value); setFieldError(undefined); setSent(null); }} />
        </Field>
        <ErrorMessage message={error} />
        <button type="submit" className="button button-primary" disabled={answer.isPending} data-testid={`${id}-send`}>
          {t.qAnswerSend}
        </button>
      </form>
    </li>
  );
}

/** One's question with its answers; opening it marks the answers seen (the 首页 line goes). */
export function QuestionDetail({ questionId, onBack }: { questionId: string; onBack: () => void }) {
  const { t, language } = useQuestionsI18n();
  const query = useQuery(queries.question(questionId));
  const state = shown(query, t.networkError);
  const seen = useMutation(writes.questionSeen);
  const marked = useRef(false);
  const unseen = state.kind === 'loaded' && state.data.answerUnseen;
  useEffect(() => {
    if (unseen && !marked.current) {
      marked.current = true;
      seen.mutate({ questionId });
    }
  }, [unseen, questionId, seen]);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.qDetailTitle}</ScreenTitle>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' ? (
          <>
            <section className="card" data-testid="q-detail">
              <p className="q-head">
                <StatusTag q={state.data} t={t} />
                <span className="tag tag-plain">{state.data.publishable ? t.qPublicMark : t.qPrivateMark}</span>
              </p>
              {state.data.title ? <h2 className="card-title">{state.data.title}</h2> : null}
              <p className="q-body pre-wrap" data-testid="q-detail-body">
                {state.data.body}
              </p>
              <p className="muted">
                {fill(t.qAskedOn, { date: formatDay(state.data.askedAt, language) })}
                {state.data.status === 'open' ? ` · ${fill(t.qDueOn, { date: formatDate(state.data.dueOn, language) })}` : ''}
              </p>
            </section>
            <section className="card" aria-labelledby="q-answers-title">
              <h2 id="q-answers-title" className="section-title">
                {t.qAnswers}
              </h2>
              {state.data.answers.length === 0 ? <p className="muted">{t.qNoAnswerYet}</p> : <Answers answers={state.data.answers} t={t} />}
            </section>
          </>
        ) : null}
      </main>
    </>
  );
}
