import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { SharePost } from '../api.ts';
import { fill, formatDateTime } from '../i18n.ts';
import { useSharesI18n } from '../i18n-shares.ts';
import { showLike, writes } from '../mutations.ts';
import { isQueued } from '../outbox.ts';
import { AppLink } from '../ui.tsx';
import './shares.css';

/**
 * What the feed (Shares.tsx) and one post (ShareDetail.tsx) both show of a post: who and when (China
 * time), kind and topic, the text as written (plain text, shown escaped), the photos as thumbnails
 * that open large, the voice recording, a hidden post's reason for its author, and the like button.
 */
export function PostCard({ post, link }: { post: SharePost; link: boolean }) {
  const { t, language } = useSharesI18n();
  const headingId = `share-${post.id}-by`;
  return (
    <article className="card share-post" aria-labelledby={headingId} data-testid={`share-post-${post.id}`}>
      <header className="share-post-head">
        <h2 className="share-post-author" id={headingId}>
          {post.author.name}
          {post.mine ? <span className="share-mine"> · {t.postMine}</span> : null}
        </h2>
        <p className="share-post-meta muted">
          <time dateTime={post.createdAt}>{formatDateTime(post.createdAt, language)}</time>
          {' · '}
          {t[`audience_${post.audience}` as const]}
        </p>
      </header>
      <p className="share-tags">
        <span className="tag tag-plain">{t[`kind_${post.kind}` as const]}</span>
        {post.topic ? <span className="tag share-topic-tag">{fill(t.postTopic, { title: post.topic.title })}</span> : null}
      </p>
      {post.hidden ? (
        <p className="message message-warning" data-testid="share-hidden-reason">
          {fill(t.postHidden, { reason: post.hidden.reason })}
        </p>
      ) : null}
      <p className="share-body pre-wrap">{post.body}</p>
      {post.photos.length > 0 ? <PhotoGrid photos={post.photos} author={post.author.name} /> : null}
      {post.voice ? (
        <div className="share-voice">
          <span className="share-voice-label">{t.postVoice}</span>
          {/* preload none: nothing is downloaded on a weak signal until the member taps play */}
          <audio controls preload="none" src={post.voice.url} aria-label={t.postVoice} />
        </div>
      ) : null}
      <div className="share-actions">
        <LikeButton post={post} />
        {link ? (
          <AppLink to={{ name: 'share', shareId: post.id }} className="button button-secondary share-comments-link" testId={`share-open-${post.id}`}>
            {fill(post.commentCount === 1 ? t.postComment : t.postComments, { n: post.commentCount })}
          </AppLink>
        ) : (
          <span className="share-count">{fill(post.commentCount === 1 ? t.postComment : t.postComments, { n: post.commentCount })}</span>
        )}
      </div>
    </article>
  );
}

/** 点赞 with the count: shown at once; without signal the tap waits on the phone and goes out later. */
export function LikeButton({ post }: { post: SharePost }) {
  const { t } = useSharesI18n();
  const like = useMutation(writes.shareLike);
  const toggle = () => {
    const liked = !post.likedByMe;
    showLike(post.id, liked);
    like.mutateAsync({ shareId: post.id, liked }).catch((e: unknown) => {
      // Waiting on the phone: it stays shown as tapped. Refused: back as it was.
      if (!isQueued(e)) showLike(post.id, !liked);
    });
  };
  return (
    <button
      type="button"
      className={post.likedByMe ? 'button share-like share-like-on' : 'button share-like'}
      aria-pressed={post.likedByMe}
      data-testid={`share-like-${post.id}`}
      data-count={post.likeCount}
      onClick={toggle}
    >
      <svg className="share-like-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 20.5s-7.5-4.6-7.5-10A4.3 4.3 0 0 1 12 7.7a4.3 4.3 0 0 1 7.5 2.8c0 5.4-7.5 10-7.5 10z" />
      </svg>
      <span>{post.likedByMe ? t.postLiked : t.postLike}</span>
      <span className="share-like-count">{post.likeCount}</span>
    </button>
  );
}

/** Up to nine photos as square thumbnails; a tap opens one large over the screen, 关闭 or Esc closes it. */
export function PhotoGrid({ photos, author }: { photos: { fileId: string; url: string }[]; author: string }) {
  const { t } = useSharesI18n();
  const [open, setOpen] = useState<number | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  return (
    <>
      <ul className={`share-photos share-photos-${Math.min(photos.length, 3)}`}>
        {photos.map((photo, i) => (
          <li key={photo.fileId}>
            <button
              type="button"
              className="share-photo"
              aria-label={fill(t.postPhoto, { n: i + 1 })}
              data-testid="share-photo"
              onClick={(e) => {
                opener.current = e.currentTarget;
                setOpen(i);
              }}
            >
              <img src={photo.url} alt="" loading="lazy" decoding="async" />
            </button>
          </li>
        ))}
      </ul>
      {open !== null && photos[open] ? (
        <PhotoViewer
          url={photos[open].url}
          alt={fill(t.postPhotoOf, { name: author, n: open + 1 })}
          onClose={() => {
            setOpen(null);
            opener.current?.focus();
          }}
        />
      ) : null}
    </>
  );
}

function PhotoViewer({ url, alt, onClose }: { url: string; alt: string; onClose: () => void }) {
  const { t } = useSharesI18n();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="share-viewer" role="dialog" aria-modal="true" aria-label={t.photoViewer} data-testid="share-viewer">
      <button ref={close} type="button" className="button button-secondary share-viewer-close" onClick={onClose}>
        {t.photoClose}
      </button>
      <img src={url} alt={alt} />
    </div>
  );
}
