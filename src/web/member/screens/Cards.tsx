import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { MyCard } from '../api.ts';
import { formatDay } from '../i18n.ts';
import { useCareI18n } from '../i18n-care.ts';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { AppLink, LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import './care.css';

interface CardsProps {
  onBack: () => void;
}

/** The motif of an occasion, drawn with characters and CSS only (nothing to download). */
function Motif({ occasion }: { occasion: MyCard['occasion'] }) {
  switch (occasion) {
    case 'spring_festival':
      return (
        <span className="motif motif-spring" aria-hidden="true">
          <span className="motif-fu">福</span>
        </span>
      );
    case 'dragon_boat':
      return (
        <span className="motif motif-boat" aria-hidden="true">
          <span className="motif-char">粽</span>
        </span>
      );
    case 'mid_autumn':
      return (
        <span className="motif motif-moon" aria-hidden="true">
          <span className="motif-moon-disc" />
        </span>
      );
    default:
      return (
        <span className="motif motif-star" aria-hidden="true">
          ★
        </span>
      );
  }
}

/** 节日贺卡: cards from the home branch, newest first; an unopened one is marked 新. */
export function Cards({ onBack }: CardsProps) {
  const { t, language } = useCareI18n();
  const query = useQuery(queries.cards());
  const state = shown(query, t.networkError);
  const load = () => void query.refetch();
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.cardsTitle}</ScreenTitle>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={load} /> : null}
        {state.kind === 'loaded' ? (
          <>
            {state.stale ? (
              <p className="message message-warning" role="status">
                {t.cardsStale}
              </p>
            ) : null}
            {state.data.items.length === 0 ? <p className="card muted">{t.cardsNone}</p> : null}
            <ul className="plain-list">
              {state.data.items.map((card) => (
                <li key={card.id}>
                  <AppLink
                    to={{ name: 'card', cardId: card.id }}
                    className="card card-link greeting-entry"
                    testId={`card-${card.id}`}
                  >
                    <Motif occasion={card.occasion} />
                    <span className="greeting-entry-text">
                      <span className="card-title">
                        {card.title}
                        {card.openedAt ? null : <span className="tag tag-bad greeting-new">{t.cardNew}</span>}
                      </span>
                      <span className="muted">
                        {t[`occasion_${card.occasion}` as const]} · {formatDay(card.sentAt, language)}
                      </span>
                    </span>
                    <span className="card-link-arrow" aria-hidden="true">
                      ›
                    </span>
                  </AppLink>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </main>
    </>
  );
}

interface CardViewProps {
  cardId: string;
  onBack: () => void;
}

/** One card, opened: the greeting in large type on red and gold, the signature and the day. */
export function CardView({ cardId, onBack }: CardViewProps) {
  const { t, language } = useCareI18n();
  const query = useQuery(queries.cards());
  const state = shown(query, t.networkError);
  const load = () => void query.refetch();
  const card = state.kind === 'loaded' ? state.data.items.find((c) => c.id === cardId) : undefined;
  const { mutateAsync: sendOpened } = useMutation(writes.openCard);
  const opening = useRef(false);

  // Tell the branch the card was opened (once). Without signal it stays 新 and is told next time.
  useEffect(() => {
    if (!card || card.openedAt || opening.current) return;
    opening.current = true;
    // The answer marks the card opened in the cache (mutations.ts).
    sendOpened({ cardId: card.id }).then(
      () => undefined,
      () => {
        opening.current = false;
      },
    );
  }, [card, sendOpened]);

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={load} /> : null}
        {state.kind === 'loaded' && !card ? (
          <>
            <ScreenTitle>{t.cardsTitle}</ScreenTitle>
            <p className="message message-error" role="alert">
              {t.cardNotFound}
            </p>
          </>
        ) : null}
        {card ? (
          <article className={'greeting greeting-' + card.occasion} data-testid="card-view" data-occasion={card.occasion} aria-labelledby="greeting-title">
            <Motif occasion={card.occasion} />
            <p className="greeting-occasion">{t[`occasion_${card.occasion}` as const]}</p>
            <ScreenTitle>
              <span id="greeting-title">{card.title}</span>
            </ScreenTitle>
            <p className="greeting-text">{card.greeting}</p>
            <p className="greeting-signature">{card.signature}</p>
            <p className="greeting-date">{formatDay(card.sentAt, language)}</p>
          </article>
        ) : null}
        {state.kind === 'loaded' ? (
          <button type="button" className="button button-secondary" onClick={onBack}>
            {t.allCards}
          </button>
        ) : null}
      </main>
    </>
  );
}
