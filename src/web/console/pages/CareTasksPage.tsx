import { CheckOutlined, ClockCircleOutlined, CloseOutlined, ReloadOutlined, UndoOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { api } from '../api.ts';
import { OrgTreeSelect, PageHeader } from '../components/common.tsx';
import { CARE_KIND_KEYS, CARE_STATUS_KEYS, CareStatusTag } from '../components/learning.tsx';
import { announceCareTasksChanged, applyFormIssues, useApi, useOrgs, useShowError, useUrlList } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import type { CareTask, CareTaskKind, CareTaskList, CareTaskStatus, UpdateCareTaskBody } from '../types.ts';

const FILTER_KEYS = ['orgId', 'status', 'kind'] as const;
type Action = 'done' | 'snoozed' | 'dropped';

export function CareTasksPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const { filters: raw, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/care-tasks', FILTER_KEYS);
  // open tasks unless asked otherwise ('any' lists every status)
  const status = raw.status === 'any' ? undefined : (raw.status ?? 'open');
  const list = useApi<CareTaskList>('/api/care-tasks', { orgId: raw.orgId, kind: raw.kind, status, page, pageSize });
  const [acting, setActing] = useState<{ task: CareTask; action: Action } | null>(null);

  const reopen = async (task: CareTask) => {
    try {
      await api.patch(`/api/care-tasks/${encodeURIComponent(task.id)}`, { status: 'open' } satisfies UpdateCareTaskBody);
      void message.success(t('care.reopened'));
      list.reload();
      announceCareTasksChanged();
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<CareTask> = [
    {
      title: t('care.member'),
      dataIndex: 'memberName',
      width: 120,
      render: (_: unknown, c) => <Link to={`/members/${c.memberId}`}>{c.memberName}</Link>,
    },
    { title: t('member.org'), dataIndex: 'orgName', width: 140, ellipsis: true },
    { title: t('care.kind'), dataIndex: 'kind', width: 120, render: (_: unknown, c) => <Tag color={c.kind === 'absence_streak' || c.kind === 'unread_streak' ? 'volcano' : 'default'}>{t(CARE_KIND_KEYS[c.kind])}</Tag> },
    { title: t('care.reason'), dataIndex: 'reason', render: (_: unknown, c) => <Typography.Text>{c.reason}</Typography.Text> },
    { title: t('care.mentor'), dataIndex: 'mentorName', width: 100, render: (_: unknown, c) => c.mentorName ?? <Typography.Text type="warning">{t('care.noMentor')}</Typography.Text> },
    {
      title: t('care.dueOn'),
      dataIndex: 'dueOn',
      width: 110,
      render: (_: unknown, c) => {
        const overdue = c.status === 'open' && dayjs(c.dueOn).isBefore(dayjs(), 'day');
        return overdue ? <Typography.Text type="danger">{c.dueOn}</Typography.Text> : c.dueOn;
      },
    },
    {
      title: t('care.status'),
      dataIndex: 'status',
      width: 150,
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          <CareStatusTag status={c.status} />
          {c.status === 'snoozed' && c.snoozedUntil && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('care.snoozedUntil', { date: c.snoozedUntil })}
            </Typography.Text>
          )}
          {c.note && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: c.note }}>
              {c.note}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('care.createdAt'), dataIndex: 'createdAt', width: 110, render: (_: unknown, c) => dayjs(c.createdAt).format('YYYY-MM-DD') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 220,
      fixed: 'right',
      render: (_: unknown, c) =>
        c.status === 'open' || c.status === 'snoozed' ? (
          <Space size={0} wrap>
            <Button size="small" type="link" icon={<CheckOutlined aria-hidden />} onClick={() => setActing({ task: c, action: 'done' })} data-testid={`care-done-${c.id}`}>
              {t('care.done')}
            </Button>
            <Button size="small" type="link" icon={<ClockCircleOutlined aria-hidden />} onClick={() => setActing({ task: c, action: 'snoozed' })} data-testid={`care-snooze-${c.id}`}>
              {t('care.snooze')}
            </Button>
            <Button size="small" type="link" danger icon={<CloseOutlined aria-hidden />} onClick={() => setActing({ task: c, action: 'dropped' })} data-testid={`care-drop-${c.id}`}>
              {t('care.drop')}
            </Button>
          </Space>
        ) : (
          <Button size="small" type="link" icon={<UndoOutlined aria-hidden />} onClick={() => void reopen(c)} data-testid={`care-reopen-${c.id}`}>
            {t('care.reopen')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('care.pageTitle')} sub={t('care.pageSub')} />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} name="careFilters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('member.org')} htmlFor="cf-org">
            <OrgTreeSelect id="cf-org" orgs={orgs.data?.items} value={raw.orgId} onChange={(v) => setFilter({ orgId: v })} style={{ width: 200 }} placeholder={t('common.all')} />
          </Form.Item>
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
              style={{ width: 140 }}
              options={(Object.keys(CARE_KIND_KEYS) as CareTaskKind[]).map((k) => ({ value: k, label: t(CARE_KIND_KEYS[k]) }))}
            />
          </Form.Item>
          <Form.Item>
            <Button icon={<ReloadOutlined aria-hidden />} disabled={!hasFilters} onClick={() => setQuery({})}>
              {t('common.reset')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="care-tasks-table">
          <Table<CareTask>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            onRow={(c) => ({ 'data-testid': `care-task-${c.id}` }) as HTMLAttributes<HTMLElement>}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : status === 'open' && !raw.orgId && !raw.kind ? t('care.emptyOpen') : t('common.emptyFiltered')} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 1200 }}
          />
        </div>
      </Card>
      <CareActionModal
        acting={acting}
        onClose={() => setActing(null)}
        onDone={() => {
          setActing(null);
          list.reload();
          announceCareTasksChanged();
        }}
      />
    </>
  );
}

interface ActionValues {
  note?: string;
  snoozedUntil?: Dayjs;
}

function CareActionModal({ acting, onClose, onDone }: { acting: { task: CareTask; action: Action } | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<ActionValues>();
  const [busy, setBusy] = useState(false);
  const action = acting?.action;

  useEffect(() => {
    if (!acting) return;
    form.resetFields();
    if (acting.action === 'snoozed') form.setFieldsValue({ snoozedUntil: dayjs().add(7, 'day') });
  }, [acting, form]);

  const submit = async (v: ActionValues) => {
    if (!acting) return;
    const note = v.note?.trim() || undefined;
    let body: UpdateCareTaskBody;
    if (acting.action === 'done') body = { status: 'done', ...(note ? { note } : {}) };
    else if (acting.action === 'dropped') body = { status: 'dropped', note: note ?? '' };
    else body = { status: 'snoozed', snoozedUntil: (v.snoozedUntil ?? dayjs().add(7, 'day')).format('YYYY-MM-DD'), ...(note ? { note } : {}) };
    setBusy(true);
    try {
      await api.patch(`/api/care-tasks/${encodeURIComponent(acting.task.id)}`, body);
      void message.success(t(acting.action === 'done' ? 'care.doneDone' : acting.action === 'dropped' ? 'care.dropDone' : 'care.snoozeDone'));
      onDone();
    } catch (e) {
      if (!applyFormIssues(form, e, ['note', 'snoozedUntil'])) showError(e);
    } finally {
      setBusy(false);
    }
  };

  const title = action === 'done' ? t('care.doneTitle') : action === 'dropped' ? t('care.dropTitle') : t('care.snoozeTitle');
  return (
    <Modal
      open={!!acting}
      title={acting ? `${title} · ${acting.task.memberName}` : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ danger: action === 'dropped', 'data-testid': 'confirm-care-action' } as ButtonProps}
      forceRender
    >
      {acting && (
        <Typography.Paragraph type="secondary">
          {t(CARE_KIND_KEYS[acting.task.kind])} · {acting.task.reason}
        </Typography.Paragraph>
      )}
      <Form<ActionValues> form={form} layout="vertical" name="careAction" onFinish={(v) => void submit(v)}>
        {action === 'snoozed' && (
          <Form.Item label={t('care.snoozeUntil')} name="snoozedUntil" rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker allowClear={false} disabledDate={(d) => !d.isAfter(dayjs(), 'day')} data-testid="care-snooze-date" />
          </Form.Item>
        )}
        <Form.Item
          label={action === 'dropped' ? t('care.dropReason') : t('care.note')}
          name="note"
          rules={action === 'dropped' ? [{ required: true, whitespace: true, message: t('care.dropReasonRequired') }, { min: 2, message: t('care.dropReasonRequired') }] : []}
        >
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="care-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
