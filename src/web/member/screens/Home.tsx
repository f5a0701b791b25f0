import type { MyProfile } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { StorageFullNotice } from '../offline-ui.tsx';
import { OutboxStrip } from '../outbox-strip.tsx';
import { SavedCopyNotice, ScreenTitle, TopBar } from '../ui.tsx';
import { TodaySection } from './Today.tsx';
import { QuestionsLine } from './QuestionsLine.tsx';
import { EvaluationHomeLine } from './evaluation-entry.tsx';
import { ReviewHomeLine } from './review-entry.tsx';
import { ServiceHomeLine } from './service-entry.tsx';
import { PledgesHomeLine } from './pledges-entry.tsx';
import './home.css';

interface HomeProps {
  profile: MyProfile;
  /** True when the profile comes from the phone's memory because the network is down. */
  stale: boolean;
  onRetry: () => void;
  /** Mentors see their follow-up tasks; null when unknown (offline start). */
  isMentor: boolean | null;
  onUnauthenticated: () => void;
}

/**
 * 首页 (今日): what needs doing today, about one phone screen long. The member's card, settings and
 * signing out are in 我的.
 */
export function Home({ profile, stale, onRetry, isMentor, onUnauthenticated }: HomeProps) {
  const { t } = useI18n();
  return (
    <>
      <TopBar />
      <main className="screen home">
        <OutboxStrip />
        <ScreenTitle>{t.homeTitle}</ScreenTitle>
        <Hello name={profile.member.name} />
        {stale ? (
          <SavedCopyNotice message={t.offlineShowingSaved} onRetry={onRetry} />
        ) : null}
        <StorageFullNotice />
        <EvaluationHomeLine />
        <ReviewHomeLine />
        <QuestionsLine />
        <ServiceHomeLine />
        <PledgesHomeLine />
        <TodaySection isMentor={isMentor} onUnauthenticated={onUnauthenticated} offlineNoticeShown={stale} />
      </main>
    </>
  );
}

/** "王芳，您好": whose phone app this is, at a glance (the name itself is #me-name). */
function Hello({ name }: { name: string }) {
  const { t } = useI18n();
  const [before = '', after = ''] = t.hello.split('{name}');
  return (
    <p className="home-hello">
      {before}
      <span id="me-name">{name}</span>
      {after}
    </p>
  );
}
