import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { EVALUATION_GRADES } from '../../../shared/enums.ts';
import { ApiError, evaluationApi, explainError, type MyEvaluation, type MyEvaluationDetail } from '../api.ts';
import { forgetBallotDraft, forgetSelfDraft, loadBallotDraft, loadSelfDraft, newReceipt, saveBallotDraft, saveSelfDraft } from '../evaluation-draft.ts';
import { fill, formatDate } from '../i18n.ts';
import { useEvaluationI18n, type EvaluationDictionary } from '../i18n-evaluation.ts';
import { keys, queries } from '../queries.ts';
import { queryClient } from '../query.ts';
import { shown } from '../shown.ts';
import { AppLink, Field, LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import './evaluation.css';

type Grade = (typeof EVALUATION_GRADES)[number];

interface EvaluationProps {
  /** null: the rounds one takes part in */
  roundId: string | null;
  onBack: () => void;
  onUnauthenticated: () => void;
}

const phaseWord = (t: EvaluationDictionary, r: MyEvaluation) => t[`evPhase_${r.phase}` as const];
const waitWord = (t: EvaluationDictionary, r: MyEvaluation) => (r.phase === 'ballot' ? t.evWaitVote : t.evWaitSelf);

/**
 * 民主评议 on the phone: the rounds one takes part in; in a round, the self-evaluation (kept as a
 * draft on the phone while written), the secret ballot (one card per comrade with four big buttons, a
 * summary before it is sent, "提交后不能修改"), the done state, and one's grade once final.
 */
export function Evaluation({ roundId, onBack, onUnauthenticated }: EvaluationProps) {
  return roundId ? <Round key={roundId} roundId={roundId} onBack={onBack} onUnauthenticated={onUnauthenticated} /> : <Rounds onBack={onBack} />;
}

function Rounds({ onBack }: { onBack: () => void }) {
  const { t } = useEvaluationI18n();
  const query = useQuery(queries.evaluations());
  const state = shown(query, t.networkError);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen evaluation">
        <ScreenTitle>{t.evTitle}</ScreenTitle>
        <p className="muted">{t.evIntro}</p>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' && state.data.items.length === 0 ? <p className="card muted" data-testid="evaluation-none">{t.evNone}</p> : null}
        {state.kind === 'loaded' ? (
          <ul className="plain-list">
            {state.data.items.map((r) => (
              <li key={r.id}>
                <AppLink to={{ name: 'evaluation', roundId: r.id }} className="card evaluation-round" testId={`evaluation-round-${r.id}`}>
                  <span className="evaluation-round-title">{fill(t.evRound, { org: r.orgName, year: r.year })}</span>
                  <span className="tag tag-plain">{phaseWord(t, r)}</span>
                  {r.waiting ? <span className="evaluation-waiting">{waitWord(t, r)}</span> : null}
                  {r.myGrade ? <span className="evaluation-grade">{fill(t.evMyGrade, { grade: t[`evGrade_${r.myGrade}` as const] })}</span> : null}
                </AppLink>
              </li>
            ))}
          </ul>
        ) : null}
      </main>
    </>
  );
}

/** The list of rounds (and 首页's line) asked again after a self-evaluation or a vote. */
function refresh(): void {
  void queryClient.invalidateQueries({ queryKey: keys.evaluations });
}

function Round({ roundId, onBack, onUnauthenticated }: { roundId: string; onBack: () => void; onUnauthenticated: () => void }) {
  const { t, language } = useEvaluationI18n();
  const query = useQuery(queries.evaluation(roundId));
  const state = shown(query, t.networkError);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen evaluation">
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' ? (
          <>
            <ScreenTitle>{fill(t.evRound, { org: state.data.orgName, year: state.data.year })}</ScreenTitle>
            <p>
              <span className="tag tag-plain" data-testid="evaluation-phase" data-phase={state.data.phase}>
                {phaseWord(t, state.data)}
              </span>
            </p>
            {state.data.isSubject && !state.data.graded ? <p className="message">{t.evNotGraded}</p> : null}
            {state.data.phase === 'final' && state.data.myGrade ? (
              <div className="result result-ok" role="status" data-testid="evaluation-result">
                <p className="result-title">{fill(t.evMyGrade, { grade: t[`evGrade_${state.data.myGrade}` as const] })}</p>
              </div>
            ) : null}
            {state.data.phase === 'notice' && state.data.noticeUntil ? <p className="card">{fill(t.evNoticeUntil, { date: formatDate(state.data.noticeUntil, language) })}</p> : null}
            {state.data.phase === 'self' && state.data.isSubject ? (
              <SelfForm round={state.data} onSaved={refresh} onUnauthenticated={onUnauthenticated} />
            ) : state.data.selfText ? (
              <section className="card" aria-labelledby="evaluation-self-mine">
                <h2 id="evaluation-self-mine">{t.evSelfMine}</h2>
                <p className="pre-wrap" data-testid="evaluation-self-text">
                  {state.data.selfText}
                </p>
              </section>
            ) : null}
            {state.data.phase === 'ballot' ? <BallotSection round={state.data} onVoted={refresh} onUnauthenticated={onUnauthenticated} /> : null}
            {['study', 'peer', 'proposal'].includes(state.data.phase) ? <p className="muted">{t.evWaitingNext}</p> : null}
          </>
        ) : null}
      </main>
    </>
  );
}

function SelfForm({ round, onSaved, onUnauthenticated }: { round: MyEvaluationDetail; onSaved: () => void; onUnauthenticated: () => void }) {
  const { t } = useEvaluationI18n();
  const [text, setText] = useState(() => loadSelfDraft(round.id) ?? round.selfText ?? '');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const save = useMutation({ mutationFn: (body: string) => evaluationApi.self(round.id, body) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError(t.evSelfMissing);
    setError(null);
    save.mutate(text, {
      onSuccess: (answer) => {
        forgetSelfDraft(round.id);
        queryClient.setQueryData(keys.evaluation(round.id), answer);
        setSent(true);
        onSaved();
      },
      onError: (err) => setError(explainError(err, t.networkError, onUnauthenticated)),
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate>
      <Field id="evaluation-self" label={t.evSelfLabel} hint={t.evSelfHint} error={error ?? undefined}>
        <textarea
          id="evaluation-self"
          data-testid="evaluation-self"
          aria-describedby="evaluation-self-hint"
          rows={8}
          maxLength={5000}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setSent(false);
            saveSelfDraft(round.id, e.target.value);
          }}
        />
      </Field>
      {sent ? (
        <p className="message message-success" role="status" data-testid="evaluation-self-sent">
          {t.evSelfSent}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="evaluation-self-send">
        {t.evSelfSend}
      </button>
    </form>
  );
}

function BallotSection({ round, onVoted, onUnauthenticated }: { round: MyEvaluationDetail; onVoted: () => void; onUnauthenticated: () => void }) {
  const { t } = useEvaluationI18n();
  const [draft, setDraft] = useState(() => loadBallotDraft(round.id) ?? { receipt: newReceipt(), grades: {} });
  const [reviewing, setReviewing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(round.voted);
  useEffect(() => {
    if (!done) saveBallotDraft(round.id, draft);
  }, [round.id, draft, done]);
  const vote = useMutation({ mutationFn: () => evaluationApi.vote(round.id, draft.receipt, draft.grades as Record<string, Grade>) });
  const chosen = round.ballot.filter((s) => draft.grades[s.memberId]).length;
  const counts = useMemo(() => {
    const c: Record<Grade, number> = { excellent: 0, qualified: 0, basic: 0, unqualified: 0 };
    for (const s of round.ballot) {
      const g = draft.grades[s.memberId] as Grade | undefined;
      if (g) c[g] += 1;
    }
    return c;
  }, [draft, round.ballot]);

  if (!round.canVote) return <p className="card muted">{t.evNoVote}</p>;
  if (done) {
    return (
      <div className="result result-ok" role="status" data-testid="evaluation-voted">
        <p className="result-icon" aria-hidden="true">
          ✓
        </p>
        <p className="result-title">{t.evVoted}</p>
        <p className="result-detail">{t.evVotedDetail}</p>
      </div>
    );
  }
  const choose = (memberId: string, grade: Grade) => setDraft((d) => ({ ...d, grades: { ...d.grades, [memberId]: grade } }));
  const send = () => {
    setError(null);
    vote.mutate(undefined, {
      onSuccess: () => {
        forgetBallotDraft(round.id);
        setDone(true);
        onVoted();
      },
      onError: (err) => {
        // Voted already (from another phone, or this ballot's answer was lost): show the round as it is now.
        if (err instanceof ApiError && err.status === 409 && err.code === 'already_voted') {
          forgetBallotDraft(round.id);
          setDone(true);
          onVoted();
          void queryClient.invalidateQueries({ queryKey: keys.evaluation(round.id) });
          return;
        }
        setError(explainError(err, t.networkError, onUnauthenticated));
      },
    });
  };

  if (reviewing) {
    return (
      <section className="card evaluation-summary" aria-labelledby="evaluation-summary-title" data-testid="evaluation-summary">
        <h2 id="evaluation-summary-title">{t.evSummary}</h2>
        <p data-testid="evaluation-summary-counts">{fill(t.evSummaryCounts, counts)}</p>
        <ul className="plain-list evaluation-summary-list">
          {round.ballot.map((s) => (
            <li key={s.memberId}>
              <span>{s.name}</span>
              <strong>{t[`evGrade_${draft.grades[s.memberId] as Grade}` as const]}</strong>
            </li>
          ))}
        </ul>
        <p className="message message-warning">{t.evFinalWarning}</p>
        {error ? (
          <p className="field-error" role="alert" data-testid="evaluation-vote-error">
            {error}
          </p>
        ) : null}
        <button type="button" className="button button-primary" disabled={vote.isPending} onClick={send} data-testid="evaluation-vote-submit">
          {t.evSubmit}
        </button>
        <button type="button" className="button button-secondary" onClick={() => setReviewing(false)} data-testid="evaluation-vote-back">
          {t.evBack}
        </button>
      </section>
    );
  }

  return (
    <section aria-labelledby="evaluation-ballot-title" data-testid="evaluation-ballot">
      <h2 id="evaluation-ballot-title" className="evaluation-ballot-title">
        {t.evPhase_ballot}
      </h2>
      <p className="muted">{t.evBallotIntro}</p>
      <p className="evaluation-progress" aria-live="polite">
        {fill(t.evProgress, { n: chosen, total: round.ballot.length })}
      </p>
      {round.ballot.map((s) => (
        <div className="card evaluation-person" key={s.memberId} role="group" aria-label={s.name} data-testid={`ballot-${s.memberId}`}>
          <p className="evaluation-person-name">{s.name}</p>
          <div className="evaluation-grades">
            {EVALUATION_GRADES.map((g) => (
              <button
                key={g}
                type="button"
                className={`evaluation-grade-button grade-${g}`}
                aria-pressed={draft.grades[s.memberId] === g}
                onClick={() => choose(s.memberId, g)}
                data-testid={`ballot-${s.memberId}-${g}`}
              >
                {t[`evGrade_${g}` as const]}
              </button>
            ))}
          </div>
        </div>
      ))}
      {chosen < round.ballot.length ? <p className="muted">{fill(t.evChooseAll, { n: round.ballot.length - chosen })}</p> : null}
      <button type="button" className="button button-primary" disabled={chosen < round.ballot.length} onClick={() => setReviewing(true)} data-testid="evaluation-review">
        {t.evReview}
      </button>
    </section>
  );
}
