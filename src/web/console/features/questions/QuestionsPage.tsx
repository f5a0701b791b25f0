import { App, Button, Empty, Form, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useApiMutation, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { chinaToday } from '../../china-day.ts';
import { chinaDay } from '../../../../shared/china-time.ts';
import type { FaqEntry, Question } from '../../../../shared/api-questions.ts';
import { QuestionDrawer } from './QuestionDrawer.tsx';
import { FaqEditModal } from './FaqEditModal.tsx';

const FILTER_KEYS = ['orgId', 'status', 'publishable', 'tab', 'open'] as const;

/** 有问必答: the questions of the secretary's units, overdue first, with the answer drawer; the FAQ tab. */
export function QuestionsPage() {
  const { t } = useI18n();
  const list = useUrlList('/questions', FILTER_KEYS);
  const { filters: raw, setFilter } = list;
  const tab = raw.tab === 'faq' ? 'faq' : 'questions';
  const settings = useApi(endpoints.settings.get.at());
  return (
    <>
      <PageHeader title={t('questions.pageTitle')} sub={t('questions.pageSub', { n: settings.data?.questionAnswerDays ?? 3 })} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setFilter({ tab: k === 'faq' ? 'faq' : undefined, status: undefined, publishable: undefined, open: undefined })}
        items={[
          { key: 'questions', label: <span data-testid="questions-tab">{t('questions.tabQuestions')}</span>, children: tab === 'questions' ? <QuestionList list={list} /> : null },
          { key: 'faq', label: <span data-testid="faq-tab">{t('questions.tabFaq')}</span>, children: tab === 'faq' ? <FaqTab orgId={raw.orgId} /> : null },
        ]}
      />
    </>
  );
}

function StatusTag({ q }: { q: Question }) {
  const { t } = useI18n();
  if (q.overdue)
    return (
      <Tag color="red" data-testid={`question-status-${q.id}`}>
        {t('questions.status.overdue')}
      </Tag>
    );
  return (
    <Tag color={q.status === 'answered' ? 'green' : 'gold'} data-testid={`question-status-${q.id}`}>
      {t(q.status === 'answered' ? 'questions.status.answered' : 'questions.status.open')}
    </Tag>
  );
}

function QuestionList({ list }: { list: ReturnType<typeof useUrlList<(typeof FILTER_KEYS)[number]>> }) {
  const { t } = useI18n();
  const { filters: raw, page, pageSize, hasFilters, setQuery, setFilter, pagination } = list;
  const status = raw.status === 'open' || raw.status === 'answered' || raw.status === 'overdue' ? raw.status : undefined;
  const publishable = raw.publishable === 'true' || raw.publishable === 'false' ? raw.publishable : undefined;
  const res = useApi(endpoints.questions.list.at({ orgId: raw.orgId, status, publishable, page, pageSize }));
  const [openId, setOpenId] = useState<string | null>(raw.open ?? null);

  const columns: TableColumnsType<Question> = [
    { title: t('questions.member'), key: 'member', width: 110, render: (_: unknown, q) => q.member.name },
    { title: t('questions.unit'), key: 'unit', width: 130, ellipsis: true, responsive: ['lg'], render: (_: unknown, q) => q.member.orgName },
    {
      title: t('questions.question'),
      key: 'body',
      render: (_: unknown, q) => (
        <Typography.Paragraph style={{ marginBottom: 0 }} ellipsis={{ rows: 2, tooltip: q.body }}>
          {q.title ? `${q.title}：` : ''}
          {q.body}
        </Typography.Paragraph>
      ),
    },
    {
      title: t('questions.publishable'),
      key: 'publishable',
      width: 100,
      responsive: ['md'],
      render: (_: unknown, q) => <Tag color={q.publishable ? 'cyan' : 'default'}>{t(q.publishable ? 'questions.publishable.true' : 'questions.publishable.false')}</Tag>,
    },
    { title: t('questions.askedAt'), key: 'askedAt', width: 110, responsive: ['lg'], render: (_: unknown, q) => chinaDay(new Date(q.askedAt)) },
    {
      title: t('questions.dueOn'),
      key: 'dueOn',
      width: 120,
      render: (_: unknown, q) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text type={q.overdue ? 'danger' : undefined}>{q.dueOn}</Typography.Text>
          {q.overdue && <Typography.Text type="danger">{t('questions.overdueDays', { n: Math.max(1, chinaToday().diff(dayjs(q.dueOn), 'day')) })}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('questions.status'), key: 'status', width: 90, render: (_: unknown, q) => <StatusTag q={q} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      render: (_: unknown, q) => (
        <Button size="small" type="link" onClick={() => setOpenId(q.id)} data-testid={`question-open-${q.id}`}>
          {q.status === 'open' ? t('questions.answer') : t('questions.view')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <FilterBar name="questionFilters" hasFilters={hasFilters && Object.keys(raw).some((k) => k !== 'tab')} onReset={() => setQuery({})}>
        <OrgFilter id="qf-org" value={raw.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('questions.status')} htmlFor="qf-status">
          <Select
            id="qf-status"
            allowClear
            style={{ width: 130 }}
            placeholder={t('common.all')}
            value={status}
            onChange={(v: string | undefined) => setFilter({ status: v })}
            options={(['open', 'overdue', 'answered'] as const).map((s) => ({ value: s, label: t(`questions.status.${s}`) }))}
            data-testid="question-status-filter"
          />
        </Form.Item>
        <Form.Item label={t('questions.publishable')} htmlFor="qf-public">
          <Select
            id="qf-public"
            allowClear
            style={{ width: 130 }}
            placeholder={t('common.all')}
            value={publishable}
            onChange={(v: string | undefined) => setFilter({ publishable: v })}
            options={(['true', 'false'] as const).map((s) => ({ value: s, label: t(`questions.publishable.${s}`) }))}
          />
        </Form.Item>
      </FilterBar>
      <Table<Question>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={res.data?.items}
        loading={res.loading}
        pagination={pagination(res.data?.total)}
        onRow={(q) => ({ onClick: () => setOpenId(q.id), style: { cursor: 'pointer' }, 'data-testid': `question-row-${q.id}` }) as object}
        locale={{ emptyText: <Empty description={res.error ? res.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('questions.empty')} /> }}
        scroll={{ x: 'max-content' }}
        data-testid="questions-table"
      />
      <QuestionDrawer questionId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

function FaqTab({ orgId }: { orgId: string | undefined }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.questions.faq.at({ orgId }));
  const [editing, setEditing] = useState<FaqEntry | null>(null);
  const act = useApiMutation(
    (v: { id: string; action: 'publish' | 'unpublish' | 'delete' }): Promise<unknown> =>
      v.action === 'publish' ? endpoints.questions.publishFaq({ id: v.id }) : v.action === 'unpublish' ? endpoints.questions.unpublishFaq({ id: v.id }) : endpoints.questions.deleteFaq({ id: v.id }),
    { changes: ['questions'] },
  );
  // Moving an entry swaps its place with its neighbour of the same unit (two small writes).
  const swap = useApiMutation(
    async ({ a, b, step }: { a: FaqEntry; b: FaqEntry; step: -1 | 1 }): Promise<unknown> => {
      // a takes b's place and b takes a's; two entries with the same number are told apart by the step
      const [forA, forB] = a.sortOrder !== b.sortOrder ? [b.sortOrder, a.sortOrder] : step < 0 ? [b.sortOrder, b.sortOrder + 1] : [b.sortOrder + 1, b.sortOrder];
      await endpoints.questions.updateFaq({ id: a.id }, { sortOrder: forA });
      return endpoints.questions.updateFaq({ id: b.id }, { sortOrder: forB });
    },
    { changes: ['questions'] },
  );
  const items = res.data?.items ?? [];
  const neighbour = (f: FaqEntry, step: -1 | 1): FaqEntry | undefined => {
    const same = items.filter((x) => x.orgId === f.orgId);
    return same[same.findIndex((x) => x.id === f.id) + step];
  };
  const move = (f: FaqEntry, step: -1 | 1) => {
    const other = neighbour(f, step);
    if (other) swap.mutate({ a: f, b: other, step }, { onError: (e) => showError(e) });
  };
  const run = async (id: string, action: 'publish' | 'unpublish' | 'delete') => {
    try {
      await act.mutateAsync({ id, action });
      void message.success(t(action === 'publish' ? 'faq.publishedOk' : action === 'unpublish' ? 'faq.unpublishedOk' : 'faq.deleted'));
    } catch (e) {
      showError(e);
    }
  };
  const columns: TableColumnsType<FaqEntry> = [
    { title: t('faq.unit'), dataIndex: 'orgName', width: 130 },
    { title: t('faq.question'), dataIndex: 'question', render: (v: string) => <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, tooltip: v }}>{v}</Typography.Paragraph> },
    { title: t('faq.answer'), dataIndex: 'answer', render: (v: string) => <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, tooltip: v }}>{v}</Typography.Paragraph> },
    { title: t('faq.state'), key: 'state', width: 90, render: (_: unknown, f) => <Tag color={f.publishedAt ? 'green' : 'default'}>{t(f.publishedAt ? 'faq.published' : 'faq.draft')}</Tag> },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 260,
      render: (_: unknown, f) => (
        <Space size={0} wrap>
          <Button size="small" type="link" onClick={() => setEditing(f)} data-testid={`faq-edit-${f.id}`}>
            {t('faq.edit')}
          </Button>
          {f.publishedAt ? (
            <Button size="small" type="link" onClick={() => void run(f.id, 'unpublish')} data-testid={`faq-unpublish-${f.id}`}>
              {t('faq.unpublish')}
            </Button>
          ) : (
            <Button size="small" type="link" onClick={() => void run(f.id, 'publish')} data-testid={`faq-publish-${f.id}`}>
              {t('faq.publish')}
            </Button>
          )}
          <Button size="small" type="link" aria-label={t('faq.moveUp')} disabled={!neighbour(f, -1) || swap.isPending} onClick={() => move(f, -1)}>
            ↑
          </Button>
          <Button size="small" type="link" aria-label={t('faq.moveDown')} disabled={!neighbour(f, 1) || swap.isPending} onClick={() => move(f, 1)}>
            ↓
          </Button>
          <Popconfirm title={t('faq.deleteConfirm')} onConfirm={() => run(f.id, 'delete')}>
            <Button size="small" type="link" danger>
              {t('faq.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Table<FaqEntry>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={res.data?.items}
        loading={res.loading}
        pagination={false}
        locale={{ emptyText: <Empty description={res.error ? res.error.message || t('error.generic') : t('faq.empty')} /> }}
        scroll={{ x: 'max-content' }}
        data-testid="faq-table"
      />
      <FaqEditModal open={!!editing} entry={editing ?? undefined} onClose={() => setEditing(null)} />
    </>
  );
}
