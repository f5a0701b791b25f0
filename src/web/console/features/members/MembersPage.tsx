import { DownloadOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Form, Input, Select, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { endpoints, toSearch } from '../../api.ts';
import { FilterBar, genderText, MemberFlags, OrgFilter, PageHeader, StatusTag } from '../../components/common.tsx';
import { MemberFormModal } from './MemberFormModal.tsx';
import { useApi, useRegions, useUrlList, useUrlSearchText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import { useIsSecretary } from '../../session.tsx';
import type { MemberListItem } from '../../types.ts';

const FILTER_KEYS = ['q', 'orgId', 'status', 'mobile', 'province', 'city', 'lostContact', 'shouldTransfer'] as const;

export function MembersPage() {
  const { t } = useI18n();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/members', FILTER_KEYS);
  const regions = useRegions();
  const [creating, setCreating] = useState(false);

  const list = useApi(endpoints.members.list.at({ ...filters, page, pageSize }));

  // the search box commits to the URL after typing pauses
  const [text, setText] = useUrlSearchText(filters.q, (q) => setFilter({ q }, { replace: true }));

  const provinces = regions?.provinces ?? [];
  const cities = provinces.find((p) => p.code === filters.province)?.children ?? [];
  const exportUrl = '/api/members/export' + toSearch(filters);
  // Export and adding members are a secretary's work; a group leader reads their group.
  const secretary = useIsSecretary();

  const columns: TableColumnsType<MemberListItem> = [
    {
      title: t('member.name'),
      dataIndex: 'name',
      width: 110,
      render: (_: unknown, m) => (
        <Link to={`/members/${m.id}`} style={{ fontWeight: 500 }}>
          {m.name}
        </Link>
      ),
    },
    { title: t('member.gender'), dataIndex: 'gender', width: 64, render: (_: unknown, m) => genderText(t, m.gender) },
    { title: t('member.phone'), dataIndex: 'phone', width: 130 },
    { title: t('member.org'), dataIndex: 'orgName', ellipsis: true },
    { title: t('member.status'), dataIndex: 'status', width: 100, render: (_: unknown, m) => <StatusTag status={m.status} /> },
    {
      title: t('member.destination'),
      dataIndex: 'placeName',
      render: (_: unknown, m) => (m.mobile && m.placeName ? m.placeName : <Typography.Text type="secondary">{t('member.notMobile')}</Typography.Text>),
    },
    { title: t('member.mobileSince'), dataIndex: 'mobileSince', width: 120, render: (_: unknown, m) => m.mobileSince ?? '—' },
    {
      title: t('member.flags'),
      key: 'flags',
      width: 180,
      render: (_: unknown, m) => <MemberFlags lostContactSince={m.lostContactSince} lostContactSuspected={m.lostContactSuspected} shouldTransfer={m.shouldTransfer} />,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('members.title')}
        sub={list.data ? t('members.totalHint', { n: list.data.total }) : undefined}
        extra={
          secretary && (
            <>
              <Button icon={<DownloadOutlined aria-hidden />} onClick={() => (window.location.href = exportUrl)}>
                {t('members.export')}
              </Button>
              <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
                {t('members.create')}
              </Button>
            </>
          )
        }
      />
      <FilterBar name="memberFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <Form.Item label={t('members.filter.q')} htmlFor="mf-q">
          <Input
            id="mf-q"
            allowClear
            prefix={<SearchOutlined aria-hidden />}
            placeholder={t('members.filter.qPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            style={{ width: 200 }}
          />
        </Form.Item>
        <OrgFilter id="mf-org" label={t('members.filter.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('members.filter.status')} htmlFor="mf-status">
          <Select
            id="mf-status"
            allowClear
            placeholder={t('common.all')}
            value={filters.status ?? null}
            onChange={(v: string | null) => setFilter({ status: v })}
            style={{ width: 120 }}
            options={[
              { value: 'full', label: t('member.status.full') },
              { value: 'probationary', label: t('member.status.probationary') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('members.filter.mobile')} htmlFor="mf-mobile">
          <Select
            id="mf-mobile"
            allowClear
            placeholder={t('common.all')}
            value={filters.mobile ?? null}
            onChange={(v: string | null) => setFilter({ mobile: v })}
            style={{ width: 120 }}
            options={[
              { value: 'true', label: t('members.filter.mobileYes') },
              { value: 'false', label: t('members.filter.mobileNo') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('members.filter.province')} htmlFor="mf-province">
          <Select
            id="mf-province"
            virtual={false}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('common.all')}
            loading={!regions}
            value={filters.province ?? null}
            onChange={(v: string | null) => setFilter({ province: v, city: null })}
            style={{ width: 150 }}
            options={provinces.map((p) => ({ value: p.code, label: p.name }))}
          />
        </Form.Item>
        <Form.Item label={t('members.filter.city')} htmlFor="mf-city">
          <Select
            id="mf-city"
            virtual={false}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={filters.province ? t('common.all') : t('members.filter.cityFirst')}
            disabled={!filters.province}
            value={filters.city ?? null}
            onChange={(v: string | null) => setFilter({ city: v })}
            style={{ width: 150 }}
            options={cities.map((c) => ({ value: c.code, label: c.name }))}
          />
        </Form.Item>
        <Form.Item>
          <Checkbox checked={filters.lostContact === 'true'} onChange={(e) => setFilter({ lostContact: e.target.checked ? 'true' : null })}>
            {t('members.filter.lostContact')}
          </Checkbox>
        </Form.Item>
        <Form.Item>
          <Checkbox checked={filters.shouldTransfer === 'true'} onChange={(e) => setFilter({ shouldTransfer: e.target.checked ? 'true' : null })}>
            {t('members.filter.shouldTransfer')}
          </Checkbox>
        </Form.Item>
      </FilterBar>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="members-table">
          <Table<MemberListItem>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : hasFilters ? t('members.emptyFiltered') : t('members.empty')} /> }}
            pagination={pagination(list.data?.total)}
            scroll={{ x: 960 }}
          />
        </div>
      </Card>
      <MemberFormModal
        open={creating}
        defaultOrgId={filters.orgId}
        onClose={() => setCreating(false)}
        onSaved={(m) => {
          setCreating(false);
          navigate(`/members/${m.id}`);
        }}
      />
    </>
  );
}
