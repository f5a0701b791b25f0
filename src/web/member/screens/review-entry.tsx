import { queryOptions, useQuery } from '@tanstack/react-query';
import { reviewApi } from '../api.ts';
import { useReviewI18n } from '../i18n-review.ts';
import { AppLink } from '../ui.tsx';

/** The member's own review (open self-summary, published results): asked by 首页's line and the screen. Never kept on the phone. */
export const reviewKey = ['review'] as const;
export const reviewQuery = () => queryOptions({ queryKey: reviewKey, queryFn: ({ signal }) => reviewApi.mine(signal) });

/**
 * The ways into 季度评议 from the app's first screens, small so they load with them (the screen
 * itself loads on first use): 首页's one line while a self-summary is due or a result is new, 我的's entry.
 */
export function ReviewHomeLine() {
  const { t } = useReviewI18n();
  const query = useQuery({ ...reviewQuery(), retry: false });
  const data = query.data;
  if (!data) return null;
  const due = data.open && !data.open.submittedAt;
  const fresh = data.results.some((r) => !r.seenAt);
  if (!due && !fresh) return null;
  return (
    <AppLink to={{ name: 'review' }} className="card home-review" testId="home-review">
      {due ? t.rvHomeDue : t.rvHomeResult}
    </AppLink>
  );
}

export function ReviewMeLink() {
  const { t } = useReviewI18n();
  return (
    <li>
      <AppLink to={{ name: 'review' }} className="home-link" testId="me-review">
        <span className="home-link-text">
          {t.rvTitle}
          <span className="home-link-hint elder-hide">{t.rvMeHint}</span>
        </span>
        <span className="home-link-arrow" aria-hidden="true">
          ›
        </span>
      </AppLink>
    </li>
  );
}
