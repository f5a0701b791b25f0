import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n.ts';
import { pledgesEntryWords } from '../i18n-pledges-entry.ts';
import { queries } from '../queries.ts';
import { AppLink } from '../ui.tsx';
import { SettingLink } from './Me.tsx';

/**
 * The ways into 四个一承诺 from the app's first screens, small so they load with them (the screen
 * and all its words, i18n-pledges.ts, load on first use; these take their few words from
 * i18n-pledges-entry.ts): 首页's one line while the period is open and the year's four pledges are
 * not all made, 我的's entry.
 */
export function PledgesHomeLine() {
  const { language } = useI18n();
  const query = useQuery({ ...queries.pledges(), retry: false });
  const data = query.data;
  if (!data || !data.period.open || data.pledges.length >= 4) return null;
  return (
    <AppLink to={{ name: 'pledges' }} className="card home-review" testId="home-pledges">
      {pledgesEntryWords[language].homeLine}
    </AppLink>
  );
}

export function PledgesMeLink() {
  const { language } = useI18n();
  const words = pledgesEntryWords[language];
  return <SettingLink to={{ name: 'pledges' }} testId="me-pledges" title={words.me} hint={words.meHint} />;
}
