import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { SHARE_COMMENT_MAX } from '../../../shared/enums.ts';
import { ApiError, explainError, type ShareComment } from '../api.ts';
import { fill, formatDateTime } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { useSharesI18n } from '../i18n-shares.ts';
import { writes } from '../mutations.ts';
import { queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { ErrorMessage, Field, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { PostCard } from './share-parts.tsx';
import './shares.css';

interface ShareDetailProps {
  shareId: string;
  onBack: () => void;
  onDeleted: () => void;
  onUnauthenticated: () => void;
}

/** One post: its photos, voice and likes, the comments (write one, delete one's own), and deleting one's own post. */
export function ShareDetail({ shareId, onBack, onDeleted, onUnauthenticated }: ShareDetailProps) {
  const { t } = useSharesI18n();
  const query = useQuery(queries.share(shareId));
  const state = shown(query, t.networkError);
  const notFound = query.error instanceof ApiError && query.error.status === 404;

  let content;
  if (notFound) content = <ErrorMessage message={t.shareNotFound} />;
  else if (state.kind === 'loading') content = <LoadingMessage />;
  else if (state.kind === 'failed') content = <LoadFailed message={state.message} onRetry={() => void query.refetch()} />;
  else {
    const post = state.data;
    content = (
      <>
        {state.stale ? <SavedCopyNotice message={t.offlineShowingSaved} onRetry={() => void query.refetch()} /> : null}
        <PostCard post={post} link={false} />
        {post.mine ? <DeletePost shareId={shareId} onDeleted={onDeleted} onUnauthenticated={onUnauthenticated} /> : null}
        <section className="card share-comments" aria-labelledby="share-comments-title">
          <h2 id="share-comments-title">{t.commentsTitle}</h2>
          {post.comments.length === 0 ? <p className="muted">{t.commentsNone}</p> : null}
          <ul className="plain-list share-comment-list" data-testid="share-comments">
            {post.comments.map((comment) => (
              <CommentRow key={comment.id} shareId={shareId} comment={comment} onUnauthenticated={onUnauthenticated} />
            ))}
          </ul>
          <CommentForm shareId={shareId} onUnauthenticated={onUnauthenticated} />
        </section>
      </>
    );
  }

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen shares">
        <ScreenTitle>{t.shareTitle}</ScreenTitle>
        {content}
      </main>
    </>
  );
}

function CommentRow({ shareId, comment, onUnauthenticated }: { shareId: string; comment: ShareComment; onUnauthenticated: () => void }) {
  const { t, language } = useSharesI18n();
  const remove = useMutation(writes.deleteShareComment);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <li className="share-comment" data-testid={`share-comment-${comment.id}`}>
      <p className="share-comment-head">
        <strong>{comment.author.name}</strong>
        <span className="muted">
          {' · '}
          <time dateTime={comment.createdAt}>{formatDateTime(comment.createdAt, language)}</time>
        </span>
      </p>
      {comment.hidden ? <p className="message message-warning">{fill(t.commentHidden, { reason: comment.hidden.reason })}</p> : null}
      <p className="pre-wrap share-comment-body">{comment.body}</p>
      {comment.mine ? (
        asking ? (
          <div className="confirm">
            <p className="confirm-question">{t.commentDeleteConfirm}</p>
            <button
              type="button"
              className="button button-primary"
              disabled={remove.isPending}
              data-testid={`share-comment-delete-yes-${comment.id}`}
              onClick={() =>
                remove.mutate({ shareId, commentId: comment.id }, { onError: (e) => setError(explainError(e, t.networkError, onUnauthenticated)) })
              }
            >
              {t.commentDelete}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setAsking(false)}>
              {t.cancel}
            </button>
            <ErrorMessage message={error} />
          </div>
        ) : (
          <button type="button" className="button button-plain share-comment-delete" data-testid={`share-comment-delete-${comment.id}`} onClick={() => setAsking(true)}>
            {t.commentDelete}
          </button>
        )
      ) : null}
    </li>
  );
}

function CommentForm({ shareId, onUnauthenticated }: { shareId: string; onUnauthenticated: () => void }) {
  const { t } = useSharesI18n();
  const { t: q } = useOutboxI18n();
  const comment = useMutation(writes.shareComment);
  const [body, setBody] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const inFlight = useRef(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const text = body.trim();
    if (text === '') return setFieldError(t.commentMissing);
    if (text.length > SHARE_COMMENT_MAX) return setFieldError(fill(t.commentTooLong, { n: SHARE_COMMENT_MAX }));
    inFlight.current = true;
    setFieldError(undefined);
    setError(null);
    setNotice(null);
    try {
      await comment.mutateAsync({ shareId, body: text });
      setBody('');
    } catch (e) {
      const waits = queuedText(e, q);
      if (waits?.kept) {
        setBody('');
        setNotice(t.commentQueued);
      } else if (waits) setError(waits.text);
      else {
        const issue = e instanceof ApiError ? e.issues.find((i) => i.field === 'body') : undefined;
        if (issue) setFieldError(issue.message);
        else setError(explainError(e, t.networkError, onUnauthenticated));
      }
    } finally {
      inFlight.current = false;
    }
  };

  return (
    <form className="form share-comment-form" onSubmit={submit} noValidate>
      <Field id="share-comment-body" label={t.commentLabel} error={fieldError}>
        <textarea
          id="share-comment-body"
          data-testid="share-comment-body"
          rows={3}
          maxLength={SHARE_COMMENT_MAX}
          value={body}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? 'share-comment-body-error' : undefined}
          onChange={(e) => {
            setBody(e.target.value);
            if (fieldError) setFieldError(undefined);
          }}
        />
      </Field>
      <ErrorMessage message={error} />
      <SuccessMessage message={notice} />
      <button type="submit" className="button button-primary" data-testid="share-comment-send" disabled={comment.isPending}>
        {comment.isPending ? t.commentSending : t.commentSend}
      </button>
    </form>
  );
}

function DeletePost({ shareId, onDeleted, onUnauthenticated }: { shareId: string; onDeleted: () => void; onUnauthenticated: () => void }) {
  const { t } = useSharesI18n();
  const remove = useMutation(writes.deleteShare);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!asking) {
    return (
      <button type="button" className="button button-plain share-delete" data-testid="share-delete" onClick={() => setAsking(true)}>
        {t.shareDelete}
      </button>
    );
  }
  return (
    <div className="confirm share-delete-confirm">
      <p className="confirm-question">{t.shareDeleteConfirm}</p>
      <button
        type="button"
        className="button button-primary"
        data-testid="share-delete-yes"
        disabled={remove.isPending}
        onClick={() => remove.mutate({ shareId }, { onSuccess: onDeleted, onError: (e) => setError(explainError(e, t.networkError, onUnauthenticated)) })}
      >
        {t.shareDeleteYes}
      </button>
      <button type="button" className="button button-secondary" onClick={() => setAsking(false)}>
        {t.cancel}
      </button>
      <ErrorMessage message={error} />
    </div>
  );
}
