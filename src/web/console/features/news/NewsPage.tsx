import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Form, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { FilterBar, PageHeader } from '../../components/common.tsx';
import { useApi, useApiMutation, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { navigate, useLocation } from '../../router.tsx';
import type { NewsStatus, NewsSummary } from '../../../../shared/api-news.ts';
import { NEWS_STATUSES } from '../../../../shared/enums.ts';
import { NewsDrawer } from './NewsDrawer.tsx';
import { chinaDateTime, chinaDay } from '../../../../shared/china-time.ts';

const FILTER_KEYS = ['orgId', 'status', 'published'] as const;
const STATUS_COLOR: Record<NewsStatus, string> = { draft: 'default', in_review: 'gold', approved: 'green', returned: 'red' };
export const statusKey = (s: NewsStatus): MsgKey => `news.status.${s}` as MsgKey;

export function NewsStatusTags({ item }: { item: Pick<NewsSummary, 'status' | 'live' | 'withdrawn' | 'version' | 'publishedVersion'> }) {
  const { t } = useI18n();
  return (
    <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
      <Tag color={STATUS_COLOR[item.status]} style={{ marginInlineEnd: 0 }} data-testid="news-status">
        {t(statusKey(item.status))}
      </Tag>
      {item.live && (
        <Tag color="red" bordered={false} style={{ marginInlineEnd: 0 }}>
          {t('news.live')}
        </Tag>
      )}
      {item.withdrawn && <Tag style={{ marginInlineEnd: 0 }}>{t('news.withdrawnTag')}</Tag>}
    </span>
  );
}

/**
 * 新闻发布 (公众号 "闪亮红星"): the news items of the caller's units with their review status, the editor
 * and reviewer in one drawer, and the unit's 通讯员. The tab and the filters live in the address.
 */
export function NewsPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const tab = loc.query.get('tab') === 'editors' ? 'editors' : 'items';
  return (
    <>
      <PageHeader title={t('news.pageTitle')} sub={t('news.pageSub')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(k === 'items' ? '/news' : `/news?tab=${k}`)}
        items={[
          { key: 'items', label: <span data-testid="news-tab-items">{t('news.tab.items')}</span>, children: tab === 'items' ? <ItemsTab /> : null },
          { key: 'editors', label: <span data-testid="news-tab-editors">{t('news.tab.editors')}</span>, children: tab === 'editors' ? <EditorsTab /> : null },
        ]}
      />
    </>
  );
}

function ItemsTab() {
  const { t } = useI18n();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/news', FILTER_KEYS);
  const units = useApi(endpoints.news.units.at());
  // A group leader the unit has not named 通讯员 may draft nothing: say so instead of loading a refused list.
  const noUnits = units.error?.status === 403 || (units.data !== undefined && units.data.items.length === 0);
  const list = useApi(noUnits ? null : endpoints.news.list.at({ ...filters, page, pageSize } as Parameters<typeof endpoints.news.list.at>[0]));
  const [editing, setEditing] = useState<null | { id: string | null }>(null);

  const columns: TableColumnsType<NewsSummary> = [
    {
      title: t('news.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (_: unknown, i) => (
        <a onClick={() => setEditing({ id: i.id })} data-testid={`news-row-${i.id}`} style={{ fontWeight: 500 }} title={i.title}>
          {i.title}
        </a>
      ),
    },
    {
      title: t('news.status'),
      dataIndex: 'status',
      width: 190,
      render: (_: unknown, i) => (
        <Space orientation="vertical" size={2}>
          <NewsStatusTags item={i} />
          {i.live && i.publishedVersion !== null && i.publishedVersion !== i.version && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('news.pendingVersion', { v: i.version, p: i.publishedVersion })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('news.org'), dataIndex: 'orgName', width: 140, ellipsis: true },
    { title: t('news.author'), dataIndex: 'authorName', width: 100, ellipsis: true },
    { title: t('news.version'), dataIndex: 'version', width: 70 },
    { title: t('news.publishedAt'), dataIndex: 'publishedAt', width: 150, render: (_: unknown, i) => (i.publishedAt ? chinaDateTime(new Date(i.publishedAt)) : '—') },
    { title: t('news.updatedAt'), dataIndex: 'updatedAt', width: 150, render: (_: unknown, i) => chinaDateTime(new Date(i.updatedAt)) },
    {
      title: '',
      key: 'lib',
      width: 60,
      render: (_: unknown, i) => (i.inLibrary ? <Tag title={t('news.inLibrary')}>{t('news.inLibrary').slice(0, 3)}</Tag> : null),
    },
  ];

  return (
    <>
      {noUnits && <Typography.Paragraph type="secondary" data-testid="news-no-units">{t('news.noUnits')}</Typography.Paragraph>}
      <FilterBar name="newsFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <Form.Item label={t('news.org')} htmlFor="nf-org">
          <Select
            id="nf-org"
            allowClear
            placeholder={t('common.all')}
            value={filters.orgId ?? null}
            onChange={(v: string | null) => setFilter({ orgId: v })}
            style={{ width: 180 }}
            options={(units.data?.items ?? []).map((u) => ({ value: u.orgId, label: u.orgName }))}
          />
        </Form.Item>
        <Form.Item label={t('news.status')} htmlFor="nf-status">
          <Select
            id="nf-status"
            allowClear
            placeholder={t('common.all')}
            value={filters.status ?? null}
            onChange={(v: string | null) => setFilter({ status: v })}
            style={{ width: 120 }}
            options={NEWS_STATUSES.map((s) => ({ value: s, label: t(statusKey(s)) }))}
            data-testid="news-filter-status"
          />
        </Form.Item>
        <Form.Item label={t('news.published')} htmlFor="nf-published">
          <Select
            id="nf-published"
            allowClear
            placeholder={t('common.all')}
            value={filters.published ?? null}
            onChange={(v: string | null) => setFilter({ published: v })}
            style={{ width: 110 }}
            options={[
              { value: 'yes', label: t('news.published.yes') },
              { value: 'no', label: t('news.published.no') },
            ]}
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setEditing({ id: null })} disabled={!units.data?.items.length} data-testid="new-news">
            {t('news.create')}
          </Button>
        </Form.Item>
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="news-table">
          <Table<NewsSummary>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('news.empty')} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 1000 }}
          />
        </div>
      </Card>
      {editing && (
        <NewsDrawer
          id={editing.id}
          units={units.data?.items ?? []}
          defaultOrgId={filters.orgId}
          onClose={() => setEditing(null)}
          onCreated={(id) => setEditing({ id })}
        />
      )}
    </>
  );
}

function EditorsTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const units = useApi(endpoints.news.units.at());
  const reviewable = (units.data?.items ?? []).filter((u) => u.review);
  const [orgId, setOrgId] = useState<string | null>(null);
  const org = orgId ?? reviewable[0]?.orgId ?? null;
  const editors = useApi(org ? endpoints.news.editors.at({ orgId: org }) : null);
  const [pick, setPick] = useState<string | null>(null);
  const add = useApiMutation((accountId: string) => endpoints.news.addEditor({ orgId: org ?? '', accountId }), { changes: ['news'] });
  const remove = useApiMutation((accountId: string) => endpoints.news.removeEditor({ orgId: org ?? '', accountId }), { changes: ['news'] });

  const doAdd = async () => {
    if (!pick) return;
    try {
      await add.mutateAsync(pick);
      setPick(null);
      editors.reload();
      void message.success(t('common.saved'));
    } catch (e) {
      showError(e);
    }
  };
  const doRemove = async (accountId: string) => {
    try {
      await remove.mutateAsync(accountId);
      editors.reload();
    } catch (e) {
      showError(e);
    }
  };

  return (
    <Card>
      <Typography.Paragraph type="secondary">{t('news.editors.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label={t('news.editors.org')}
          value={org}
          onChange={(v: string) => setOrgId(v)}
          style={{ width: 220 }}
          placeholder={t('news.editors.pickOrg')}
          options={reviewable.map((u) => ({ value: u.orgId, label: u.orgName }))}
          data-testid="news-editors-org"
        />
        <Select
          aria-label={t('news.editors.pick')}
          value={pick}
          onChange={(v: string) => setPick(v)}
          style={{ width: 240 }}
          placeholder={t('news.editors.pick')}
          notFoundContent={t('news.editors.noCandidates')}
          options={(editors.data?.candidates ?? []).map((c) => ({ value: c.accountId, label: `${c.name}（${c.phone}）` }))}
          data-testid="news-editors-pick"
        />
        <Button type="primary" onClick={() => void doAdd()} disabled={!pick} loading={add.isPending} data-testid="news-editors-add">
          {t('news.editors.add')}
        </Button>
      </Space>
      <Table
        rowKey="accountId"
        size="middle"
        loading={editors.loading}
        dataSource={editors.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('news.editors.empty')} /> }}
        columns={[
          { title: t('news.editors.name'), dataIndex: 'name' },
          { title: t('news.editors.phone'), dataIndex: 'phone', width: 140 },
          { title: t('news.editors.grantedAt'), dataIndex: 'grantedAt', width: 150, render: (v: string) => chinaDay(new Date(v)) },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, e: { accountId: string }) => (
              <Popconfirm title={t('news.editors.removeConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => void doRemove(e.accountId)}>
                <Button size="small" type="link" danger>
                  {t('news.editors.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
