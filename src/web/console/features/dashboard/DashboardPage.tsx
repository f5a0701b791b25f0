import { Alert, Card, Col, Empty, Form, Row, Skeleton, Statistic, Typography, theme } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, useState, type ReactNode } from 'react';
import { OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { BirthdaysThisWeek } from '../cards/BirthdaysThisWeek.tsx';
import { UnreachableTile } from '../reach/UnreachableTile.tsx';
import { OverdueQuestionsCard } from '../questions/OverdueQuestionsCard.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link } from '../../router.tsx';
import type { Dashboard } from '../../types.ts';

// ECharts is the heaviest dependency: load it in its own chunk
const Chart = lazy(() => import('../../components/Chart.tsx'));

type TotalKey = keyof Dashboard['totals'];

interface StatDef {
  key: TotalKey;
  label: MsgKey;
  testId?: string;
  color?: string;
  /** member-list filter that reproduces this number */
  link?: (orgId: string | undefined) => string;
}

const withOrg = (base: string, orgId: string | undefined) => (orgId ? `${base}${base.includes('?') ? '&' : '?'}orgId=${orgId}` : base);

const STATS: StatDef[] = [
  { key: 'members', label: 'dash.members', link: (o) => withOrg('/members', o) },
  { key: 'full', label: 'dash.full', link: (o) => withOrg('/members?status=full', o) },
  { key: 'probationary', label: 'dash.probationary', link: (o) => withOrg('/members?status=probationary', o) },
  { key: 'mobile', label: 'dash.mobile', testId: 'stat-mobile', color: '#1677ff', link: (o) => withOrg('/members?mobile=true', o) },
  { key: 'lostContact', label: 'dash.lostContact', color: '#cf1322', testId: 'stat-lost-contact', link: (o) => withOrg('/members?lostContact=true', o) },
  { key: 'lostContactSuspected', label: 'dash.lostContactSuspected', color: '#d46b08', testId: 'stat-lost-contact-suspected' },
  { key: 'shouldTransfer', label: 'dash.shouldTransfer', color: '#722ed1', testId: 'stat-should-transfer', link: (o) => withOrg('/members?shouldTransfer=true', o) },
  { key: 'mobileWithoutMentor', label: 'dash.mobileWithoutMentor', color: '#d48806', testId: 'stat-without-mentor' },
];

interface CareStatDef {
  key: keyof Dashboard['care'];
  label: MsgKey;
  unit: MsgKey;
  color: string;
  testId: string;
  /** the page that lists what this number counts */
  link: (orgId: string | undefined) => string;
}

/** 党内关怀: each tile opens the list that reproduces its number. */
const CARE_STATS: CareStatDef[] = [
  { key: 'talksOverdue', label: 'dash.care.talksOverdue', unit: 'dash.personUnit', color: '#d4380d', testId: 'stat-talks-overdue', link: (o) => withOrg('/mentoring?filter=overdue&scope=all', o) },
  { key: 'tasksOverdue', label: 'dash.care.tasksOverdue', unit: 'dash.care.taskUnit', color: '#cf1322', testId: 'stat-tasks-overdue', link: (o) => withOrg('/care-tasks?overdue=true', o) },
  { key: 'cardsToPost', label: 'dash.care.cardsToPost', unit: 'dash.care.cardUnit', color: '#d48806', testId: 'stat-cards-to-post', link: (o) => withOrg('/cards', o) },
];

export function DashboardPage() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const orgs = useOrgs();
  const [orgId, setOrgId] = useState<string | undefined>(undefined);
  const dash = useApi(endpoints.dashboard.get.at({ orgId }));
  const d = dash.data;

  const provinceOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.byProvince.length === 0) return null;
    const rows = [...d.byProvince].sort((a, b) => b.count - a.count);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 8 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('dash.mobile'), data: rows.map((r) => r.count), itemStyle: { color: token.colorPrimary }, barMaxWidth: 36, label: { show: true, position: 'top' } }],
    };
  }, [d, t, token.colorPrimary]);

  const cityOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.byCity.length === 0) return null;
    const rows = [...d.byCity].sort((a, b) => b.count - a.count);
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
      series: [
        {
          type: 'pie',
          name: t('dash.byCity'),
          radius: ['40%', '70%'],
          center: ['38%', '50%'],
          data: rows.map((r) => ({ name: r.name, value: r.count })),
          label: { formatter: '{b} {c}' },
        },
      ],
    };
  }, [d, t]);

  const unitOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.byUnit.length === 0) return null;
    const rows = d.byUnit;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t('dash.unitTotal'), data: rows.map((r) => r.count), itemStyle: { color: '#bfbfbf' }, barMaxWidth: 32 },
        { type: 'bar', name: t('dash.unitMobile'), data: rows.map((r) => r.mobile), itemStyle: { color: token.colorPrimary }, barMaxWidth: 32 },
      ],
    };
  }, [d, t, token.colorPrimary]);

  const chartCard = (title: string, option: EChartsCoreOption | null, emptyText: string): ReactNode => (
    <Card title={title} style={{ height: '100%' }}>
      {!d ? (
        <Skeleton active />
      ) : option ? (
        <Suspense fallback={<Skeleton active />}>
          <Chart option={option} ariaLabel={title} />
        </Suspense>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} style={{ padding: '48px 0' }} />
      )}
    </Card>
  );

  return (
    <>
      <PageHeader
        title={t('dash.title')}
        sub={t('dash.sub')}
        extra={
          <Form layout="inline">
            <Form.Item label={t('dash.scope')} htmlFor="dash-org" style={{ marginInlineEnd: 0 }}>
              <OrgTreeSelect id="dash-org" orgs={orgs.data?.items} value={orgId} onChange={(v) => setOrgId(v ?? undefined)} placeholder={t('dash.scopeAll')} style={{ width: 240 }} />
            </Form.Item>
          </Form>
        }
      />
      {dash.error && <Alert type="error" showIcon title={dash.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        {STATS.map((s) => {
          const value = d?.totals[s.key];
          const body = (
            <Card hoverable={!!s.link} loading={!d && dash.loading} data-testid={s.testId} size="small" styles={{ body: { padding: '16px 20px' } }}>
              <Statistic title={t(s.label)} value={value ?? 0} styles={{ content: s.color && value ? { color: s.color } : {} }} suffix={<Typography.Text type="secondary" style={{ fontSize: 14 }}>{t('dash.personUnit')}</Typography.Text>} />
            </Card>
          );
          return (
            <Col key={s.key} xs={12} md={8} xl={6} xxl={3}>
              {s.link ? (
                <Link to={s.link(orgId)} aria-label={t(s.label)} style={{ display: 'block' }}>
                  {body}
                </Link>
              ) : (
                body
              )}
            </Col>
          );
        })}
        <Col span={24}>
          <Card title={t('dash.care')} size="small" data-testid="dash-care">
            <Row gutter={[16, 16]}>
              {CARE_STATS.map((s) => {
                const value = d?.care[s.key];
                return (
                  <Col key={s.key} xs={24} sm={8}>
                    <Link to={s.link(orgId)} aria-label={t(s.label)} style={{ display: 'block' }}>
                      <Card hoverable loading={!d && dash.loading} data-testid={s.testId} size="small" styles={{ body: { padding: '16px 20px' } }}>
                        <Statistic
                          title={t(s.label)}
                          value={value ?? 0}
                          styles={{ content: value ? { color: s.color } : {} }}
                          suffix={<Typography.Text type="secondary" style={{ fontSize: 14 }}>{t(s.unit)}</Typography.Text>}
                        />
                      </Card>
                    </Link>
                  </Col>
                );
              })}
              <UnreachableTile orgId={orgId} />
              <OverdueQuestionsCard data={d?.questions} orgId={orgId} loading={dash.loading} />
            </Row>
          </Card>
        </Col>
        <Col span={24}>
          <BirthdaysThisWeek orgId={orgId} />
        </Col>
        <Col xs={24} xl={12}>
          {chartCard(t('dash.byProvince'), provinceOption, t('dash.noMobile'))}
        </Col>
        <Col xs={24} xl={12}>
          {chartCard(t('dash.byCity'), cityOption, t('dash.noMobile'))}
        </Col>
        <Col span={24}>{chartCard(t('dash.byUnit'), unitOption, t('dash.noUnits'))}</Col>
      </Row>
    </>
  );
}
