import { EnvironmentOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, DatePicker, Empty, Form, Row, Skeleton, Space, Table, Tag, Typography, theme } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, useState } from 'react';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { DeliveryDetailDrawer } from './DeliveryDetailDrawer.tsx';
import { DeliveryFormDrawer } from './DeliveryFormDrawer.tsx';
import { itemText } from '../cards/labels.tsx';
import { useApi, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { useLocation } from '../../router.tsx';
import type { Delivery, DeliveryListItem } from '../../types.ts';

const Chart = lazy(() => import('../../components/Chart.tsx'));

const FILTER_KEYS = ['orgId', 'from', 'to'] as const;

/**
 * The handed-over items of one row. A tag never grows wider than its column: a long title (a book's
 * full name) ends in "…" with the whole word in a tooltip, instead of pushing the table sideways.
 */
function ItemCell({ items }: { items: readonly string[] }) {
  const { t } = useI18n();
  return (
    <span style={{ display: 'flex', gap: 4, flexWrap: 'wrap', minWidth: 0 }}>
      {items.map((w) => {
        const text = itemText(t, w);
        return (
          <Tag key={w} color={w === '党徽' ? 'red' : 'gold'} variant="outlined" style={{ marginInlineEnd: 0, maxWidth: '100%', display: 'inline-flex', minWidth: 0 }}>
            <Typography.Text ellipsis={{ tooltip: text }} style={{ color: 'inherit', fontSize: 'inherit', maxWidth: '100%' }}>
              {text}
            </Typography.Text>
          </Tag>
        );
      })}
    </span>
  );
}

/** 千里送学: the study delivery trips of the secretary's units, where they went, and each trip's record. */
export function DeliveriesPage() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const showError = useShowError();
  const loc = useLocation();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/deliveries', FILTER_KEYS);
  const list = useApi(endpoints.deliveries.list.at({ ...filters, page, pageSize }));
  // a link may open one trip at once (/deliveries?trip=<id>, e.g. from a member's visits)
  const [openId, setOpenId] = useState<string | null>(() => loc.query.get('trip'));
  const detail = useApi(openId ? endpoints.deliveries.get.at({ id: openId }) : null);
  const [form, setForm] = useState<{ delivery: Delivery | null } | null>(null);

  const d = list.data;
  const chartOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.byCity.length === 0) return null;
    const rows = [...d.byCity].sort((a, b) => b.trips - a.trips || b.members - a.members);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.placeName), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t('delivery.chart.trips'), data: rows.map((r) => r.trips), itemStyle: { color: token.colorPrimary }, barMaxWidth: 32, label: { show: true, position: 'top' } },
        { type: 'bar', name: t('delivery.chart.members'), data: rows.map((r) => r.members), itemStyle: { color: '#faad14' }, barMaxWidth: 32, label: { show: true, position: 'top' } },
      ],
    };
  }, [d, t, token.colorPrimary]);

  const remove = async (x: Delivery) => {
    try {
      await endpoints.deliveries.remove({ id: x.id });
      void message.success(t('delivery.deleted'));
      setOpenId(null);
      list.reload();
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<DeliveryListItem> = [
    {
      title: t('delivery.tripOn'),
      dataIndex: 'tripOn',
      width: 120,
      render: (_: unknown, r) => (
        <div>
          <div>{r.tripOn}</div>
          <Typography.Text type="secondary">{dayjs(r.tripOn).format('ddd')}</Typography.Text>
        </div>
      ),
    },
    {
      title: t('delivery.place'),
      dataIndex: 'placeName',
      width: 170,
      render: (_: unknown, r) => (
        <Button type="link" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }} onClick={() => setOpenId(r.id)} data-testid={`delivery-row-${r.id}`}>
          <Space size={4}>
            <EnvironmentOutlined aria-hidden />
            {r.placeName}
          </Space>
        </Button>
      ),
    },
    { title: t('delivery.org'), dataIndex: 'orgName', width: 140, ellipsis: true },
    // names run on one line and end in "…" with the full list in a tooltip, so a trip with many
    // people keeps its row one line high and its column its width
    {
      title: t('delivery.travellers'),
      dataIndex: 'travellers',
      width: 150,
      render: (_: unknown, r) => {
        const names = r.travellers.join('、');
        return <Typography.Text ellipsis={{ tooltip: names }}>{names}</Typography.Text>;
      },
    },
    {
      title: t('delivery.membersMet'),
      dataIndex: 'memberNames',
      render: (_: unknown, r) => {
        const more = r.memberCount > r.memberNames.length ? t('delivery.andMore', { n: r.memberCount }) : '';
        const names = r.memberNames.join('、');
        return <Typography.Text ellipsis={{ tooltip: names + more }}>{names}{more && <Typography.Text type="secondary">{more}</Typography.Text>}</Typography.Text>;
      },
    },
    { title: t('delivery.memberCount'), dataIndex: 'memberCount', width: 80, align: 'right' },
    {
      title: t('delivery.items'),
      key: 'items',
      width: 220,
      render: (_: unknown, r) => (r.handedOver && r.handedOver.length > 0 ? <ItemCell items={r.handedOver} /> : <Typography.Text type="secondary">—</Typography.Text>),
    },
  ];

  const range: [Dayjs | null, Dayjs | null] | null = filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : null;
  const chartTitle = t('delivery.chart.title');
  return (
    <>
      <PageHeader
        title={t('delivery.pageTitle')}
        sub={t('delivery.pageSub')}
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setForm({ delivery: null })} data-testid="new-delivery">
            {t('delivery.create')}
          </Button>
        }
      />
      <FilterBar name="deliveryFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="df-org" label={t('delivery.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v ?? '' })} />
        <Form.Item label={t('delivery.dateRange')}>
          <DatePicker.RangePicker
            value={range}
            allowEmpty={[true, true]}
            onChange={(v) => setFilter({ from: v?.[0]?.format('YYYY-MM-DD') ?? '', to: v?.[1]?.format('YYYY-MM-DD') ?? '' })}
            data-testid="delivery-filter-dates"
          />
        </Form.Item>
      </FilterBar>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card title={chartTitle} extra={d ? <Typography.Text type="secondary">{t('delivery.chart.sub', { trips: d.total, places: d.byCity.length })}</Typography.Text> : null} data-testid="delivery-chart">
            {!d ? (
              <Skeleton active />
            ) : chartOption ? (
              <Suspense fallback={<Skeleton active />}>
                <Chart option={chartOption} ariaLabel={chartTitle} height={260} />
              </Suspense>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('delivery.chart.empty')} />
            )}
          </Card>
        </Col>
        <Col span={24}>
          <Card styles={{ body: { padding: 0 } }}>
            <div data-testid="deliveries-table">
              <Table<DeliveryListItem>
                rowKey="id"
                size="middle"
                columns={columns}
                dataSource={d?.items ?? []}
                loading={list.loading}
                onRow={(r) => ({ onDoubleClick: () => setOpenId(r.id) })}
                locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('delivery.empty')} /> }}
                pagination={pagination(d?.total)}
                scroll={{ x: 1000 }}
              />
            </div>
          </Card>
        </Col>
      </Row>
      <DeliveryDetailDrawer
        open={!!openId && !form}
        delivery={detail.data && detail.data.id === openId ? detail.data : undefined}
        loading={detail.loading}
        error={detail.error}
        onClose={() => setOpenId(null)}
        onEdit={(x) => setForm({ delivery: x })}
        onDelete={remove}
      />
      <DeliveryFormDrawer
        open={!!form}
        delivery={form?.delivery ?? null}
        defaultOrgId={filters.orgId}
        onClose={() => setForm(null)}
        onSaved={(saved) => {
          setForm(null);
          detail.setData(saved);
          setOpenId(saved.id);
          list.reload();
        }}
      />
    </>
  );
}
