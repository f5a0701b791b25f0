import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { explainError } from '../api.ts';
import type { MyDutyShift, SwapOffer } from '../duty-api.ts';
import { fill, formatDate, type Language } from '../i18n.ts';
import { useDutyI18n, type DutyDictionary } from '../i18n-duty.ts';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { ErrorMessage, Field, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { chinaDateTime } from '../../../shared/china-time.ts';
import './duty.css';

interface DutyProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

/** "12月8日 08:00–12:00" of a shift, China time. */
export function shiftWhen(s: Pick<MyDutyShift, 'startsAt' | 'endsAt'>, t: DutyDictionary, language: Language): string {
  const from = chinaDateTime(new Date(s.startsAt));
  const to = chinaDateTime(new Date(s.endsAt));
  return fill(t.dtWhen, { day: formatDate(from.slice(0, 10), language), from: from.slice(11, 16), to: to.slice(11, 16) });
}

/** Where a write was tapped: the card of an open shift, of one of mine, or of a swap offered. */
type CardKey = `open-${string}` | `mine-${string}` | `offer-${string}`;

/**
 * 值守: the swaps asked of the member first (接班 in one tap), then their own shifts (cancel, or ask
 * a named comrade or anyone to swap), then the shifts with places left (报名). Big plain buttons;
 * every write needs signal and says at once what happened: a success at the top (the card moves),
 * a failure on the card tapped (a full shift says so in plain words) — at the top only when that
 * card is gone once the screen has been read again.
 */
export function Duty({ onBack, onUnauthenticated }: DutyProps) {
  const { t, language } = useDutyI18n();
  const query = useQuery(queries.duty());
  const state = shown(query, t.networkError);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ at: CardKey; text: string } | null>(null);
  const data = state.kind === 'loaded' ? state.data : null;
  const done = (text: string) => {
    setFailure(null);
    setNotice(text);
  };
  const failedAt = (at: CardKey) => (e: unknown) => {
    setNotice(null);
    setFailure({ at, text: explainError(e, t.networkError, onUnauthenticated) });
    void query.refetch();
  };
  const errorAt = (at: CardKey) => (failure?.at === at ? failure.text : null);
  const cards = new Set<string>(data ? [...data.offers.map((o) => `offer-${o.swapId}`), ...data.mine.map((s) => `mine-${s.shiftId}`), ...data.open.map((s) => `open-${s.shiftId}`)] : []);
  const orphan = failure && data && !cards.has(failure.at) ? failure.text : null;

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen duty">
        <ScreenTitle>{t.dtTitle}</ScreenTitle>
        <p className="muted">{t.dtIntro}</p>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' && state.stale ? <SavedCopyNotice message={t.networkError} onRetry={() => void query.refetch()} /> : null}
        <SuccessMessage message={notice} />
        <ErrorMessage message={orphan} />
        {data ? (
          <>
            {data.offers.length > 0 ? (
              <section aria-labelledby="duty-offers">
                <h2 id="duty-offers" className="dt-heading">
                  {t.dtOffers}
                </h2>
                <ul className="plain-list dt-list">
                  {data.offers.map((o) => (
                    <OfferCard key={o.swapId} offer={o} t={t} language={language} error={errorAt(`offer-${o.swapId}`)} onDone={done} onFailed={failedAt(`offer-${o.swapId}`)} />
                  ))}
                </ul>
              </section>
            ) : null}
            <section aria-labelledby="duty-mine">
              <h2 id="duty-mine" className="dt-heading">
                {t.dtMine}
              </h2>
              {data.mine.length === 0 ? <p className="muted">{t.dtMineNone}</p> : null}
              <ul className="plain-list dt-list">
                {data.mine.map((s) => (
                  <MineCard key={s.shiftId} shift={s} t={t} language={language} error={errorAt(`mine-${s.shiftId}`)} onDone={done} onFailed={failedAt(`mine-${s.shiftId}`)} />
                ))}
              </ul>
            </section>
            <section aria-labelledby="duty-open">
              <h2 id="duty-open" className="dt-heading">
                {t.dtOpen}
              </h2>
              {data.open.length === 0 ? <p className="muted">{t.dtOpenNone}</p> : null}
              <ul className="plain-list dt-list">
                {data.open.map((s) => (
                  <OpenCard key={s.shiftId} shift={s} t={t} language={language} error={errorAt(`open-${s.shiftId}`)} onDone={done} onFailed={failedAt(`open-${s.shiftId}`)} />
                ))}
              </ul>
            </section>
          </>
        ) : null}
      </main>
    </>
  );
}

interface CardProps {
  t: DutyDictionary;
  language: Language;
  /** what went wrong with the last write tapped on this card */
  error: string | null;
  onDone: (text: string) => void;
  onFailed: (e: unknown) => void;
}

function ShiftLines({ shift, t, language }: { shift: MyDutyShift; t: DutyDictionary; language: Language }) {
  return (
    <>
      <h3 className="dt-when">{shiftWhen(shift, t, language)}</h3>
      <p className="dt-line">
        {shift.rosterTitle}
        {shift.place ? ` · ${shift.place}` : ''}
      </p>
      {shift.names.length > 0 ? <p className="dt-line muted">{fill(t.dtOnShift, { names: shift.names.join('、') })}</p> : null}
    </>
  );
}

function OpenCard({ shift, t, language, error, onDone, onFailed }: CardProps & { shift: MyDutyShift }) {
  const signUp = useMutation(writes.dutySignUp);
  return (
    <li className="card dt-card" data-testid={`duty-open-${shift.shiftId}`}>
      <ShiftLines shift={shift} t={t} language={language} />
      <p className="dt-line dt-left">{fill(t.dtPlaces, { n: shift.capacity - shift.taken })}</p>
      <ErrorMessage message={error} />
      <button
        type="button"
        className="button button-primary button-huge"
        disabled={signUp.isPending}
        onClick={() =>
          signUp.mutate(
            { shiftId: shift.shiftId },
            { onSuccess: () => onDone(fill(t.dtSignedUp, { when: shiftWhen(shift, t, language) })), onError: onFailed },
          )
        }
        data-testid="duty-signup"
      >
        {t.dtSignUp}
      </button>
    </li>
  );
}

function MineCard({ shift, t, language, error, onDone, onFailed }: CardProps & { shift: MyDutyShift }) {
  const [mode, setMode] = useState<'idle' | 'cancel' | 'swap'>('idle');
  const cancel = useMutation(writes.dutyCancel);
  const withdraw = useMutation(writes.dutyWithdrawSwap);
  const assignmentId = shift.assignmentId ?? '';
  const started = shift.startsAt <= new Date().toISOString();
  return (
    <li className="card dt-card" data-testid={`duty-mine-${shift.shiftId}`}>
      <ShiftLines shift={shift} t={t} language={language} />
      <ErrorMessage message={error} />
      {shift.swap ? (
        <>
          <p className="dt-line dt-swap" data-testid="duty-swap-waiting">
            {shift.swap.toName ? fill(t.dtSwapWaitingTo, { name: shift.swap.toName }) : t.dtSwapWaiting}
          </p>
          <button
            type="button"
            className="button button-secondary"
            disabled={withdraw.isPending}
            onClick={() => shift.swap && withdraw.mutate({ swapId: shift.swap.id }, { onSuccess: () => onDone(t.dtSwapWithdrawn), onError: onFailed })}
          >
            {t.dtSwapWithdraw}
          </button>
        </>
      ) : started ? null : mode === 'cancel' ? (
        <div className="confirm" role="group" aria-label={t.dtCancel}>
          <p>{fill(t.dtCancelConfirm, { when: shiftWhen(shift, t, language) })}</p>
          <div className="button-row">
            <button
              type="button"
              className="button button-primary"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate({ assignmentId }, { onSuccess: () => onDone(t.dtCancelled), onError: onFailed })}
              data-testid="duty-cancel-yes"
            >
              {t.dtCancelYes}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setMode('idle')}>
              {t.dtCancelNo}
            </button>
          </div>
        </div>
      ) : mode === 'swap' ? (
        <SwapForm assignmentId={assignmentId} t={t} onClose={() => setMode('idle')} onDone={onDone} onFailed={onFailed} />
      ) : (
        <div className="dt-actions">
          <button type="button" className="button button-secondary" onClick={() => setMode('swap')} data-testid="duty-ask-swap">
            {t.dtAskSwap}
          </button>
          <button type="button" className="button button-secondary" onClick={() => setMode('cancel')} data-testid="duty-cancel">
            {t.dtCancel}
          </button>
        </div>
      )}
    </li>
  );
}

function SwapForm({ assignmentId, t, onClose, onDone, onFailed }: { assignmentId: string; t: DutyDictionary; onClose: () => void; onDone: (text: string) => void; onFailed: (e: unknown) => void }) {
  const comrades = useQuery(queries.dutyComrades(assignmentId));
  const ask = useMutation(writes.dutyAskSwap);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  return (
    <form
      className="dt-swap-form"
      onSubmit={(e) => {
        e.preventDefault();
        ask.mutate({ assignmentId, toMemberId: to || null, note: note.trim() }, { onSuccess: () => onDone(t.dtSwapSent), onError: onFailed });
      }}
    >
      <Field id={`swap-to-${assignmentId}`} label={t.dtSwapWho}>
        <select id={`swap-to-${assignmentId}`} value={to} onChange={(e) => setTo(e.target.value)} data-testid="duty-swap-to">
          <option value="">{t.dtSwapAnyone}</option>
          {(comrades.data?.items ?? []).map((c) => (
            <option key={c.memberId} value={c.memberId}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`swap-note-${assignmentId}`} label={t.dtSwapNote}>
        <input id={`swap-note-${assignmentId}`} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={ask.isPending} data-testid="duty-swap-send">
          {t.dtSwapSend}
        </button>
        <button type="button" className="button button-secondary" onClick={onClose}>
          {t.dtSwapBack}
        </button>
      </div>
    </form>
  );
}

function OfferCard({ offer, t, language, error, onDone, onFailed }: CardProps & { offer: SwapOffer }) {
  const accept = useMutation(writes.dutyAcceptSwap);
  const decline = useMutation(writes.dutyDeclineSwap);
  return (
    <li className="card dt-card dt-offer" data-testid={`duty-offer-${offer.swapId}`}>
      <p className="dt-line dt-swap">{offer.fromName ? fill(offer.toMe ? t.dtOfferToMe : t.dtOfferFrom, { name: offer.fromName }) : t.dtOfferFromComrade}</p>
      <ShiftLines shift={offer.shift} t={t} language={language} />
      {offer.note ? <p className="dt-line pre-wrap">{fill(t.dtOfferNote, { note: offer.note })}</p> : null}
      <ErrorMessage message={error} />
      <button
        type="button"
        className="button button-primary button-huge"
        disabled={accept.isPending}
        onClick={() => accept.mutate({ swapId: offer.swapId }, { onSuccess: () => onDone(t.dtAccepted), onError: onFailed })}
        data-testid="duty-accept"
      >
        {t.dtAccept}
      </button>
      {offer.toMe ? (
        <button type="button" className="button button-secondary" disabled={decline.isPending} onClick={() => decline.mutate({ swapId: offer.swapId }, { onSuccess: () => onDone(t.dtDeclined), onError: onFailed })}>
          {t.dtDecline}
        </button>
      ) : null}
    </li>
  );
}
