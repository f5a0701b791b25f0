import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Form, Input, Modal, Space, Table, Tag } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { Campaign } from '../../../../shared/api-donations.ts';
import { endpoints } from '../../api.ts';
import { chinaToday } from '../../china-day.ts';
import { FilterBar, OrgFilter, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { applyFormIssues, useApi, useOrgs, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { LedgerDrawer } from './LedgerDrawer.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';
import { yuanText } from './yuan.ts';

const FILTER_KEYS = ['orgId', 'campaign'] as const;

interface CampaignForm {
  orgId: string;
  title: string;
  purpose?: string;
  startsOn: Dayjs;
  endsOn?: Dayjs | null;
}

/** 捐款捐物: the campaigns of the secretary's units with 收入 / 支出 / 结余; a campaign's ledger opens in a drawer. */
export function DonationsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const { filters, setFilter, setQuery } = useUrlList('/donations', FILTER_KEYS);
  const list = useApi(endpoints.donations.list.at(filters.orgId ? { orgId: filters.orgId } : {}));
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<CampaignForm>();

  const openCreate = () => {
    form.setFieldsValue({ orgId: filters.orgId ?? orgs.data?.items[0]?.id, title: '', purpose: '', startsOn: chinaToday(), endsOn: null });
    setCreating(true);
  };
  const create = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const c = await endpoints.donations.create({ orgId: v.orgId, title: v.title, purpose: v.purpose ?? '', startsOn: v.startsOn.format('YYYY-MM-DD'), endsOn: v.endsOn ? v.endsOn.format('YYYY-MM-DD') : null });
      void message.success(t('donation.created'));
      setCreating(false);
      list.reload();
      setFilter({ campaign: c.id });
    } catch (e) {
      if (!applyFormIssues(form, e, ['orgId', 'title', 'purpose', 'startsOn', 'endsOn'])) showError(e);
    } finally {
      setBusy(false);
    }
  };

  const yuan = (fen: number) => yuanText(t, fen);
  const columns: TableColumnsType<Campaign> = [
    { title: t('donation.title'), dataIndex: 'title', render: (_: unknown, c) => <a onClick={() => setFilter({ campaign: c.id })}>{c.title}</a> },
    { title: t('donation.org'), dataIndex: 'orgName', width: 160, ellipsis: true },
    { title: t('donation.startsOn'), dataIndex: 'startsOn', width: 120 },
    { title: t('donation.status'), dataIndex: 'status', width: 100, render: (_: unknown, c) => <Tag color={c.status === 'open' ? 'green' : 'default'}>{t(c.status === 'open' ? 'donation.status.open' : 'donation.status.closed')}</Tag> },
    { title: t('donation.received'), key: 'received', width: 140, align: 'right', render: (_: unknown, c) => yuan(c.totals.receivedFen) },
    { title: t('donation.spent'), key: 'spent', width: 140, align: 'right', render: (_: unknown, c) => yuan(c.totals.spentFen) },
    { title: t('donation.balance'), key: 'balance', width: 140, align: 'right', render: (_: unknown, c) => <strong>{yuan(c.totals.balanceFen)}</strong> },
    {
      title: '',
      key: 'actions',
      width: 110,
      render: (_: unknown, c) => (
        <Button size="small" onClick={() => setFilter({ campaign: c.id })} data-testid={`donation-open-${c.id}`}>
          {t('donation.open')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('donation.pageTitle')}
        sub={t('donation.pageSub')}
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={openCreate} data-testid="donation-new">
            {t('donation.create')}
          </Button>
        }
      />
      <FilterBar name="donationFilters" hasFilters={!!filters.orgId} onReset={() => setQuery({})}>
        <OrgFilter id="df-org" label={t('donation.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
      </FilterBar>
      {list.error && !list.data ? (
        <LoadFailed error={list.error} onReload={list.reload} testId="donation-campaigns-failed" />
      ) : (
        <Card styles={{ body: { padding: 0 } }}>
          <Table<Campaign>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            pagination={false}
            locale={{ emptyText: <Empty description={t('donation.empty')} /> }}
            data-testid="donation-campaigns"
            scroll={{ x: 1000 }}
          />
        </Card>
      )}
      <Modal open={creating} title={t('donation.createTitle')} onCancel={() => setCreating(false)} onOk={() => void create()} confirmLoading={busy} destroyOnHidden forceRender okButtonProps={{ 'data-testid': 'donation-create-ok' } as ButtonProps}>
        <Form form={form} layout="vertical" name="donationCampaign">
          <Form.Item name="orgId" label={t('donation.org')} rules={[{ required: true, message: t('donation.orgRequired') }]}>
            <OrgTreeSelect orgs={orgs.data?.items} />
          </Form.Item>
          <Form.Item name="title" label={t('donation.title')} rules={[{ required: true, whitespace: true, message: t('donation.titleRequired') }, { max: 120 }]}>
            <Input maxLength={120} data-testid="donation-title" />
          </Form.Item>
          <Form.Item name="purpose" label={t('donation.purpose')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
          <Space size="large">
            <Form.Item name="startsOn" label={t('donation.startsOn')} rules={[{ required: true }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="endsOn" label={t('donation.endsOn')}>
              <DatePicker />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <LedgerDrawer campaignId={filters.campaign ?? null} onClose={() => setFilter({ campaign: undefined })} onChanged={() => list.reload()} />
    </>
  );
}
