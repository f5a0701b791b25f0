import { CalendarOutlined, PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Calendar, Card, DatePicker, Empty, Form, Segmented, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { endpoints, toSearch, type Query } from '../../api.ts';
import { OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { PUSH_STATUS_COLORS, PUSH_STATUS_KEYS, PushStatsBar, audienceText } from '../../components/learning.tsx';
import { PushFormModal } from './PushFormModal.tsx';
import { useApi, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import type { PushSummary } from '../../types.ts';
import { chinaThisMonth, chinaToday } from '../../china-day.ts';

export function PushesPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const orgs = useOrgs();
  const orgId = loc.query.get('orgId') ?? undefined;
  const view = loc.query.get('view') === 'list' ? 'list' : 'calendar';
  const monthParam = loc.query.get('month');
  const month = monthParam && /^\d{4}-\d{2}$/.test(monthParam) ? dayjs(`${monthParam}-01`) : chinaToday().startOf('month');
  const [creating, setCreating] = useState<{ date?: Dayjs } | null>(null);

  // the calendar shows six weeks around the month: ask for those days
  const from = month.startOf('month').subtract(7, 'day').format('YYYY-MM-DD');
  const to = month.endOf('month').add(14, 'day').format('YYYY-MM-DD');
  const list = useApi(endpoints.pushes.list.at({ orgId, from, to, page: 1, pageSize: 200 }));

  const setQuery = (next: { orgId?: string | undefined; month?: string; view?: string }) => {
    const q: Query = { orgId, month: month.format('YYYY-MM'), view: view === 'list' ? 'list' : undefined, ...next };
    if (q.month === chinaThisMonth()) delete q.month;
    navigate('/pushes' + toSearch(q), { replace: true });
  };

  const byDay = useMemo(() => {
    const m = new Map<string, PushSummary[]>();
    for (const p of list.data?.items ?? []) {
      const d = dayjs(p.plannedAt).format('YYYY-MM-DD');
      m.set(d, [...(m.get(d) ?? []), p]);
    }
    for (const v of m.values()) v.sort((a, b) => a.plannedAt.localeCompare(b.plannedAt));
    return m;
  }, [list.data]);

  const monthItems = useMemo(
    () => (list.data?.items ?? []).filter((p) => dayjs(p.plannedAt).isSame(month, 'month')).sort((a, b) => a.plannedAt.localeCompare(b.plannedAt)),
    [list.data, month],
  );

  const columns: TableColumnsType<PushSummary> = [
    { title: t('push.plannedAt'), dataIndex: 'plannedAt', width: 150, render: (_: unknown, p) => dayjs(p.plannedAt).format('YYYY-MM-DD HH:mm') },
    {
      title: t('push.title'),
      dataIndex: 'title',
      render: (_: unknown, p) => (
        <div>
          <Link to={`/pushes/${p.id}`} data-testid={`push-row-${p.id}`} style={{ fontWeight: 500 }}>
            {p.title}
          </Link>
          <div>
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: 420 }}>
              {p.itemTitles.join('、')}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: t('push.org'), dataIndex: 'orgName', width: 150, ellipsis: true },
    { title: t('push.audience'), dataIndex: 'audience', width: 110, render: (_: unknown, p) => audienceText(t, p.audience) },
    { title: t('push.status'), dataIndex: 'status', width: 90, render: (_: unknown, p) => <Tag color={PUSH_STATUS_COLORS[p.status]}>{t(PUSH_STATUS_KEYS[p.status])}</Tag> },
    { title: t('push.stats'), key: 'stats', width: 190, render: (_: unknown, p) => <PushStatsBar stats={p.stats} /> },
  ];

  const dayCell = (date: Dayjs) => {
    const items = byDay.get(date.format('YYYY-MM-DD')) ?? [];
    if (items.length === 0) return null;
    return (
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid={`push-day-${date.format('YYYY-MM-DD')}`}>
        {items.map((p) => (
          <li key={p.id} style={{ marginBottom: 2 }}>
            <Tooltip title={`${dayjs(p.plannedAt).format('HH:mm')} ${p.title} · ${p.orgName}${p.status === 'delivered' ? ` · ${t('push.statsTip', p.stats)}` : ''}`}>
              <Link to={`/pushes/${p.id}`} onClick={(e) => e.stopPropagation()} style={{ display: 'block', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', fontSize: 12 }}>
                <Badge status={p.status === 'delivered' ? 'success' : p.status === 'planned' ? 'processing' : 'default'} />
                <span style={{ textDecoration: p.status === 'cancelled' ? 'line-through' : undefined }}>
                  {dayjs(p.plannedAt).format('HH:mm')} {p.title}
                </span>
                {p.status === 'delivered' && p.stats.delivered > 0 && (
                  <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                    {' '}
                    {Math.round((p.stats.read / p.stats.delivered) * 100)}%
                  </Typography.Text>
                )}
              </Link>
            </Tooltip>
          </li>
        ))}
      </ul>
    );
  };

  return (
    <>
      <PageHeader
        title={t('push.pageTitle')}
        sub={t('push.pageSub')}
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating({})} data-testid="new-push">
            {t('push.create')}
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} name="pushFilters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('push.org')} htmlFor="pf-org">
            <OrgTreeSelect id="pf-org" orgs={orgs.data?.items} value={orgId} onChange={(v) => setQuery({ orgId: v ?? undefined })} style={{ width: 200 }} placeholder={t('common.all')} />
          </Form.Item>
          <Form.Item label={t('push.month')} htmlFor="pf-month">
            <DatePicker id="pf-month" picker="month" allowClear={false} value={month} onChange={(d: Dayjs | null) => d && setQuery({ month: d.format('YYYY-MM') })} />
          </Form.Item>
          <Form.Item>
            <Segmented
              value={view}
              onChange={(v) => setQuery({ view: v === 'list' ? 'list' : undefined })}
              options={[
                { value: 'calendar', label: t('push.viewCalendar'), icon: <CalendarOutlined aria-hidden /> },
                { value: 'list', label: t('push.viewList'), icon: <UnorderedListOutlined aria-hidden /> },
              ]}
              data-testid="push-view"
            />
          </Form.Item>
        </Form>
      </Card>
      {list.error && <Alert type="error" showIcon title={list.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      {list.data && list.data.total > list.data.items.length && <Alert type="warning" showIcon title={t('push.tooMany', { n: list.data.items.length, total: list.data.total })} style={{ marginBottom: 16 }} />}
      {view === 'calendar' ? (
        <Card loading={list.loading && !list.data} data-testid="push-calendar">
          <Calendar
            // today stays marked in this month; another month shows its first day
            value={month.isSame(chinaToday(), 'month') ? chinaToday() : month}
            headerRender={() => null}
            cellRender={(d, info) => (info.type === 'date' ? dayCell(d) : null)}
            onSelect={(d, info) => {
              if (info.source === 'date' && !d.isBefore(chinaToday(), 'day') && (byDay.get(d.format('YYYY-MM-DD')) ?? []).length === 0) setCreating({ date: d });
            }}
            onPanelChange={(d) => setQuery({ month: d.format('YYYY-MM') })}
          />
        </Card>
      ) : (
        <Card styles={{ body: { padding: 0 } }}>
          <div data-testid="push-table">
            <Table<PushSummary>
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={monthItems}
              loading={list.loading}
              locale={{ emptyText: <Empty description={t('push.emptyMonth')} /> }}
              pagination={monthItems.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
              scroll={{ x: 900 }}
            />
          </div>
        </Card>
      )}
      <PushFormModal
        open={creating !== null}
        defaultOrgId={orgId}
        defaultDate={creating?.date}
        onClose={() => setCreating(null)}
        onSaved={(pushes) => {
          setCreating(null);
          list.reload();
          const first = pushes[0];
          if (pushes.length === 1 && first) navigate(`/pushes/${first.id}`);
        }}
      />
    </>
  );
}
