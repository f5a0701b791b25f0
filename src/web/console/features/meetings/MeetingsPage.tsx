import { PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Form, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { SESSION_KINDS, SESSION_KIND_KEYS, SESSION_MODE_KEYS, SESSION_STATUS_KEYS, SessionStatusTag } from '../../components/learning.tsx';
import { MeetingFormDrawer } from './MeetingFormDrawer.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import { useIsSecretary } from '../../session.tsx';
import type { SessionStatus, SessionSummary } from '../../types.ts';

const FILTER_KEYS = ['orgId', 'kind', 'status', 'from', 'to'] as const;

const num = (n: number, color?: string) =>
  n > 0 ? (
    <Typography.Text strong style={color ? { color } : undefined}>
      {n}
    </Typography.Text>
  ) : (
    <Typography.Text type="secondary">0</Typography.Text>
  );

export function MeetingsPage() {
  const { t } = useI18n();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/sessions', FILTER_KEYS);
  const secretary = useIsSecretary();
  const list = useApi(endpoints.meetings.list.at({ ...filters, page, pageSize }));
  const [creating, setCreating] = useState(false);

  const columns: TableColumnsType<SessionSummary> = [
    {
      title: t('session.time'),
      dataIndex: 'startsAt',
      width: 170,
      render: (_: unknown, s) => (
        <div>
          <div>{dayjs(s.startsAt).format('YYYY-MM-DD ddd')}</div>
          <Typography.Text type="secondary">
            {dayjs(s.startsAt).format('HH:mm')}–{dayjs(s.endsAt).format(dayjs(s.endsAt).isSame(s.startsAt, 'day') ? 'HH:mm' : 'MM-DD HH:mm')}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('session.title'),
      dataIndex: 'title',
      render: (_: unknown, s) => (
        <Space orientation="vertical" size={2}>
          <Space size={6}>
            <Link to={`/sessions/${s.id}`} data-testid={`session-row-${s.id}`} style={{ fontWeight: 500 }}>
              {s.title}
            </Link>
            {s.seriesId && (
              <Tooltip title={t('session.inSeries')}>
                <SyncOutlined aria-label={t('session.inSeries')} style={{ color: '#8c8c8c' }} />
              </Tooltip>
            )}
          </Space>
          <Space size={4}>
            <Tag style={{ marginInlineEnd: 0 }}>{t(SESSION_KIND_KEYS[s.kind])}</Tag>
            <Typography.Text type="secondary">{t(SESSION_MODE_KEYS[s.mode])}</Typography.Text>
          </Space>
        </Space>
      ),
    },
    { title: t('session.org'), dataIndex: 'orgName', width: 150, ellipsis: true },
    { title: t('session.status'), dataIndex: 'status', width: 90, render: (_: unknown, s) => <SessionStatusTag status={s.status} startsAt={s.startsAt} endsAt={s.endsAt} /> },
    { title: t('session.invitedCount'), key: 'invited', width: 70, align: 'right', render: (_: unknown, s) => s.counts.invited },
    { title: t('attendance.presentCol'), key: 'present', width: 70, align: 'right', render: (_: unknown, s) => num(s.counts.present + s.counts.late, '#389e0d') },
    { title: t('attendance.excused'), key: 'excused', width: 70, align: 'right', render: (_: unknown, s) => num(s.counts.excused, '#0958d9') },
    { title: t('attendance.absent'), key: 'absent', width: 70, align: 'right', render: (_: unknown, s) => num(s.counts.absent, '#cf1322') },
    { title: t('attendance.made_up'), key: 'madeUp', width: 70, align: 'right', render: (_: unknown, s) => num(s.counts.madeUp, '#08979c') },
    {
      title: t('attendance.pending'),
      key: 'pending',
      width: 80,
      align: 'right',
      render: (_: unknown, s) => (s.status === 'planned' ? num(s.counts.pending) : <Typography.Text type="secondary">—</Typography.Text>),
    },
  ];

  const range: [Dayjs | null, Dayjs | null] | null = filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : null;
  return (
    <>
      <PageHeader
        title={t('session.pageTitle')}
        sub={list.data ? t('common.totalItems', { n: list.data.total }) : undefined}
        extra={
          secretary && (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="new-session">
              {t('session.create')}
            </Button>
          )
        }
      />
      <FilterBar name="sessionFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="sf-org" label={t('session.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v ?? '' })} />
        <Form.Item label={t('session.kind')} htmlFor="sf-kind">
          <Select
            id="sf-kind"
            allowClear
            placeholder={t('common.all')}
            value={filters.kind ?? null}
            onChange={(v: string | null) => setFilter({ kind: v ?? '' })}
            style={{ width: 140 }}
            options={SESSION_KINDS.map((k) => ({ value: k, label: t(SESSION_KIND_KEYS[k]) }))}
            data-testid="session-filter-kind"
          />
        </Form.Item>
        <Form.Item label={t('session.status')} htmlFor="sf-status">
          <Select
            id="sf-status"
            allowClear
            placeholder={t('common.all')}
            value={filters.status ?? null}
            onChange={(v: string | null) => setFilter({ status: v ?? '' })}
            style={{ width: 110 }}
            options={(['planned', 'closed', 'cancelled'] as SessionStatus[]).map((s) => ({ value: s, label: t(SESSION_STATUS_KEYS[s]) }))}
            data-testid="session-filter-status"
          />
        </Form.Item>
        <Form.Item label={t('session.dateRange')}>
          <DatePicker.RangePicker
            value={range}
            allowEmpty={[true, true]}
            onChange={(v) => setFilter({ from: v?.[0]?.format('YYYY-MM-DD') ?? '', to: v?.[1]?.format('YYYY-MM-DD') ?? '' })}
            data-testid="session-filter-dates"
          />
        </Form.Item>
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="sessions-table">
          <Table<SessionSummary>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('session.empty')} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 1000 }}
          />
        </div>
      </Card>
      {secretary && (
        <MeetingFormDrawer
          open={creating}
          defaultOrgId={filters.orgId}
          onClose={() => setCreating(false)}
          onSaved={({ ids }) => {
            setCreating(false);
            const first = ids[0];
            if (ids.length === 1 && first) navigate(`/sessions/${first}`);
            else list.reload();
          }}
        />
      )}
    </>
  );
}
