import { DownloadOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Empty, Form, Row, Segmented, Skeleton, Table, Tag, Tooltip, Typography, theme } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo } from 'react';
import { endpoints, toSearch, type Query } from '../../api.ts';
import { KindTag, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { percentText } from '../../components/learning.tsx';
import { useApi, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { DEFAULT_PAGE_SIZE, pagingOf, urlPagination } from '../../components/url-paging.ts';
import type { MsgKey } from '../../messages.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import type { CoverageNumbers, MemberCoverage, UnitCoverage } from '../../types.ts';
import { chinaThisMonth, chinaToday } from '../../china-day.ts';

dayjs.extend(relativeTime);

const Chart = lazy(() => import('../../components/Chart.tsx'));

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
type Part = 'all' | 'mobile' | 'local';
const PARTS: { part: Part; key: MsgKey }[] = [
  { part: 'all', key: 'coverage.part.all' },
  { part: 'mobile', key: 'coverage.part.mobile' },
  { part: 'local', key: 'coverage.part.local' },
];

/** A rate with a colour: green when complete, orange when most, red when a gap is large. */
function Rate({ rate, testId }: { rate: number | null; testId?: string }) {
  const color = rate === null ? undefined : rate >= 0.999 ? '#389e0d' : rate >= 0.8 ? '#d48806' : '#cf1322';
  return (
    <span data-testid={testId} data-rate={rate ?? ''} style={{ color, fontVariantNumeric: 'tabular-nums', fontWeight: rate !== null && rate >= 0.999 ? 600 : undefined }}>
      {percentText(rate)}
    </span>
  );
}

export function CoveragePage() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const loc = useLocation();
  const orgs = useOrgs();
  const q = loc.query;
  const orgId = q.get('orgId') ?? undefined;
  const thisMonth = chinaThisMonth();
  const from = MONTH_RE.test(q.get('from') ?? '') ? (q.get('from') as string) : `${thisMonth.slice(0, 4)}-01`;
  const to = MONTH_RE.test(q.get('to') ?? '') ? (q.get('to') as string) : thisMonth;
  const mobileParam = q.get('mobile');
  const mobile = mobileParam === 'true' || mobileParam === 'false' ? mobileParam : undefined;
  const { page, pageSize } = pagingOf(q);

  const filters: Query = { orgId, from, to, mobile };
  const res = useApi(endpoints.coverage.get.at({ ...filters, page, pageSize }));
  const d = res.data;

  const setQuery = (patch: Query & { page?: number; pageSize?: number }) => {
    const next: Query = { orgId, from: q.get('from'), to: q.get('to'), mobile, pageSize: pageSize !== DEFAULT_PAGE_SIZE ? pageSize : undefined, ...patch };
    if (!patch.page) delete next.page;
    if (next.page === 1) delete next.page;
    navigate('/coverage' + toSearch(next), { replace: true });
  };

  const chartOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.units.length === 0) return null;
    // the chosen unit's children (one level down), or the unit itself when it has none
    const top = d.units[0];
    const rows = d.units.length > 1 && top ? d.units.filter((u) => u.depth === top.depth + 1) : d.units;
    const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${String(v)}%`) },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((u) => u.orgName), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { type: 'bar', name: t('coverage.attendanceRate'), data: rows.map((u) => pct(u.all.attendanceRate)), itemStyle: { color: token.colorPrimary }, barMaxWidth: 28 },
        { type: 'bar', name: t('coverage.readRate'), data: rows.map((u) => pct(u.all.readRate)), itemStyle: { color: '#1677ff' }, barMaxWidth: 28 },
      ],
    };
  }, [d, t, token.colorPrimary]);

  // Widths are the narrowest that hold "100%" and a three-digit count, so the whole unit table
  // (name + 18 figures, 1,165 px) fits the content area of a 1440 px window even beside a classic
  // 15 px page scrollbar.
  const rateCols = (title: string, pick: (n: CoverageNumbers) => number | null, testPrefix?: string, fixed?: 'right'): TableColumnsType<UnitCoverage>[number] => ({
    title,
    ...(fixed ? { fixed } : {}),
    children: PARTS.map(({ part, key }) => ({
      title: t(key),
      key: `${title}-${part}`,
      width: 60,
      align: 'right' as const,
      render: (_: unknown, u: UnitCoverage) => <Rate rate={pick(u[part])} {...(testPrefix && part === 'all' ? { testId: `${testPrefix}-${u.orgId}` } : {})} />,
    })),
  });
  const countCols = (title: string, pick: (n: CoverageNumbers) => number, danger?: boolean): TableColumnsType<UnitCoverage>[number] => ({
    title,
    children: PARTS.map(({ part, key }) => ({
      title: t(key),
      key: `${title}-${part}`,
      width: 48,
      align: 'right' as const,
      render: (_: unknown, u: UnitCoverage) => {
        const n = pick(u[part]);
        return n > 0 && danger ? <Typography.Text type="danger">{n}</Typography.Text> : n;
      },
    })),
  });

  const unitColumns: TableColumnsType<UnitCoverage> = [
    {
      title: t('coverage.unit'),
      dataIndex: 'orgName',
      fixed: 'left',
      width: 184,
      render: (_: unknown, u) => {
        const base = d?.units[0]?.depth ?? 0;
        return (
          <span style={{ paddingInlineStart: (u.depth - base) * 16, display: 'inline-flex', gap: 6, alignItems: 'center' }}>
            <a onClick={() => setQuery({ orgId: u.orgId })} title={t('coverage.drillDown')}>
              {u.orgName}
            </a>
            <KindTag kind={u.kind} />
          </span>
        );
      },
    },
    {
      title: t('coverage.members'),
      children: PARTS.map(({ part, key }) => ({ title: t(key), key: `m-${part}`, width: 48, align: 'right' as const, render: (_: unknown, u: UnitCoverage) => u[part].members })),
    },
    rateCols(t('coverage.attendanceRate'), (n) => n.attendanceRate, 'coverage-rate'),
    countCols(t('coverage.madeUp'), (n) => n.madeUp),
    countCols(t('coverage.missed'), (n) => n.missed, true),
    rateCols(t('coverage.readRate'), (n) => n.readRate, 'coverage-read'),
    // the figure the page is for: pinned right, so a narrower window scrolls the others under it
    rateCols(t('coverage.fullRate'), (n) => n.fullCoverageRate, 'coverage-full', 'right'),
  ];

  const memberColumns: TableColumnsType<MemberCoverage> = [
    {
      title: t('member.name'),
      dataIndex: 'name',
      width: 130,
      fixed: 'left',
      render: (_: unknown, m) => (
        <span style={{ display: 'inline-flex', gap: 4, alignItems: 'center' }} data-testid={`coverage-member-${m.memberId}`} data-gap={String(m.hasGap)}>
          <Link to={`/members/${m.memberId}`}>{m.name}</Link>
          {m.mobile && (
            <Tag color="blue" style={{ marginInlineEnd: 0 }}>
              {t('coverage.mobileShort')}
            </Tag>
          )}
        </span>
      ),
    },
    { title: t('member.org'), dataIndex: 'orgName', width: 150, ellipsis: true },
    {
      title: t('coverage.sessions'),
      key: 'sessions',
      width: 110,
      render: (_: unknown, m) => t('coverage.attendedOf', { n: m.attended, total: m.sessionsInvited }),
    },
    { title: t('coverage.madeUp'), dataIndex: 'madeUp', width: 70, align: 'right' },
    {
      title: t('coverage.missed'),
      dataIndex: 'missed',
      width: 90,
      render: (_: unknown, m) => (m.missed > 0 ? <Tag color="red">{t('coverage.missedN', { n: m.missed })}</Tag> : <Typography.Text type="secondary">0</Typography.Text>),
    },
    {
      title: t('coverage.readRate'),
      key: 'read',
      width: 130,
      render: (_: unknown, m) =>
        m.pushesDelivered === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : m.pushesRead < m.pushesDelivered ? (
          <Tooltip title={t('coverage.readOf', { n: m.pushesRead, total: m.pushesDelivered })}>
            <Tag color="red">{t('coverage.unreadN', { n: m.pushesDelivered - m.pushesRead })}</Tag> <Rate rate={m.readRate} />
          </Tooltip>
        ) : (
          <Rate rate={m.readRate} />
        ),
    },
    {
      title: t('coverage.lastActive'),
      dataIndex: 'lastActiveAt',
      width: 120,
      render: (_: unknown, m) =>
        m.lastActiveAt ? (
          <Tooltip title={dayjs(m.lastActiveAt).format('YYYY-MM-DD HH:mm')}>
            <span>{dayjs(m.lastActiveAt).fromNow()}</span>
          </Tooltip>
        ) : (
          <Tag color="red">{t('coverage.neverActive')}</Tag>
        ),
    },
    {
      title: t('coverage.gap'),
      key: 'gap',
      width: 90,
      render: (_: unknown, m) =>
        m.hasGap ? (
          <Tag color="red" icon={<WarningOutlined aria-hidden />}>
            {t('coverage.hasGap')}
          </Tag>
        ) : (
          <Tag color="green">{t('coverage.noGap')}</Tag>
        ),
    },
  ];

  const exportUrl = '/api/coverage/export' + toSearch(filters);
  const rangeValue: [Dayjs, Dayjs] = [dayjs(`${from}-01`), dayjs(`${to}-01`)];
  return (
    <>
      <PageHeader
        title={t('coverage.pageTitle')}
        sub={t('coverage.pageSub')}
        extra={
          <Button icon={<DownloadOutlined aria-hidden />} href={exportUrl} data-testid="coverage-export">
            {t('coverage.export')}
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} name="coverageFilters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('coverage.unit')} htmlFor="cf-org">
            <OrgTreeSelect id="cf-org" orgs={orgs.data?.items} value={orgId} onChange={(v) => setQuery({ orgId: v ?? undefined })} style={{ width: 220 }} placeholder={t('coverage.unitPlaceholder')} data-testid="coverage-org" />
          </Form.Item>
          <Form.Item label={t('coverage.period')}>
            <DatePicker.RangePicker
              picker="month"
              allowClear={false}
              value={rangeValue}
              disabledDate={(dt) => dt.isAfter(chinaToday(), 'month')}
              onChange={(v) => {
                const a = v?.[0];
                const b = v?.[1];
                if (a && b) setQuery({ from: a.format('YYYY-MM'), to: b.format('YYYY-MM') });
              }}
              data-testid="coverage-period"
            />
          </Form.Item>
          <Form.Item label={t('coverage.membersFilter')}>
            <Segmented
              value={mobile ?? 'all'}
              onChange={(v) => setQuery({ mobile: v === 'all' ? undefined : String(v) })}
              options={[
                { value: 'all', label: t('common.all') },
                { value: 'true', label: t('coverage.part.mobile') },
                { value: 'false', label: t('coverage.part.local') },
              ]}
              data-testid="coverage-mobile"
            />
          </Form.Item>
        </Form>
      </Card>
      {res.error && <Alert type="error" showIcon title={res.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      {res.loading && !d ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : d ? (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <Card title={t('coverage.byUnit')} styles={{ body: { padding: 0 } }}>
              <div data-testid="coverage-units">
                <Table<UnitCoverage>
                  rowKey="orgId"
                  size="small"
                  bordered
                  columns={unitColumns}
                  dataSource={d.units}
                  loading={res.loading}
                  pagination={false}
                  locale={{ emptyText: <Empty description={t('coverage.empty')} /> }}
                  scroll={{ x: 'max-content' }}
                />
              </div>
            </Card>
          </Col>
          <Col span={24}>
            <Card title={t('coverage.chartTitle')}>
              {chartOption ? (
                <Suspense fallback={<Skeleton active />}>
                  <Chart option={chartOption} height={300} ariaLabel={t('coverage.chartTitle')} />
                </Suspense>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              )}
            </Card>
          </Col>
          <Col span={24}>
            <Card title={t('coverage.byMember')} extra={<Typography.Text type="secondary">{t('coverage.gapsFirst')}</Typography.Text>} styles={{ body: { padding: 0 } }}>
              <div data-testid="coverage-members">
                <Table<MemberCoverage>
                  rowKey="memberId"
                  size="small"
                  columns={memberColumns}
                  dataSource={d.members}
                  loading={res.loading}
                  rowClassName={(m) => (m.hasGap ? 'lx-row-gap' : '')}
                  locale={{ emptyText: <Empty description={t('coverage.noMembers')} /> }}
                  pagination={urlPagination({ page, pageSize, total: d.membersTotal, t, go: setQuery })}
                  scroll={{ x: 900 }}
                />
              </div>
            </Card>
          </Col>
        </Row>
      ) : null}
      <style>{`.lx-row-gap td:first-child{box-shadow:inset 3px 0 0 ${token.colorError}}`}</style>
    </>
  );
}
