import { useQuery } from '@tanstack/react-query';
import { usePledgesI18n } from '../i18n-pledges.ts';
import { queries } from '../queries.ts';
import { AppLink } from '../ui.tsx';
import { SettingLink } from './Me.tsx';

/**
 * The ways into 四个一承诺 from the app's first screens, small so they load with them (the screen
 * itself loads on first use): 首页's one line while the period is open and the year's four pledges
 * are not all made, 我的's entry.
 */
export function PledgesHomeLine() {
  const { t } = usePledgesI18n();
  const query = useQuery({ ...queries.pledges(), retry: false });
  const data = query.data;
  if (!data || !data.period.open || data.pledges.length >= 4) return null;
  return (
    <AppLink to={{ name: 'pledges' }} className="card home-review" testId="home-pledges">
      {t.plHomeLine}
    </AppLink>
  );
}

export function PledgesMeLink() {
  const { t } = usePledgesI18n();
  return <SettingLink to={{ name: 'pledges' }} testId="me-pledges" title={t.plTitle} hint={t.plMeHint} />;
}
