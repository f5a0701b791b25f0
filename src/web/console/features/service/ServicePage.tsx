import { Tabs } from 'antd';
import { PageHeader } from '../../components/common.tsx';
import { useI18n } from '../../i18n.tsx';
import { navigate, useLocation } from '../../router.tsx';
import { ProjectsTab } from './ProjectsTab.tsx';
import { LogsTab } from './LogsTab.tsx';
import { HoursTab } from './HoursTab.tsx';

const TABS = ['projects', 'logs', 'hours'] as const;
type Tab = (typeof TABS)[number];

/**
 * 志愿服务: the service projects of the secretary's units with their tasks (created and edited in a
 * drawer; a task's sign-ups, confirmed and waiting), the members' service logs (filters; voiding a
 * wrong one with a reason) and 服务时长 by grid, team and member for a month or a year. The tab lives
 * in the address (`/service?tab=hours`).
 */
export function ServicePage() {
  const { t } = useI18n();
  const loc = useLocation();
  const raw = loc.query.get('tab');
  const tab: Tab = TABS.includes(raw as Tab) ? (raw as Tab) : 'projects';
  return (
    <>
      <PageHeader title={t('svc.pageTitle')} sub={t('svc.pageSub')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(k === 'projects' ? '/service' : `/service?tab=${k}`)}
        items={[
          { key: 'projects', label: <span data-testid="service-tab-projects">{t('svc.tab.projects')}</span>, children: tab === 'projects' ? <ProjectsTab /> : null },
          { key: 'logs', label: <span data-testid="service-tab-logs">{t('svc.tab.logs')}</span>, children: tab === 'logs' ? <LogsTab /> : null },
          { key: 'hours', label: <span data-testid="service-tab-hours">{t('svc.tab.hours')}</span>, children: tab === 'hours' ? <HoursTab /> : null },
        ]}
      />
    </>
  );
}
