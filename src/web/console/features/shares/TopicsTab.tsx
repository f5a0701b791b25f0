import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Form, Input, Modal, Space, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ShareTopic } from '../../../../shared/api-shares.ts';
import { endpoints } from '../../api.ts';
import { chinaThisMonth } from '../../china-day.ts';
import { FilterBar, OrgFilter, OrgTreeSelect } from '../../components/common.tsx';
import { applyFormIssues, useApi, useOrgs, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';

const FILTER_KEYS = ['tab', 'orgId', 'month'] as const;

interface TopicForm {
  orgId: string;
  month: Dayjs;
  title: string;
  description?: string;
  dueOn: Dayjs;
}

/** 每月话题: the topics of the secretary's units; set one for a unit and month, edit, close or hide it. */
export function TopicsTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const { filters, setFilter, setQuery } = useUrlList('/shares', FILTER_KEYS);
  const list = useApi(endpoints.shares.topics.at({ ...(filters.orgId ? { orgId: filters.orgId } : {}), ...(filters.month ? { month: filters.month } : {}) }));
  const [editing, setEditing] = useState<{ topic: ShareTopic | null } | null>(null);
  const [form] = Form.useForm<TopicForm>();
  const [busy, setBusy] = useState(false);

  const open = (topic: ShareTopic | null) => {
    setEditing({ topic });
    form.setFieldsValue(
      topic
        ? { orgId: topic.orgId, month: dayjs(`${topic.month}-01`), title: topic.title, description: topic.description, dueOn: dayjs(topic.dueOn) }
        : { orgId: filters.orgId ?? orgs.data?.items[0]?.id, month: dayjs(`${chinaThisMonth()}-01`), title: '', description: '' },
    );
  };
  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      if (editing?.topic) await endpoints.shares.updateTopic({ id: editing.topic.id }, { title: v.title, description: v.description ?? '', dueOn: v.dueOn.format('YYYY-MM-DD') });
      else await endpoints.shares.createTopic({ orgId: v.orgId, month: v.month.format('YYYY-MM'), title: v.title, description: v.description ?? '', dueOn: v.dueOn.format('YYYY-MM-DD') });
      void message.success(t('share.topic.saved'));
      setEditing(null);
      list.reload();
    } catch (e) {
      if (!applyFormIssues(form, e, ['orgId', 'month', 'title', 'description', 'dueOn'])) showError(e);
    } finally {
      setBusy(false);
    }
  };
  const patch = async (topic: ShareTopic, change: { closed?: boolean; hidden?: boolean }) => {
    try {
      await endpoints.shares.updateTopic({ id: topic.id }, change);
      void message.success(t('share.topic.saved'));
      list.reload();
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<ShareTopic> = [
    { title: t('share.month'), dataIndex: 'month', width: 100 },
    { title: t('share.org'), dataIndex: 'orgName', width: 160, ellipsis: true },
    { title: t('share.topic.title'), dataIndex: 'title', render: (_: unknown, r) => <span style={{ whiteSpace: 'pre-wrap' }}>{r.title}</span> },
    { title: t('share.topic.dueOn'), dataIndex: 'dueOn', width: 120 },
    {
      title: t('share.topic.state'),
      key: 'state',
      width: 140,
      render: (_: unknown, r) => (
        <Space size={4}>
          {r.closed ? <Tag>{t('share.topic.closed')}</Tag> : <Tag color="green">{t('share.topic.open')}</Tag>}
          {r.hidden && <Tag color="error">{t('share.topic.hiddenState')}</Tag>}
        </Space>
      ),
    },
    {
      title: '',
      key: 'actions',
      width: 240,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => open(r)} data-testid={`share-topic-edit-${r.id}`}>
            {t('share.topic.edit')}
          </Button>
          <Button size="small" onClick={() => void patch(r, { closed: !r.closed })}>
            {r.closed ? t('share.topic.reopen') : t('share.topic.close')}
          </Button>
          <Button size="small" danger={!r.hidden} onClick={() => void patch(r, { hidden: !r.hidden })}>
            {r.hidden ? t('share.topic.show') : t('share.topic.hide')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <FilterBar name="shareTopicFilters" hasFilters={!!(filters.orgId || filters.month)} onReset={() => setQuery({ tab: 'topics' })}>
        <OrgFilter id="stf-org" label={t('share.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('share.month')}>
          <DatePicker picker="month" value={filters.month ? dayjs(`${filters.month}-01`) : null} onChange={(v) => setFilter({ month: v ? v.format('YYYY-MM') : undefined })} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => open(null)} data-testid="share-topic-new">
            {t('share.topic.create')}
          </Button>
        </Form.Item>
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<ShareTopic>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          pagination={false}
          locale={{ emptyText: <Empty description={t('share.topic.empty')} /> }}
          data-testid="share-topics"
          scroll={{ x: 900 }}
        />
      </Card>
      <Modal
        open={!!editing}
        title={editing?.topic ? t('share.topic.editTitle') : t('share.topic.createTitle')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        confirmLoading={busy}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical" name="shareTopic">
          <Form.Item name="orgId" label={t('share.org')} rules={[{ required: true, message: t('share.topic.orgRequired') }]}>
            <OrgTreeSelect orgs={orgs.data?.items} disabled={!!editing?.topic} />
          </Form.Item>
          <Form.Item name="month" label={t('share.month')} rules={[{ required: true }]}>
            <DatePicker picker="month" disabled={!!editing?.topic} />
          </Form.Item>
          <Form.Item name="title" label={t('share.topic.title')} rules={[{ required: true, whitespace: true, message: t('share.topic.titleRequired') }, { max: 100 }]}>
            <Input maxLength={100} data-testid="share-topic-title" />
          </Form.Item>
          <Form.Item name="description" label={t('share.topic.description')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="dueOn" label={t('share.topic.dueOn')} rules={[{ required: true, message: t('share.topic.dueRequired') }]}>
            <DatePicker data-testid="share-topic-due" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
