import { useQuery } from '@tanstack/react-query';
import { useReviewI18n } from '../i18n-review.ts';
import { queries } from '../queries.ts';
import { AppLink } from '../ui.tsx';
import { SettingLink } from './Me.tsx';

/**
 * The ways into 季度评议 from the app's first screens, small so they load with them (the screen
 * itself loads on first use): 首页's one line while a self-summary is due or a result is new, 我的's entry.
 */
export function ReviewHomeLine() {
  const { t } = useReviewI18n();
  const query = useQuery({ ...queries.review(), retry: false });
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
  return <SettingLink to={{ name: 'review' }} testId="me-review" title={t.rvTitle} hint={t.rvMeHint} />;
}
