import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, explainError } from '../api.ts';
import { fill } from '../i18n.ts';
import { usePledgesI18n, type PledgesDictionary } from '../i18n-pledges.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import type { JobOfferBody, MyJobOffer } from '../pledges-api.ts';
import { parseWageYuan } from '../job-wage.ts';
import { ErrorMessage, Field, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import './pledges.css';

interface JobsProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

type FieldName = 'employer' | 'city' | 'wageMinYuan' | 'wageMaxYuan' | 'contact' | 'description';
const EMPTY: Record<FieldName, string> = { employer: '', city: '', wageMinYuan: '', wageMaxYuan: '', contact: '', description: '' };

/**
 * 岗位信息: offer a job from the city one works in (employer, city, wage range in whole yuan a month,
 * contact), see one's offers and the villagers the secretary proposed for them (their name and the
 * work they want; their phone stays with the secretary), and close an offer once it is filled.
 */
export function Jobs({ onBack, onUnauthenticated }: JobsProps) {
  const { t } = usePledgesI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.jbTitle}</ScreenTitle>
        <p className="muted">{t.jbIntro}</p>
        <SuccessMessage message={notice} />
        {queued ? <QueuedNotice text={queued} /> : null}
        <OfferForm
          onUnauthenticated={onUnauthenticated}
          onSent={(text, waits) => {
            setNotice(waits ? null : text);
            setQueued(waits ? text : null);
          }}
        />
        <MyOffers t={t} onUnauthenticated={onUnauthenticated} />
      </main>
    </>
  );
}

function OfferForm({ onSent, onUnauthenticated }: { onSent: (text: string, queued: boolean) => void; onUnauthenticated: () => void }) {
  const { t } = usePledgesI18n();
  const { t: o } = useOutboxI18n();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const offer = useMutation(writes.offerJob);

  const check = (): JobOfferBody | null => {
    const next: Partial<Record<FieldName, string>> = {};
    for (const k of ['employer', 'city', 'contact', 'wageMinYuan', 'wageMaxYuan'] as const) if (values[k].trim() === '') next[k] = t.jbMissing;
    const min = parseWageYuan(values.wageMinYuan);
    const max = parseWageYuan(values.wageMaxYuan);
    if (!next.wageMinYuan && min === null) next.wageMinYuan = t.jbWageBad;
    if (!next.wageMaxYuan && max === null) next.wageMaxYuan = t.jbWageBad;
    if (min !== null && max !== null && min > max) next.wageMinYuan = t.jbWageOrder;
    setErrors(next);
    if (Object.keys(next).length || min === null || max === null) return null;
    return { employer: values.employer.trim(), city: values.city.trim(), wageMinYuan: min, wageMaxYuan: max, contact: values.contact.trim(), description: values.description.trim() };
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const body = check();
    if (!body) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      await offer.mutateAsync(body);
      setValues(EMPTY);
      onSent(t.jbSent, false);
    } catch (e) {
      const waits = queuedText(e, o);
      if (waits?.kept) {
        setValues(EMPTY);
        onSent(t.jbQueued, true);
      } else if (waits) setError(waits.text);
      else {
        const issues = e instanceof ApiError ? e.issues.filter((i) => i.field in EMPTY) : [];
        if (issues.length) setErrors(Object.fromEntries(issues.map((i) => [i.field, i.message])));
        else setError(explainError(e, t.networkError, onUnauthenticated));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const input = (k: FieldName, label: string, opts: { hint?: string; numeric?: boolean; max: number }) => (
    <Field id={`job-${k}`} label={label} error={errors[k]} {...(opts.hint ? { hint: opts.hint } : {})}>
      <input
        id={`job-${k}`}
        data-testid={`job-${k}`}
        type="text"
        inputMode={opts.numeric ? 'numeric' : undefined}
        maxLength={opts.max}
        value={values[k]}
        aria-invalid={errors[k] ? true : undefined}
        onChange={(e) => {
          const v = e.target.value;
          setValues((prev) => ({ ...prev, [k]: v }));
          setErrors((prev) => ({ ...prev, [k]: undefined }));
        }}
      />
    </Field>
  );

  return (
    <form className="form card" onSubmit={(e) => void submit(e)} noValidate data-testid="job-form">
      <h2 className="section-title">{t.jbNew}</h2>
      {input('employer', t.jbEmployer, { hint: t.jbEmployerHint, max: 100 })}
      {input('city', t.jbCity, { max: 50 })}
      <div className="jb-wages">
        {input('wageMinYuan', t.jbWageMin, { hint: t.jbWageHint, numeric: true, max: 7 })}
        {input('wageMaxYuan', t.jbWageMax, { numeric: true, max: 7 })}
      </div>
      {input('contact', t.jbContact, { hint: t.jbContactHint, max: 100 })}
      <Field id="job-description" label={t.jbDescription} error={errors.description}>
        <textarea
          id="job-description"
          data-testid="job-description"
          rows={3}
          maxLength={1000}
          value={values.description}
          onChange={(e) => {
            const v = e.target.value;
            setValues((prev) => ({ ...prev, description: v }));
          }}
        />
      </Field>
      <ErrorMessage message={error} />
      <button type="submit" className="button button-primary button-huge" disabled={busy} data-testid="job-send">
        {t.jbSend}
      </button>
    </form>
  );
}

function MyOffers({ t, onUnauthenticated }: { t: PledgesDictionary; onUnauthenticated: () => void }) {
  const query = useQuery(queries.jobs());
  const state = shown(query, t.networkError);
  if (state.kind === 'loading') return <LoadingMessage />;
  if (state.kind === 'failed') return state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null;
  const offers = state.data.offers;
  return (
    <section data-testid="job-mine">
      <h2 className="section-title">{t.jbMine}</h2>
      {offers.length === 0 ? <p className="muted">{t.jbNone}</p> : null}
      <ul className="plain-list">
        {offers.map((offer) => (
          <li key={offer.id}>
            <Offer offer={offer} t={t} onUnauthenticated={onUnauthenticated} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Offer({ offer, t, onUnauthenticated }: { offer: MyJobOffer; t: PledgesDictionary; onUnauthenticated: () => void }) {
  const { t: o } = useOutboxI18n();
  const close = useMutation(writes.closeJob);
  const [error, setError] = useState<string | null>(null);
  const [waits, setWaits] = useState<string | null>(null);
  const doClose = async () => {
    setError(null);
    try {
      await close.mutateAsync({ offerId: offer.id });
    } catch (e) {
      const q = queuedText(e, o);
      if (q?.kept) setWaits(q.text);
      else setError(q ? q.text : explainError(e, t.networkError, onUnauthenticated));
    }
  };
  return (
    <article className="card jb-card" data-testid={`job-offer-${offer.id}`}>
      <p className="pl-kind">
        {offer.employer} · {offer.city}
      </p>
      <p>{fill(t.jbWage, { min: offer.wageMinYuan, max: offer.wageMaxYuan })}</p>
      <p className="muted">{offer.contact}</p>
      {offer.description ? <p className="pl-body">{offer.description}</p> : null}
      <p className="field-label">{t.jbMatches}</p>
      {offer.matches.length === 0 ? (
        <p className="muted">{t.jbNoMatches}</p>
      ) : (
        <ul className="jb-matches">
          {offer.matches.map((m) => (
            <li key={m.id}>
              {fill(t.jbMatchLine, { name: m.seekerName, work: m.wantedWork })} <span className={m.status === 'hired' ? 'tag tag-good' : 'tag tag-plain'}>{t[`jbMatch_${m.status}`]}</span>
            </li>
          ))}
        </ul>
      )}
      {offer.closedAt ? (
        <p className="tag tag-plain">{t.jbClosed}</p>
      ) : waits ? (
        <p className="muted">{waits}</p>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => void doClose()} disabled={close.isPending} data-testid={`job-close-${offer.id}`}>
          {t.jbClose}
        </button>
      )}
      <ErrorMessage message={error} />
    </article>
  );
}
