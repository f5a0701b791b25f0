import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { CampaignFormModal } from './CampaignFormModal.tsx';
import { OccasionTag } from './labels.tsx';
import { useApi, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import type { CampaignSummary } from '../../types.ts';

const FILTER_KEYS = ['orgId'] as const;

const count = (n: number, color?: string) =>
  n > 0 ? (
    <Typography.Text strong style={color ? { color } : undefined}>
      {n}
    </Typography.Text>
  ) : (
    <Typography.Text type="secondary">0</Typography.Text>
  );

/** 节日贺卡: card campaigns of the secretary's units, with how many were opened, posted, delivered, returned. */
export function CardsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/cards', FILTER_KEYS);
  const list = useApi(endpoints.cards.campaigns.at({ ...filters, page, pageSize }));
  const [creating, setCreating] = useState(false);

  const remove = async (c: CampaignSummary) => {
    try {
      await endpoints.cards.removeCampaign({ id: c.id });
      void message.success(t('campaign.deleted'));
      list.reload();
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<CampaignSummary> = [
    {
      title: t('campaign.title'),
      dataIndex: 'title',
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={2}>
          <Link to={`/cards/${c.id}`} style={{ fontWeight: 500 }} data-testid={`campaign-row-${c.id}`}>
            {c.title}
          </Link>
          <OccasionTag occasion={c.occasion} />
        </Space>
      ),
    },
    { title: t('campaign.org'), dataIndex: 'orgName', width: 150, ellipsis: true },
    { title: t('campaign.sendOn'), dataIndex: 'sendOn', width: 110 },
    {
      title: t('campaign.state'),
      key: 'state',
      width: 150,
      render: (_: unknown, c) =>
        c.sentAt ? (
          <Tooltip title={dayjs(c.sentAt).format('YYYY-MM-DD HH:mm')}>
            <Tag color="green" style={{ marginInlineEnd: 0 }}>
              {t('campaign.sent')}
            </Tag>
          </Tooltip>
        ) : (
          <Tag color="blue" style={{ marginInlineEnd: 0 }}>
            {t('campaign.planned')}
          </Tag>
        ),
    },
    { title: t('campaign.recipients'), dataIndex: 'recipients', width: 80, align: 'right' },
    {
      title: t('campaign.opened'),
      dataIndex: 'opened',
      width: 100,
      align: 'right',
      render: (_: unknown, c) => (
        <span>
          {count(c.opened, '#389e0d')}
          <Typography.Text type="secondary"> / {c.recipients}</Typography.Text>
        </span>
      ),
    },
    { title: t('card.post.posted'), dataIndex: 'posted', width: 80, align: 'right', render: (_: unknown, c) => count(c.posted, '#0958d9') },
    { title: t('card.post.delivered'), dataIndex: 'delivered', width: 80, align: 'right', render: (_: unknown, c) => count(c.delivered, '#389e0d') },
    { title: t('card.post.returned'), dataIndex: 'returned', width: 80, align: 'right', render: (_: unknown, c) => count(c.returned, '#cf1322') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_: unknown, c) =>
        c.sentAt ? null : (
          <Popconfirm title={t('campaign.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => remove(c)}>
            <Button size="small" type="link" danger icon={<DeleteOutlined aria-hidden />} data-testid={`campaign-delete-${c.id}`}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('campaign.pageTitle')}
        sub={t('campaign.pageSub')}
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="new-campaign">
            {t('campaign.create')}
          </Button>
        }
      />
      <FilterBar name="campaignFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="cpf-org" label={t('campaign.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v ?? '' })} width={220} />
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="campaigns-table">
          <Table<CampaignSummary>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('campaign.empty')} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 980 }}
          />
        </div>
      </Card>
      <CampaignFormModal
        open={creating}
        prefill={filters.orgId ? { orgId: filters.orgId } : null}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          navigate(`/cards/${c.id}`);
        }}
      />
    </>
  );
}
