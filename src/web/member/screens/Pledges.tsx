import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, explainError } from '../api.ts';
import { fill, formatDate } from '../i18n.ts';
import { usePledgesI18n, type PledgesDictionary } from '../i18n-pledges.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { forgetPledgeDraft, loadPledgeDraft, savePledgeDraft, type PledgeDraft } from '../pledge-draft.ts';
import type { MyPledge, MyPledges, PledgeKind } from '../pledges-api.ts';
import { AppLink, ErrorMessage, Field, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { PLEDGE_BODY_MAX, PLEDGE_KINDS } from '../../../shared/enums.ts';
import './pledges.css';

const KINDS: readonly PledgeKind[] = PLEDGE_KINDS;
const MAX = PLEDGE_BODY_MAX;

interface PledgesProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

/**
 * 四个一承诺: the year's four pledges, each kind with a plain explanation. While the period is open a
 * kind not yet followed up can be written or changed (the draft kept on the phone); after sending,
 * each shows who follows it up, by when, and the outcome.
 */
export function Pledges({ onBack, onUnauthenticated }: PledgesProps) {
  const { t } = usePledgesI18n();
  const query = useQuery(queries.pledges());
  const state = shown(query, t.networkError);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.plTitle}</ScreenTitle>
        <p className="muted">{t.plIntro}</p>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message || t.networkError} onRetry={() => void query.refetch()} /> : null}
        {state.kind !== 'loading' && state.kind !== 'failed' ? <PledgeForm data={state.data} onUnauthenticated={onUnauthenticated} /> : null}
        <AppLink to={{ name: 'jobs' }} className="card card-link" testId="pledges-jobs">
          {t.plJobsLink}
        </AppLink>
      </main>
    </>
  );
}

function Outcome({ p, t, language }: { p: MyPledge; t: PledgesDictionary; language: 'zh-CN' | 'en-US' }) {
  const good = p.outcome === 'done' || p.outcome === 'adopted';
  return (
    <div className="pl-lines" data-testid={`pledge-status-${p.kind}`}>
      <span className={good ? 'tag tag-good' : p.outcome === 'not_feasible' ? 'tag tag-warn' : 'tag tag-plain'} data-testid={`pledge-outcome-${p.kind}`}>
        {fill(t.plOutcome, { outcome: t[`plOutcome_${p.outcome}`] })}
      </span>
      {p.followUp ? <span>{fill(t.plFollowUp, { name: p.followUp.name })}</span> : null}
      {p.followUp?.dueOn ? <span className="muted">{fill(t.plDue, { date: formatDate(p.followUp.dueOn, language) })}</span> : null}
      {p.outcomeNote ? <p className="pl-body">{fill(t.plNote, { note: p.outcomeNote })}</p> : null}
    </div>
  );
}

function PledgeForm({ data, onUnauthenticated }: { data: MyPledges; onUnauthenticated: () => void }) {
  const { t, language } = usePledgesI18n();
  const { t: o } = useOutboxI18n();
  const byKind = new Map(data.pledges.map((p) => [p.kind, p]));
  const editable = (k: PledgeKind) => data.period.open && (byKind.get(k)?.editable ?? true);
  const [texts, setTexts] = useState<PledgeDraft>(() => {
    const draft = loadPledgeDraft();
    const from = (k: PledgeKind) => draft?.[k] || byKind.get(k)?.body || '';
    return { suggestion: from('suggestion'), wealth_tip: from('wealth_tip'), good_deed: from('good_deed'), job_help: from('job_help') };
  });
  const [errors, setErrors] = useState<Partial<Record<PledgeKind, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const save = useMutation(writes.savePledges);
  useEffect(() => {
    // only what differs from what the server has is a draft
    const changed = KINDS.some((k) => editable(k) && texts[k].trim() !== (byKind.get(k)?.body ?? ''));
    if (changed) savePledgeDraft(texts);
    else forgetPledgeDraft();
  }, [texts]); // eslint-disable-line react-hooks/exhaustive-deps -- kept at every change of the texts

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const items = KINDS.filter((k) => editable(k) && texts[k].trim() !== '').map((k) => ({ kind: k, body: texts[k].trim() }));
    const tooLong = KINDS.filter((k) => texts[k].trim().length > MAX);
    if (tooLong.length) return setErrors(Object.fromEntries(tooLong.map((k) => [k, t.plTooLong])));
    if (items.length === 0) return setError(t.plEmpty);
    inFlight.current = true;
    setBusy(true);
    setError(null);
    setErrors({});
    setNotice(null);
    setQueued(null);
    try {
      await save.mutateAsync({ items });
      forgetPledgeDraft();
      setNotice(t.plSent);
    } catch (e) {
      const waits = queuedText(e, o);
      if (waits?.kept) {
        forgetPledgeDraft();
        setQueued(t.plQueued);
      } else if (waits) setError(waits.text);
      else {
        const issues = e instanceof ApiError ? e.issues : [];
        if (issues.length && issues.every((i) => /items\.\d+\.body/.test(i.field))) {
          const next: Partial<Record<PledgeKind, string>> = {};
          for (const i of issues) {
            const kind = items[Number(i.field.split('.')[1])]?.kind;
            if (kind) next[kind] = i.message;
          }
          setErrors(next);
        } else setError(explainError(e, t.networkError, onUnauthenticated));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const anyEditable = KINDS.some(editable);
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="pledges-form">
      <h2 className="section-title">{fill(t.plYear, { year: data.year })}</h2>
      <p className={data.period.open ? 'muted' : 'message message-info'} data-testid="pledges-period">
        {fill(data.period.open ? t.plPeriod : t.plPeriodClosed, { from: formatDate(data.period.opensOn, language), to: formatDate(data.period.closesOn, language) })}
      </p>
      <SuccessMessage message={notice} />
      {queued ? <QueuedNotice text={queued} /> : null}
      {KINDS.map((k) => {
        const p = byKind.get(k);
        const id = `pledge-${k}`;
        return (
          <section key={k} className="card pl-card" data-testid={`pledge-card-${k}`}>
            {editable(k) ? (
              <div className="pl-field">
                <Field id={id} label={t[`plKind_${k}`]} hint={t[`plHint_${k}`]} error={errors[k]}>
                  <textarea
                    id={id}
                    data-testid={id}
                    rows={3}
                    maxLength={MAX}
                    value={texts[k]}
                    aria-invalid={errors[k] ? true : undefined}
                    aria-describedby={errors[k] ? `${id}-error` : `${id}-hint`}
                    onChange={(e) => {
                      const value = e.target.value;
                      setTexts((prev) => ({ ...prev, [k]: value }));
                      setErrors((prev) => ({ ...prev, [k]: undefined }));
                    }}
                  />
                </Field>
              </div>
            ) : (
              <>
                <p className="pl-kind">{t[`plKind_${k}`]}</p>
                <p className="muted">{t[`plHint_${k}`]}</p>
                <p className="pl-body" data-testid={`pledge-text-${k}`}>
                  {p?.body ?? t.plNotYet}
                </p>
                {p && !p.editable ? <p className="muted">{t.plLocked}</p> : null}
              </>
            )}
            {p ? <Outcome p={p} t={t} language={language} /> : null}
          </section>
        );
      })}
      <ErrorMessage message={error} />
      {anyEditable ? (
        <>
          <p className="muted">{t.plDraftKept}</p>
          <button type="submit" className="button button-primary button-huge" disabled={busy} data-testid="pledges-send">
            {t.plSend}
          </button>
        </>
      ) : null}
    </form>
  );
}
