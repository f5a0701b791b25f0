import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Form, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import type { ServiceProject, ServiceProjectStatus, ServiceTask } from '../../../../shared/api-service.ts';
import { SERVICE_PROJECT_STATUSES } from '../../../../shared/enums.ts';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter } from '../../components/common.tsx';
import { useApi, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { hours } from './format.ts';
import { ProjectDrawer } from './ProjectDrawer.tsx';
import { SignupsModal } from './SignupsModal.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

const FILTER_KEYS = ['tab', 'orgId', 'status'] as const;
const STATUS_COLOR: Record<ServiceProjectStatus, string> = { open: 'green', closed: 'default', cancelled: 'red' };

export function StatusTag({ status }: { status: ServiceProjectStatus }) {
  const { t } = useI18n();
  return <Tag color={STATUS_COLOR[status]}>{t(`svc.status.${status}`)}</Tag>;
}

/** 服务项目: the projects of the secretary's units with their tasks, places taken and minutes served. */
export function ProjectsTab() {
  const { t } = useI18n();
  const { filters, setFilter, setQuery } = useUrlList('/service', FILTER_KEYS);
  const list = useApi(endpoints.service.projects.at({ ...(filters.orgId ? { orgId: filters.orgId } : {}), ...(filters.status ? { status: filters.status } : {}) }));
  const [editing, setEditing] = useState<ServiceProject | 'new' | null>(null);
  const [signupsOf, setSignupsOf] = useState<ServiceTask | null>(null);

  const columns: TableColumnsType<ServiceProject> = [
    {
      title: t('svc.project.title'),
      dataIndex: 'title',
      render: (_: unknown, p) => (
        <Space direction="vertical" size={0}>
          <Typography.Link onClick={() => setEditing(p)} data-testid={`service-project-open-${p.id}`}>
            {p.title}
          </Typography.Link>
          <Typography.Text type="secondary">{[p.org.name, p.team?.name, p.grid?.name].filter(Boolean).join(' · ')}</Typography.Text>
        </Space>
      ),
    },
    { title: t('svc.project.dates'), key: 'dates', width: 200, render: (_: unknown, p) => `${p.startsOn} ~ ${p.endsOn}` },
    { title: t('svc.project.place'), dataIndex: 'place', ellipsis: true },
    {
      title: t('svc.project.tasks'),
      key: 'tasks',
      render: (_: unknown, p) => (
        <Space direction="vertical" size={2}>
          {p.tasks.map((k) => (
            <span key={k.id}>
              <Typography.Link onClick={() => setSignupsOf(k)} data-testid={`service-task-signups-${k.id}`}>
                {k.title}
              </Typography.Link>{' '}
              {k.remote && <Tag color="blue">{t('svc.task.remoteTag')}</Tag>}
              <Typography.Text type="secondary">{t('svc.task.places', { confirmed: k.confirmed, capacity: k.capacity })}</Typography.Text>
              {k.waiting > 0 && <Tag color="orange">{t('svc.task.waiting', { n: k.waiting })}</Tag>}
            </span>
          ))}
        </Space>
      ),
    },
    { title: t('svc.project.minutes'), dataIndex: 'minutes', width: 110, align: 'right', render: (v: number) => t('svc.hoursFormat', { h: hours(v) }) },
    { title: t('svc.status'), dataIndex: 'status', width: 90, render: (v: ServiceProjectStatus) => <StatusTag status={v} /> },
  ];

  return (
    <>
      <FilterBar name="serviceProjectFilters" hasFilters={!!(filters.orgId || filters.status)} onReset={() => setQuery({})}>
        <OrgFilter id="svp-org" label={t('svc.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('svc.status')}>
          <Select allowClear style={{ width: 120 }} value={filters.status} onChange={(v?: string) => setFilter({ status: v })} options={SERVICE_PROJECT_STATUSES.map((s) => ({ value: s, label: t(`svc.status.${s}`) }))} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="service-project-new">
            {t('svc.newProject')}
          </Button>
        </Form.Item>
      </FilterBar>
      {list.error && !list.data ? (
        <LoadFailed error={list.error} onReload={list.reload} testId="service-projects-failed" />
      ) : !list.data ? (
        <Skeleton active />
      ) : list.data.items.length === 0 ? (
        <Card>
          <Empty description={t('svc.project.empty')} />
        </Card>
      ) : (
        <Table<ServiceProject>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={list.data.items}
          pagination={list.data.items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          onRow={(p) => ({ 'data-testid': `service-project-${p.id}` }) as HTMLAttributes<HTMLElement>}
        />
      )}
      <ProjectDrawer project={editing} onClose={() => setEditing(null)} />
      <SignupsModal task={signupsOf} onClose={() => setSignupsOf(null)} />
    </>
  );
}
