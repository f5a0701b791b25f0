import { Card, Col, DatePicker, Empty, Form, Row, Select, Skeleton, Statistic, Table, Tag, Typography, theme } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, type HTMLAttributes } from 'react';
import type { ParticipationRow } from '../../../../shared/api-shares.ts';
import { endpoints } from '../../api.ts';
import { chinaThisMonth } from '../../china-day.ts';
import { FilterBar, OrgFilter } from '../../components/common.tsx';
import { useApi, useOrgs, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';

const Chart = lazy(() => import('../../components/Chart.tsx'));
const FILTER_KEYS = ['tab', 'orgId', 'month', 'topicId'] as const;
/** Each member's row is named for the browser test (`shares-member-<memberId>`). */
const rowProps = (r: ParticipationRow) => ({ 'data-testid': `shares-member-${r.memberId}` }) as HTMLAttributes<HTMLElement>;

/**
 * 分享情况: a unit's members in a month (or for one topic) — who has shared and who has not, mobile
 * members flagged — and a chart of the twelve months up to it. The unit is the one chosen, else the
 * widest unit the secretary sees.
 */
export function ParticipationTab() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const orgs = useOrgs();
  const { filters, setFilter, setQuery } = useUrlList('/shares', FILTER_KEYS);
  const fallbackOrg = orgs.data?.items.find((o) => !o.retired && !orgs.data?.items.some((p) => p.id === o.parentId))?.id;
  const orgId = filters.orgId ?? fallbackOrg;
  const month = filters.month ?? chinaThisMonth();
  const topics = useApi(orgId ? endpoints.shares.topics.at({ month }) : null);
  const data = useApi(orgId ? endpoints.shares.participation.at({ orgId, month, ...(filters.topicId ? { topicId: filters.topicId } : {}) }) : null);
  const p = data.data;

  const chartTitle = t('share.part.chartTitle');
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (!p) return null;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: p.byMonth.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t('share.part.chartPosts'), data: p.byMonth.map((m) => m.posts), itemStyle: { color: token.colorPrimary }, barMaxWidth: 28 },
        { type: 'bar', name: t('share.part.chartMembers'), data: p.byMonth.map((m) => m.members), itemStyle: { color: '#faad14' }, barMaxWidth: 28 },
      ],
    };
  }, [p, t, token.colorPrimary]);

  const columns: TableColumnsType<ParticipationRow> = [
    {
      title: t('share.part.name'),
      dataIndex: 'name',
      render: (_: unknown, r) => (
        <span>
          <Link to={`/members/${r.memberId}`}>{r.name}</Link> {r.mobile && <Tag color="blue">{t('share.part.mobile')}</Tag>}
        </span>
      ),
    },
    { title: t('share.part.unit'), dataIndex: 'orgName', ellipsis: true },
    { title: t('share.part.posts'), dataIndex: 'posts', width: 100, align: 'right' },
    { title: t('share.part.last'), dataIndex: 'lastSharedAt', width: 160, render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—') },
  ];

  return (
    <>
      <FilterBar name="shareParticipationFilters" hasFilters={!!(filters.orgId || filters.month || filters.topicId)} onReset={() => setQuery({ tab: 'participation' })}>
        <OrgFilter id="spf-org" label={t('share.org')} value={orgId} onChange={(v) => setFilter({ orgId: v, topicId: undefined })} />
        <Form.Item label={t('share.month')}>
          <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} onChange={(v) => setFilter({ month: v ? v.format('YYYY-MM') : undefined, topicId: undefined })} data-testid="share-part-month" />
        </Form.Item>
        <Form.Item label={t('share.topic')}>
          <Select
            allowClear
            style={{ width: 220 }}
            placeholder={t('share.part.anyTopic')}
            value={filters.topicId}
            onChange={(v?: string) => setFilter({ topicId: v })}
            options={(topics.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.orgName} · ${x.title}` }))}
          />
        </Form.Item>
      </FilterBar>
      {!orgId ? (
        <Empty description={t('share.part.pickOrg')} />
      ) : !p ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Card>
              <Statistic title={t('share.part.members')} value={p.members} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card>
              <Statistic title={t('share.part.shared')} value={p.sharedCount} valueStyle={{ color: token.colorSuccess }} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card>
              <Statistic title={t('share.part.notShared')} value={p.notSharedCount} valueStyle={{ color: token.colorError }} data-testid="shares-not-shared-count" />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card>
              <Statistic title={t('share.part.rate')} value={p.members ? Math.round((p.sharedCount / p.members) * 100) : 0} suffix="%" />
            </Card>
          </Col>
          <Col span={24}>
            <Card title={chartTitle} data-testid="shares-chart">
              {option && (
                <Suspense fallback={<Skeleton active />}>
                  <Chart option={option} ariaLabel={chartTitle} height={240} />
                </Suspense>
              )}
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('share.part.notSharedTitle', { n: p.notSharedCount })} styles={{ body: { padding: 0 } }}>
              <div data-testid="shares-not-shared">
                <Table<ParticipationRow>
                  rowKey="memberId"
                  size="small"
                  columns={columns.filter((c) => c.key !== 'posts')}
                  dataSource={p.notShared}
                  onRow={rowProps}
                  pagination={p.notShared.length > 200 ? { pageSize: 200, showSizeChanger: false } : false}
                  locale={{ emptyText: <Typography.Text type="secondary">{t('share.part.allShared')}</Typography.Text> }}
                />
              </div>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('share.part.sharedTitle', { n: p.sharedCount })} styles={{ body: { padding: 0 } }}>
              <div data-testid="shares-shared">
                <Table<ParticipationRow> rowKey="memberId" size="small" columns={columns} dataSource={p.shared} onRow={rowProps} pagination={p.shared.length > 200 ? { pageSize: 200, showSizeChanger: false } : false} />
              </div>
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
