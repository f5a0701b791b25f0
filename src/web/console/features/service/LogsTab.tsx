import { App, Button, DatePicker, Form, Image, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import type { ConsoleServiceLog, ConsoleServiceLogPage } from '../../../../shared/api-service.ts';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter } from '../../components/common.tsx';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { applyFormIssues, useApi, useApiMutation, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

const FILTER_KEYS = ['tab', 'orgId', 'month', 'teamId', 'gridId', 'memberId', 'cursor'] as const;

/**
 * 服务记录: the logs of the members of the secretary's units, newest day first (filters: unit, month,
 * team, grid, member); a wrong one is voided with a reason and counts nowhere after. Whom a log
 * served shows only where the secretary covers the team's unit (the server leaves it out otherwise).
 */
export function LogsTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const { filters, setFilter, setQuery } = useUrlList('/service', FILTER_KEYS);
  const { cursor, tab: _tab, ...query } = filters;
  const [pages, setPages] = useState<string[]>([]);
  const data = useApi(endpoints.service.logs.at({ ...query, ...(cursor ? { cursor } : {}) }));
  const teams = useApi(endpoints.teams.list.at());
  const grids = useApi(endpoints.grids.list.at());
  const [voiding, setVoiding] = useState<ConsoleServiceLog | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const voidLog = useApiMutation((v: { id: string; reason: string }) => endpoints.service.voidLog({ id: v.id }, { reason: v.reason }), { changes: ['service'] });
  const page: ConsoleServiceLogPage | undefined = data.data;

  const columns: TableColumnsType<ConsoleServiceLog> = [
    { title: t('svc.log.day'), dataIndex: 'servedOn', width: 110 },
    {
      title: t('svc.log.who'),
      key: 'who',
      render: (_: unknown, l) => (
        <span>
          <Link to={`/members/${l.member.memberId}`}>{l.member.name}</Link>
          <Typography.Text type="secondary"> · {l.org.name}</Typography.Text>
        </span>
      ),
    },
    { title: t('svc.log.minutes'), dataIndex: 'minutes', width: 110, align: 'right' },
    {
      title: t('svc.log.for'),
      key: 'for',
      render: (_: unknown, l) => (
        <span>
          {[l.project?.title, l.task?.title, l.team?.name, l.grid?.name].filter(Boolean).join(' · ') || '—'} {l.remote && <Tag color="blue">{t('svc.log.remote')}</Tag>}
        </span>
      ),
    },
    { title: t('svc.log.recipient'), key: 'recipient', width: 130, render: (_: unknown, l) => l.recipient?.label ?? '—' },
    {
      title: t('svc.log.what'),
      dataIndex: 'what',
      render: (_: unknown, l) => (
        <div>
          <Typography.Paragraph style={{ marginBottom: 4, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, expandable: true }}>
            {l.what}
          </Typography.Paragraph>
          {l.photos.length > 0 && (
            <Image.PreviewGroup>
              <Space size={4} wrap>
                {l.photos.map((p) => (
                  <Image key={p.fileId} src={p.url} width={48} height={48} style={{ objectFit: 'cover' }} alt={t('svc.log.photos')} />
                ))}
              </Space>
            </Image.PreviewGroup>
          )}
          {l.voided && <Tag color="default">{t('svc.log.voided', { reason: l.voided.reason })}</Tag>}
        </div>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_: unknown, l) =>
        l.voided ? null : (
          <Button size="small" danger onClick={() => setVoiding(l)} data-testid={`service-log-void-${l.id}`}>
            {t('svc.log.void')}
          </Button>
        ),
    },
  ];

  const submitVoid = async () => {
    if (!voiding) return;
    const v = await form.validateFields();
    try {
      await voidLog.mutateAsync({ id: voiding.id, reason: v.reason });
      message.success(t('svc.log.voidDone'));
      setVoiding(null);
      form.resetFields();
    } catch (e) {
      if (!applyFormIssues(form, e, ['reason'])) showError(e);
    }
  };

  return (
    <>
      <FilterBar name="serviceLogFilters" hasFilters={Object.keys(query).length > 0} onReset={() => setQuery({ tab: 'logs' })}>
        <OrgFilter id="svl-org" label={t('svc.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v, cursor: undefined })} />
        <Form.Item label={t('svc.log.month')}>
          <DatePicker picker="month" value={filters.month ? dayjs(`${filters.month}-01`) : null} onChange={(v) => setFilter({ month: v ? v.format('YYYY-MM') : undefined, cursor: undefined })} data-testid="service-log-month" />
        </Form.Item>
        <Form.Item label={t('svc.log.team')}>
          <Select allowClear style={{ width: 180 }} value={filters.teamId} onChange={(v?: string) => setFilter({ teamId: v, cursor: undefined })} options={(teams.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} data-testid="service-log-team" />
        </Form.Item>
        <Form.Item label={t('svc.log.grid')}>
          <Select allowClear style={{ width: 150 }} value={filters.gridId} onChange={(v?: string) => setFilter({ gridId: v, cursor: undefined })} options={(grids.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} data-testid="service-log-grid" />
        </Form.Item>
        <Form.Item label={t('svc.log.member')}>
          <div style={{ width: 200 }}>
            <MemberPicker value={filters.memberId ?? null} onChange={(v: string | null) => setFilter({ memberId: v ?? undefined, cursor: undefined })} />
          </div>
        </Form.Item>
      </FilterBar>
      {data.error && !page ? (
        <LoadFailed error={data.error} onReload={data.reload} testId="service-logs-failed" />
      ) : (
        <Table<ConsoleServiceLog>
          rowKey="id"
          size="small"
          loading={data.loading}
          columns={columns}
          dataSource={page?.items ?? []}
          pagination={false}
          onRow={(l) => ({ 'data-testid': `service-log-${l.id}`, style: l.voided ? { opacity: 0.55 } : undefined }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: t('svc.log.empty') }}
        />
      )}
      <Space style={{ marginTop: 12 }}>
        {cursor && (
          <Button
            onClick={() => {
              const prev = pages.slice(0, -1);
              setPages(prev);
              setFilter({ cursor: prev.at(-1) });
            }}
          >
            {t('svc.log.back')}
          </Button>
        )}
        {page?.nextCursor && (
          <Button
            onClick={() => {
              if (!page.nextCursor) return;
              setPages([...pages, page.nextCursor]);
              setFilter({ cursor: page.nextCursor });
            }}
            data-testid="service-log-more"
          >
            {t('svc.log.more')}
          </Button>
        )}
      </Space>
      <Modal open={voiding !== null} title={t('svc.log.voidTitle')} onCancel={() => setVoiding(null)} onOk={() => void submitVoid()} confirmLoading={voidLog.isPending} okButtonProps={{ danger: true, ...({ 'data-testid': 'service-void-ok' } as Record<string, string>) }} destroyOnHidden>
        <Typography.Paragraph type="secondary">{t('svc.log.voidHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="reason" label={t('svc.log.reason')} rules={[{ required: true, whitespace: true, message: t('svc.required') }]}>
            <Input.TextArea rows={3} maxLength={500} showCount data-testid="service-void-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
