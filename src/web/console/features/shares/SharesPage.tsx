import { Tabs } from 'antd';
import { PageHeader } from '../../components/common.tsx';
import { useI18n } from '../../i18n.tsx';
import { navigate, useLocation } from '../../router.tsx';
import { FeedTab } from './FeedTab.tsx';
import { TopicsTab } from './TopicsTab.tsx';
import { ParticipationTab } from './ParticipationTab.tsx';

const TABS = ['feed', 'topics', 'participation'] as const;
type Tab = (typeof TABS)[number];

/**
 * 每月一互动: the posts of the secretary's units (filters, hiding with a reason), the month's topics
 * (每月话题) and who has shared (分享情况, with the list of who has not). The tab lives in the address
 * (`/shares?tab=participation`); each tab keeps its own filters there too.
 */
export function SharesPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const raw = loc.query.get('tab');
  const tab: Tab = TABS.includes(raw as Tab) ? (raw as Tab) : 'feed';
  return (
    <>
      <PageHeader title={t('share.pageTitle')} sub={t('share.pageSub')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(k === 'feed' ? '/shares' : `/shares?tab=${k}`)}
        items={[
          { key: 'feed', label: <span data-testid="shares-tab-feed">{t('share.tab.feed')}</span>, children: tab === 'feed' ? <FeedTab /> : null },
          { key: 'topics', label: <span data-testid="shares-tab-topics">{t('share.tab.topics')}</span>, children: tab === 'topics' ? <TopicsTab /> : null },
          {
            key: 'participation',
            label: <span data-testid="shares-tab-participation">{t('share.tab.participation')}</span>,
            children: tab === 'participation' ? <ParticipationTab /> : null,
          },
        ]}
      />
    </>
  );
}
