import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Form, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { CareTaskCreateModal } from './CareTaskCreateModal.tsx';
import { CareTaskDrawer } from './CareTaskDrawer.tsx';
import { CareTaskStatusCell } from './labels.tsx';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { CARE_KIND_KEYS, CARE_STATUS_KEYS } from '../../components/learning.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { CareTask, CareTaskKind, CareTaskStatus } from '../../types.ts';
import { chinaToday } from '../../china-day.ts';

const FILTER_KEYS = ['orgId', 'status', 'kind', 'overdue'] as const;
const KINDS = Object.keys(CARE_KIND_KEYS) as CareTaskKind[];
const STREAK_KINDS = new Set<CareTaskKind>(['absence_streak', 'unread_streak', 'lost_contact']);

/** Follow-up tasks (跟进任务) in the secretary's units: who does what by when, overdue first; a drawer with the history and the actions. */
export function CareTasksPage() {
  const { t } = useI18n();
  const { filters: raw, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/care-tasks', FILTER_KEYS);
  // open tasks unless asked otherwise ('any' lists every status)
  const status = raw.status === 'any' ? undefined : (raw.status ?? 'open');
  const overdue = raw.overdue === 'true' ? 'true' : undefined;
  const list = useApi(endpoints.careTasks.list.at({ orgId: raw.orgId, kind: raw.kind, status, overdue, page, pageSize }));
  const [openTask, setOpenTask] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const columns: TableColumnsType<CareTask> = [
    {
      title: t('care.member'),
      dataIndex: 'memberName',
      width: 110,
      render: (_: unknown, c) => (
        <Link to={`/members/${c.memberId}`} onClick={(e) => e.stopPropagation()}>
          {c.memberName}
        </Link>
      ),
    },
    { title: t('member.org'), dataIndex: 'orgName', width: 130, ellipsis: true, responsive: ['lg'] },
    {
      title: t('care.kind'),
      dataIndex: 'kind',
      width: 100,
      render: (_: unknown, c) => (
        <Tag color={STREAK_KINDS.has(c.kind) ? 'volcano' : 'default'} style={{ marginInlineEnd: 0 }}>
          {t(CARE_KIND_KEYS[c.kind])}
        </Tag>
      ),
    },
    { title: t('care.reason'), dataIndex: 'reason', render: (_: unknown, c) => <Typography.Paragraph style={{ marginBottom: 0 }} ellipsis={{ rows: 2, tooltip: c.reason }}>{c.reason}</Typography.Paragraph> },
    {
      title: t('care.assignee'),
      key: 'assignee',
      width: 110,
      render: (_: unknown, c) =>
        c.assignee ? (
          <Typography.Text>{c.assignee.name}</Typography.Text>
        ) : (
          <Tag color="gold" style={{ marginInlineEnd: 0 }}>
            {t('care.secretaries')}
          </Tag>
        ),
    },
    {
      title: t('care.dueOn'),
      dataIndex: 'dueOn',
      width: 120,
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text type={c.overdue ? 'danger' : undefined}>{c.dueOn}</Typography.Text>
          {c.overdue && (
            <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid={`task-overdue-${c.id}`}>
              {t('care.overdueDays', { n: Math.max(1, chinaToday().diff(dayjs(c.dueOn), 'day')) })}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('care.status'),
      dataIndex: 'status',
      width: 130,
      render: (_: unknown, c) => <CareTaskStatusCell task={c} />,
    },
    { title: t('care.createdAt'), dataIndex: 'createdAt', width: 105, responsive: ['lg'], render: (_: unknown, c) => dayjs(c.createdAt).format('YYYY-MM-DD') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      render: (_: unknown, c) => (
        <Button
          size="small"
          type="link"
          onClick={(e) => {
            e.stopPropagation();
            setOpenTask(c.id);
          }}
          data-testid={`task-open-${c.id}`}
        >
          {t('care.handle')}
        </Button>
      ),
    },
  ];

  const emptyText = list.error
    ? list.error.message || t('error.generic')
    : status === 'open' && !raw.orgId && !raw.kind && !overdue
      ? t('care.emptyOpen')
      : t('common.emptyFiltered');
  return (
    <>
      <PageHeader
        title={t('care.pageTitle')}
        sub={t('care.pageSub')}
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="task-new">
            {t('care.new')}
          </Button>
        }
      />
      <FilterBar name="careFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="cf-org" value={raw.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('care.status')} htmlFor="cf-status">
          <Select
            id="cf-status"
            value={raw.status ?? 'open'}
            onChange={(v: string) => setFilter({ status: v === 'open' ? null : v })}
            style={{ width: 120 }}
            options={[
              ...(['open', 'snoozed', 'done', 'dropped'] as CareTaskStatus[]).map((s) => ({ value: s, label: t(CARE_STATUS_KEYS[s]) })),
              { value: 'any', label: t('common.all') },
            ]}
            data-testid="care-filter-status"
          />
        </Form.Item>
        <Form.Item label={t('care.kind')} htmlFor="cf-kind">
          <Select
            id="cf-kind"
            allowClear
            placeholder={t('common.all')}
            value={raw.kind ?? null}
            onChange={(v: string | null) => setFilter({ kind: v })}
            style={{ width: 130 }}
            options={KINDS.map((k) => ({ value: k, label: t(CARE_KIND_KEYS[k]) }))}
            data-testid="care-filter-kind"
          />
        </Form.Item>
        <Form.Item label={t('care.onlyOverdue')} htmlFor="cf-overdue">
          <Switch id="cf-overdue" checked={!!overdue} onChange={(on) => setFilter({ overdue: on ? 'true' : null })} data-testid="care-filter-overdue" />
        </Form.Item>
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="care-tasks-table">
          <Table<CareTask>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            onRow={(c) =>
              ({
                'data-testid': `task-row-${c.memberName}`,
                'data-task-id': c.id,
                onClick: () => setOpenTask(c.id),
                style: { cursor: 'pointer' },
              }) as HTMLAttributes<HTMLElement>
            }
            rowClassName={(c) => (c.overdue ? 'lx-row-overdue' : '')}
            locale={{ emptyText: <Empty description={emptyText} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 760 }}
          />
        </div>
      </Card>
      <CareTaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} onChanged={list.reload} />
      <CareTaskCreateModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(task) => {
          setCreating(false);
          list.reload();
          setOpenTask(task.id);
        }}
        onOpenExisting={(id) => {
          setCreating(false);
          setOpenTask(id);
        }}
      />
      <style>{`.lx-row-overdue td:first-child{box-shadow:inset 3px 0 0 #ff4d4f}`}</style>
    </>
  );
}
