import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ShareScope } from '../api.ts';
import { fill, formatDate } from '../i18n.ts';
import { useSharesI18n } from '../i18n-shares.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { AppLink, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, TopBar } from '../ui.tsx';
import { PostCard } from './share-parts.tsx';
import './shares.css';

const SCOPES: readonly ShareScope[] = ['branch', 'village'];

/**
 * 互动 (每月一互动), a tab of its own: this month's topic of the member's unit with 参与话题, the posts
 * of the member's branch or of the whole village (newest first, 更多 for earlier ones), 写分享, and
 * the way to 有问必答.
 */
export function Shares() {
  const { t, language } = useSharesI18n();
  const [scope, setScope] = useState<ShareScope>('branch');
  const feed = useInfiniteQuery(queries.shareFeed(scope));
  const state = shown(feed, t.networkError);
  const topic = state.kind === 'loaded' ? (state.data.pages[0]?.topic ?? null) : null;
  const posts = state.kind === 'loaded' ? state.data.pages.flatMap((page) => page.items) : [];

  return (
    <>
      <TopBar />
      <main className="screen shares">
        <ScreenTitle>{t.sharesTitle}</ScreenTitle>
        <p className="muted elder-hide">{t.sharesIntro}</p>

        <div className="share-top-actions">
          <AppLink to={{ name: 'share-new', topicId: null }} className="button button-primary" testId="share-new">
            <span aria-hidden="true">＋ </span>
            {t.sharesNew}
          </AppLink>
          <AppLink to={{ name: 'questions' }} className="button button-secondary" testId="share-questions">
            {t.sharesAsk}
          </AppLink>
        </div>

        {topic && !topic.hidden ? (
          <section className="card share-topic" aria-labelledby="share-topic-title" data-testid="share-topic">
            <p className="share-topic-label">{t.topicTitle}</p>
            <h2 id="share-topic-title" className="share-topic-title">
              {topic.title}
            </h2>
            {topic.description ? <p className="pre-wrap elder-hide">{topic.description}</p> : null}
            <p className="due">{fill(t.topicDue, { date: formatDate(topic.dueOn, language) })}</p>
            {topic.closed ? null : (
              <AppLink to={{ name: 'share-new', topicId: topic.id }} className="button button-primary" testId="share-topic-join">
                {t.topicJoin}
              </AppLink>
            )}
          </section>
        ) : null}

        <fieldset className="share-chips">
          <legend className="field-label">{t.sharesScope}</legend>
          <div className="share-chip-row">
            {SCOPES.map((s) => (
              <label key={s} className={scope === s ? 'share-chip share-chip-on' : 'share-chip'}>
                <input type="radio" name="share-scope" value={s} data-testid={`share-scope-${s}`} checked={scope === s} onChange={() => setScope(s)} />
                {t[`scope_${s}` as const]}
              </label>
            ))}
          </div>
        </fieldset>

        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message} onRetry={() => void feed.refetch()} /> : null}
        {state.kind === 'loaded' && state.stale ? <SavedCopyNotice message={t.sharesStale} onRetry={() => void feed.refetch()} /> : null}
        {state.kind === 'loaded' && posts.length === 0 ? (
          <p className="message message-info" data-testid="shares-empty">
            {t[`sharesEmpty_${scope}` as const]}
          </p>
        ) : null}

        {posts.length > 0 ? (
          <div className="share-feed" data-testid="share-feed" data-scope={scope}>
            {posts.map((post) => (
              <PostCard key={post.id} post={post} link />
            ))}
          </div>
        ) : null}

        {feed.hasNextPage ? (
          <button
            type="button"
            className="button button-secondary"
            data-testid="shares-more"
            disabled={feed.isFetchingNextPage}
            onClick={() => void feed.fetchNextPage()}
          >
            {feed.isFetchingNextPage ? t.sharesLoadingMore : t.sharesMore}
          </button>
        ) : posts.length > 0 && state.kind === 'loaded' && state.data.pages.length > 1 ? (
          <p className="muted share-end">{t.sharesNoMore}</p>
        ) : null}
      </main>
    </>
  );
}
