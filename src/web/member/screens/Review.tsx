import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { explainError, reviewApi, type MyReview } from '../api.ts';
import { fill, formatDay } from '../i18n.ts';
import { useReviewI18n } from '../i18n-review.ts';
import { keys, queries } from '../queries.ts';
import { queryClient } from '../query.ts';
import { forgetSummaryDraft, loadSummaryDraft, saveSummaryDraft } from '../review-draft.ts';
import { shown } from '../shown.ts';
import { Field, LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import './review.css';

interface ReviewProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

/**
 * 季度评议 on the phone: while a round is open, the self-summary (kept as a draft on the phone while
 * written, sent again safely); then the published results, newest first — the total, each item's
 * score out of its points, and the secretary's comment. Opening a new result marks it seen.
 */
export function Review({ onBack, onUnauthenticated }: ReviewProps) {
  const { t } = useReviewI18n();
  const query = useQuery(queries.review());
  const state = shown(query, t.networkError);
  const unseen = state.kind === 'loaded' ? state.data.results.filter((r) => !r.seenAt).map((r) => r.roundId) : [];
  const unseenKey = unseen.join(',');
  useEffect(() => {
    if (!unseenKey) return;
    // Seen once shown; the line on 首页 goes with the next read.
    void Promise.all(unseenKey.split(',').map((id) => reviewApi.seen(id).catch(() => null))).then(() => void queryClient.invalidateQueries({ queryKey: keys.review }));
  }, [unseenKey]);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen review">
        <ScreenTitle>{t.rvTitle}</ScreenTitle>
        <p className="muted">{t.rvIntro}</p>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' && !state.data.open && state.data.results.length === 0 ? (
          <p className="card muted" data-testid="review-none">
            {t.rvNone}
          </p>
        ) : null}
        {state.kind === 'loaded' && state.data.open ? <SummaryForm open={state.data.open} onUnauthenticated={onUnauthenticated} /> : null}
        {state.kind === 'loaded' && state.data.results.length > 0 ? <Results results={state.data.results} fresh={unseen} /> : null}
      </main>
    </>
  );
}

function SummaryForm({ open, onUnauthenticated }: { open: NonNullable<MyReview['open']>; onUnauthenticated: () => void }) {
  const { t, language } = useReviewI18n();
  const [text, setText] = useState(() => loadSummaryDraft(open.roundId) ?? open.selfSummary ?? '');
  const [drafted, setDrafted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const save = useMutation({ mutationFn: (body: string) => reviewApi.summary(open.roundId, body) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError(t.rvSummaryMissing);
    setError(null);
    save.mutate(text.trim(), {
      onSuccess: (answer) => {
        forgetSummaryDraft(open.roundId);
        setDrafted(false);
        queryClient.setQueryData(keys.review, answer);
        setSent(true);
      },
      onError: (err) => setError(explainError(err, t.networkError, onUnauthenticated)),
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="review-open-title">
      <h2 id="review-open-title">{fill(t.rvOpen, { quarter: open.quarter })}</h2>
      <p className="muted">{open.orgName}</p>
      <Field id="review-summary" label={t.rvSummaryLabel} hint={t.rvSummaryHint} error={error ?? undefined}>
        <textarea
          id="review-summary"
          data-testid="review-summary"
          aria-describedby="review-summary-hint"
          rows={8}
          maxLength={1000}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setSent(false);
            setDrafted(true);
            saveSummaryDraft(open.roundId, e.target.value);
          }}
        />
      </Field>
      {drafted ? <p className="muted">{t.rvSummaryDraft}</p> : null}
      {open.submittedAt && !drafted ? <p className="muted" data-testid="review-submitted-at">{fill(t.rvSubmittedAt, { date: formatDay(open.submittedAt, language) })}</p> : null}
      {sent ? (
        <p className="message message-success" role="status" data-testid="review-summary-sent">
          {t.rvSummarySent}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="review-summary-send">
        {t.rvSummarySend}
      </button>
    </form>
  );
}

function Results({ results, fresh }: { results: MyReview['results']; fresh: string[] }) {
  const { t } = useReviewI18n();
  return (
    <section aria-labelledby="review-results-title">
      <h2 id="review-results-title">{t.rvResults}</h2>
      <ul className="plain-list">
        {results.map((r) => (
          <li key={r.roundId} className="card review-result" data-testid="review-result">
            <h3>
              {fill(t.rvResult, { quarter: r.quarter })} {fresh.includes(r.roundId) ? <span className="tag">{t.rvNew}</span> : null}
            </h3>
            <p className="review-total" data-testid="review-total">
              {fill(t.rvTotal, { total: r.total ?? 0 })}
            </p>
            <dl className="review-items">
              {r.items.map((i) => (
                <div key={i.key} className="review-item">
                  <dt>{i.title}</dt>
                  <dd>{fill(t.rvItemScore, { score: i.score ?? '—', points: i.points })}</dd>
                </div>
              ))}
            </dl>
            {r.comment ? (
              <>
                <h4>{t.rvComment}</h4>
                <p className="pre-wrap" data-testid="review-comment">
                  {r.comment}
                </p>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
