import { Tabs } from 'antd';
import { PageHeader } from '../../components/common.tsx';
import { useI18n } from '../../i18n.tsx';
import { navigate, useLocation } from '../../router.tsx';
import { PledgeListTab, MissingTab, StatsTab } from './PledgeTabs.tsx';
import { JobsTab } from './JobsTab.tsx';

const TABS = ['list', 'missing', 'stats', 'jobs'] as const;
type Tab = (typeof TABS)[number];

/**
 * 四个一承诺: a unit's pledges of a year (filters, the follow-up drawer), who has not made all four
 * (mobile members flagged), the figures per kind (made vs became real) with the unit's period, and
 * 岗位对接 (jobs members offer, villagers looking for work, matches). The tab and the filters live in
 * the address (`/pledges?tab=stats&orgId=…&year=2026`).
 */
export function PledgesPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const raw = loc.query.get('tab');
  const tab: Tab = TABS.includes(raw as Tab) ? (raw as Tab) : 'list';
  const keep = (k: string) => {
    const q = new URLSearchParams();
    for (const key of ['orgId', 'year']) {
      const v = loc.query.get(key);
      if (v) q.set(key, v);
    }
    if (k !== 'list') q.set('tab', k);
    const s = q.toString();
    return s ? `/pledges?${s}` : '/pledges';
  };
  return (
    <>
      <PageHeader title={t('pledge.pageTitle')} sub={t('pledge.pageSub')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(keep(k))}
        items={[
          { key: 'list', label: <span data-testid="pledges-tab-list">{t('pledge.tab.list')}</span>, children: tab === 'list' ? <PledgeListTab /> : null },
          { key: 'missing', label: <span data-testid="pledges-tab-missing">{t('pledge.tab.missing')}</span>, children: tab === 'missing' ? <MissingTab /> : null },
          { key: 'stats', label: <span data-testid="pledges-tab-stats">{t('pledge.tab.stats')}</span>, children: tab === 'stats' ? <StatsTab /> : null },
          { key: 'jobs', label: <span data-testid="pledges-tab-jobs">{t('pledge.tab.jobs')}</span>, children: tab === 'jobs' ? <JobsTab /> : null },
        ]}
      />
    </>
  );
}
