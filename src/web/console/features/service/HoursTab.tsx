import { Card, Col, Empty, Form, Row, Select, Skeleton, Statistic, Table } from 'antd';
import type { TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, type HTMLAttributes } from 'react';
import type { ServiceHoursReport } from '../../../../shared/api-service.ts';
import { endpoints } from '../../api.ts';
import { chinaTodayString } from '../../china-day.ts';
import { FilterBar, OrgFilter } from '../../components/common.tsx';
import { useApi, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { hours, minutesToHours } from './format.ts';
import { LoadFailed } from '../../components/LoadFailed.tsx';

const Chart = lazy(() => import('../../components/Chart.tsx'));
const FILTER_KEYS = ['tab', 'orgId', 'year', 'month'] as const;
type GridRow = ServiceHoursReport['byGrid'][number];
type TeamRow = ServiceHoursReport['byTeam'][number];
type MemberRow = ServiceHoursReport['byMember'][number];

/**
 * 服务时长: a unit's minutes (the secretary's widest unit unless one is chosen) in a month or a whole
 * year, by grid and by team (a bar chart of hours) and per member. Each grid's minutes cell is named
 * for the browser test (`service-grid-minutes-<gridId>`).
 */
export function HoursTab() {
  const { t } = useI18n();
  const { filters, setFilter, setQuery } = useUrlList('/service', FILTER_KEYS);
  const today = chinaTodayString();
  const year = Number(filters.year ?? today.slice(0, 4));
  const month = filters.month === 'all' ? undefined : Number(filters.month ?? today.slice(5, 7));
  const data = useApi(endpoints.service.hours.at({ year, ...(month ? { month } : {}), ...(filters.orgId ? { orgId: filters.orgId } : {}) }));
  const r = data.data;

  const chartTitle = t('svc.hours.chartTitle');
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (!r) return null;
    const grids = r.byGrid.map((g) => ({ name: g.gridId ? g.name : t('svc.hours.noGrid'), value: minutesToHours(g.minutes) }));
    const teams = r.byTeam.map((g) => ({ name: g.teamId ? g.name : t('svc.hours.noTeam'), value: minutesToHours(g.minutes) }));
    return {
      tooltip: { trigger: 'axis' },
      grid: [
        { left: 8, right: '55%', top: 32, bottom: 8, containLabel: true },
        { left: '52%', right: 16, top: 32, bottom: 8, containLabel: true },
      ],
      title: [
        { text: t('svc.hours.byGrid'), left: 8, top: 0, textStyle: { fontSize: 13 } },
        { text: t('svc.hours.byTeam'), left: '52%', top: 0, textStyle: { fontSize: 13 } },
      ],
      xAxis: [
        { type: 'category', gridIndex: 0, data: grids.map((g) => g.name), axisLabel: { interval: 0, rotate: grids.length > 4 ? 30 : 0 } },
        { type: 'category', gridIndex: 1, data: teams.map((g) => g.name), axisLabel: { interval: 0, rotate: teams.length > 3 ? 30 : 0 } },
      ],
      yAxis: [
        { type: 'value', gridIndex: 0 },
        { type: 'value', gridIndex: 1 },
      ],
      series: [
        { type: 'bar', name: t('svc.hours.byGrid'), xAxisIndex: 0, yAxisIndex: 0, data: grids.map((g) => g.value), itemStyle: { color: '#c41d7f' }, barMaxWidth: 28 },
        { type: 'bar', name: t('svc.hours.byTeam'), xAxisIndex: 1, yAxisIndex: 1, data: teams.map((g) => g.value), itemStyle: { color: '#fa8c16' }, barMaxWidth: 28 },
      ],
    };
  }, [r, t]);

  const gridColumns: TableColumnsType<GridRow> = [
    { title: t('svc.hours.name'), dataIndex: 'name', render: (_: unknown, g) => (g.gridId ? g.name : t('svc.hours.noGrid')) },
    { title: t('svc.hours.minutes'), dataIndex: 'minutes', align: 'right', render: (v: number, g) => <span data-testid={`service-grid-minutes-${g.gridId ?? 'none'}`}>{v}</span> },
    { title: t('svc.hours.hours'), key: 'hours', align: 'right', render: (_: unknown, g) => hours(g.minutes) },
    { title: t('svc.hours.logs'), dataIndex: 'logs', align: 'right', width: 80 },
  ];
  const teamColumns: TableColumnsType<TeamRow> = [
    { title: t('svc.hours.name'), dataIndex: 'name', render: (_: unknown, g) => (g.teamId ? g.name : t('svc.hours.noTeam')) },
    { title: t('svc.hours.minutes'), dataIndex: 'minutes', align: 'right', render: (v: number, g) => <span data-testid={`service-team-minutes-${g.teamId ?? 'none'}`}>{v}</span> },
    { title: t('svc.hours.hours'), key: 'hours', align: 'right', render: (_: unknown, g) => hours(g.minutes) },
    { title: t('svc.hours.logs'), dataIndex: 'logs', align: 'right', width: 80 },
  ];
  const memberColumns: TableColumnsType<MemberRow> = [
    { title: t('svc.log.member'), dataIndex: 'name', render: (_: unknown, m) => <Link to={`/members/${m.memberId}`}>{m.name}</Link> },
    { title: t('svc.hours.unit'), dataIndex: 'orgName', ellipsis: true },
    { title: t('svc.hours.minutes'), dataIndex: 'minutes', align: 'right' },
    { title: t('svc.hours.hours'), key: 'hours', align: 'right', render: (_: unknown, m) => hours(m.minutes) },
    { title: t('svc.hours.logs'), dataIndex: 'logs', align: 'right', width: 80 },
  ];
  const thisYear = Number(today.slice(0, 4));
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);

  return (
    <>
      <FilterBar name="serviceHoursFilters" hasFilters={!!(filters.orgId || filters.year || filters.month)} onReset={() => setQuery({ tab: 'hours' })}>
        <OrgFilter id="svh-org" label={t('svc.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('svc.hours.year')}>
          <Select style={{ width: 110 }} value={year} onChange={(v: number) => setFilter({ year: String(v) })} options={years.map((y) => ({ value: y, label: String(y) }))} data-testid="service-hours-year" />
        </Form.Item>
        <Form.Item label={t('svc.hours.month')}>
          <Select
            style={{ width: 120 }}
            value={month ?? 0}
            onChange={(v: number) => setFilter({ month: v === 0 ? 'all' : String(v) })}
            options={[{ value: 0, label: t('svc.hours.wholeYear') }, ...Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: String(i + 1) }))]}
            data-testid="service-hours-month"
          />
        </Form.Item>
      </FilterBar>
      {data.error && !r ? (
        <LoadFailed error={data.error} onReload={data.reload} testId="service-hours-failed" />
      ) : !r ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} md={8}>
            <Card>
              <Statistic title={`${r.org.name} · ${t('svc.hours.total')}`} value={hours(r.totalMinutes)} data-testid="service-hours-total" />
            </Card>
          </Col>
          <Col span={24}>
            <Card title={chartTitle} data-testid="service-hours-chart">
              {r.totalMinutes === 0 ? (
                <Empty description={t('svc.hours.empty')} />
              ) : (
                option && (
                  <Suspense fallback={<Skeleton active />}>
                    <Chart option={option} ariaLabel={chartTitle} height={280} />
                  </Suspense>
                )
              )}
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('svc.hours.byGrid')} styles={{ body: { padding: 0 } }}>
              <Table<GridRow> rowKey={(g) => g.gridId ?? 'none'} size="small" columns={gridColumns} dataSource={r.byGrid} pagination={false} onRow={(g) => ({ 'data-testid': `service-grid-${g.gridId ?? 'none'}` }) as HTMLAttributes<HTMLElement>} />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('svc.hours.byTeam')} styles={{ body: { padding: 0 } }}>
              <Table<TeamRow> rowKey={(g) => g.teamId ?? 'none'} size="small" columns={teamColumns} dataSource={r.byTeam} pagination={false} />
            </Card>
          </Col>
          <Col span={24}>
            <Card title={t('svc.hours.byMember')} styles={{ body: { padding: 0 } }}>
              <Table<MemberRow> rowKey="memberId" size="small" columns={memberColumns} dataSource={r.byMember} pagination={r.byMember.length > 50 ? { pageSize: 50, showSizeChanger: false } : false} />
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
