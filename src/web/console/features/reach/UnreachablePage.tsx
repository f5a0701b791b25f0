import { chinaDay } from '../../../../shared/china-time.ts';
import { CarOutlined, CheckCircleOutlined, EyeOutlined, QrcodeOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Form, Result, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import type { ReachMissing, UnreachableRow } from '../../../../shared/api-reach.ts';
import { REACH_MISSING } from '../../../../shared/enums.ts';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link, navigate } from '../../router.tsx';

const FILTER_KEYS = ['orgId', 'missing'] as const;

export const MISSING_KEYS: Record<ReachMissing, MsgKey> = {
  app: 'reach.missing.app',
  robot: 'reach.missing.robot',
  sms: 'reach.missing.sms',
  webpush: 'reach.missing.webpush',
};
/** 开通情况 of a unit, showing who has not activated the member app: where invitations are sent, one or in bulk. */
const inviteLink = (orgId: string | undefined): string => `/activation?${orgId ? `orgId=${encodeURIComponent(orgId)}&` : ''}status=none`;
const MISSING_COLORS: Record<ReachMissing, string> = { app: 'red', robot: 'orange', sms: 'gold', webpush: 'default' };

/** 联系不上的党员: members no channel reaches who stay away from the app, what each lacks, and where to act. */
export function UnreachablePage() {
  const { t } = useI18n();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/unreachable', FILTER_KEYS);
  const missing = filters.missing && (REACH_MISSING as readonly string[]).includes(filters.missing) ? (filters.missing as ReachMissing) : undefined;
  const res = useApi(endpoints.reach.unreachable.at({ orgId: filters.orgId, missing, page, pageSize }));
  const d = res.data;

  const columns: TableColumnsType<UnreachableRow> = [
    {
      title: t('reach.member'),
      dataIndex: 'name',
      width: 150,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <Link to={`/members/${r.memberId}`} style={{ fontWeight: 500 }}>
            {r.name}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.orgName}
          </Typography.Text>
          {r.mobile && (
            <Tag color="blue" icon={<CarOutlined aria-hidden />} style={{ marginInlineEnd: 0 }}>
              {t('member.mobileTag')}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('reach.missing'),
      key: 'missing',
      render: (_: unknown, r) => (
        <Space size={[4, 4]} wrap data-testid={`reach-missing-${r.memberId}`}>
          {r.missing.map((k) => (
            <Tag key={k} color={MISSING_COLORS[k]} data-missing={k} style={{ marginInlineEnd: 0 }}>
              {t(MISSING_KEYS[k])}
            </Tag>
          ))}
          {r.invitationOpen && <Tag color="processing">{t('reach.invited')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('reach.mentor'),
      key: 'mentor',
      width: 110,
      responsive: ['md'],
      render: (_: unknown, r) => (r.mentor ? <Link to={`/members/${r.mentor.memberId}`}>{r.mentor.name}</Link> : <Tag color="red">{t('reach.noMentor')}</Tag>),
    },
    {
      title: t('reach.lastSeen'),
      dataIndex: 'lastSeenAt',
      width: 130,
      render: (_: unknown, r) => (r.lastSeenAt ? chinaDay(new Date(r.lastSeenAt)) : <Typography.Text type="secondary">{t('reach.never')}</Typography.Text>),
    },
    {
      title: t('reach.actions'),
      key: 'actions',
      width: 130,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={4} align="start">
          {!r.appActivated && (
            <Link to={inviteLink(r.orgId)} data-testid={`reach-invite-${r.memberId}`}>
              <QrcodeOutlined aria-hidden /> {t('reach.inviteHere')}
            </Link>
          )}
          <Button size="small" type="link" icon={<EyeOutlined aria-hidden />} onClick={() => navigate(`/members/${r.memberId}`)} style={{ paddingInline: 0 }} data-testid={`reach-open-${r.memberId}`}>
            {t('reach.openMember')}
          </Button>
        </Space>
      ),
    },
  ];

  const days = d?.unreachableDays ?? 14;
  const nothing = d && d.total === 0 && !hasFilters;
  return (
    <>
      <PageHeader
        title={t('reach.title')}
        sub={t('reach.sub', { n: days })}
        extra={
          <Button icon={<QrcodeOutlined aria-hidden />} onClick={() => navigate(inviteLink(filters.orgId))} data-testid="reach-invite-all">
            {t('reach.inviteAll')}
          </Button>
        }
      />
      <FilterBar name="reachFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="rf-org" value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item label={t('reach.missing')} htmlFor="rf-missing">
          <Select
            id="rf-missing"
            allowClear
            placeholder={t('common.all')}
            value={missing ?? null}
            onChange={(v: string | null) => setFilter({ missing: v })}
            style={{ width: 180 }}
            options={REACH_MISSING.map((k) => ({ value: k, label: `${t(MISSING_KEYS[k])}${d ? ` (${d.byMissing.find((b) => b.kind === k)?.members ?? 0})` : ''}` }))}
            data-testid="reach-missing-filter"
          />
        </Form.Item>
      </FilterBar>
      {res.error && <Alert type="error" showIcon title={res.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      {d?.smsAvailable === false && <Alert type="info" showIcon title={t('reach.smsUnavailable')} style={{ marginBottom: 16 }} data-testid="reach-sms-unavailable" />}
      {res.loading && !d ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : nothing ? (
        <Card data-testid="reach-empty">
          <Result icon={<CheckCircleOutlined style={{ color: '#52c41a' }} aria-hidden />} title={t('reach.emptyTitle')} subTitle={t('reach.emptyHint')} />
        </Card>
      ) : d ? (
        <Card title={t('reach.title')} extra={<Typography.Text type="secondary">{t('reach.count', { n: d.total })}</Typography.Text>} styles={{ body: { padding: 0 } }}>
          <div data-testid="reach-table">
            <Table<UnreachableRow>
              rowKey="memberId"
              size="middle"
              columns={columns}
              dataSource={d.items}
              loading={res.loading}
              onRow={(r) => ({ 'data-testid': `reach-row-${r.name}` }) as HTMLAttributes<HTMLElement>}
              locale={{ emptyText: <Empty description={t('common.emptyFiltered')} /> }}
              pagination={pagination(d.total)}
              scroll={{ x: 720 }}
            />
          </div>
        </Card>
      ) : null}
    </>
  );
}
