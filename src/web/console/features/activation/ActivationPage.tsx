import { QrcodeOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Modal, Progress, Row, Segmented, Skeleton, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { endpoints, toSearch, type Query } from '../../api.ts';
import { KindTag, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { useApi, useDebounced, useOrgs, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { DEFAULT_PAGE_SIZE, pagingOf, urlPagination } from '../../components/url-paging.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import type { ActivationStatus, MemberActivationRow, UnitActivation } from '../../../../shared/api-activation.ts';
import { ACTIVATION_STATUSES } from '../../../../shared/enums.ts';
import { InvitationSheet } from './InvitationSheet.tsx';
import { STATUS_COLORS, daysLeft, issueSheet, notActiveIds, type InvitationSheetItem } from './invitations.ts';

dayjs.extend(relativeTime);

const Chart = lazy(() => import('../../components/Chart.tsx'));

const isStatus = (v: string | null): v is ActivationStatus => ACTIVATION_STATUSES.includes(v as ActivationStatus);

/** A member's state as a tag: 已开通 / 已邀请（N 天后过期）/ 未开通. */
export function ActivationTag({ status, expiresAt }: { status: ActivationStatus; expiresAt: string | null }) {
  const { t } = useI18n();
  const left = status === 'invited' && expiresAt ? daysLeft(expiresAt, Date.now()) : null;
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="activation-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`activation.status.${status}`)}
      {left !== null && ` · ${left === 0 ? t('activation.expiresToday') : t('activation.expiresIn', { n: left })}`}
    </Tag>
  );
}

type Sheet = { items: InvitationSheetItem[]; unitName: string };

export function ActivationPage() {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const loc = useLocation();
  const orgs = useOrgs();
  const q = loc.query;
  const orgId = q.get('orgId') ?? undefined;
  const status = isStatus(q.get('status')) ? (q.get('status') as ActivationStatus) : undefined;
  const mobileParam = q.get('mobile');
  const mobile = mobileParam === 'true' || mobileParam === 'false' ? mobileParam : undefined;
  const { page, pageSize } = pagingOf(q);
  const [name, setName] = useState(q.get('q') ?? '');
  const search = useDebounced(name.trim(), 300);

  const filters: Query = { orgId, status, mobile, q: q.get('q') || undefined };
  const res = useApi(endpoints.activation.get.at({ ...filters, page, pageSize }));
  const d = res.data;

  const [selected, setSelected] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const closeSheet = useCallback(() => setSheet(null), []);

  const setQuery = (patch: Query & { page?: number; pageSize?: number }) => {
    const next: Query = { orgId, status, mobile, q: q.get('q') || undefined, pageSize: pageSize !== DEFAULT_PAGE_SIZE ? pageSize : undefined, ...patch };
    if (!patch.page || next.page === 1) delete next.page;
    // another unit: what was ticked belongs to the one before
    if ('orgId' in patch && patch.orgId !== orgId) setSelected([]);
    navigate('/activation' + toSearch(next), { replace: true });
  };

  const root = d?.units[0];

  // the name searched goes into the address once typing pauses, back to page 1
  const searched = q.get('q') ?? '';
  useEffect(() => {
    if (search !== searched) setQuery({ q: search || undefined });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the typed name settles
  }, [search]);

  /** Issues the invitations (one call per 500), then opens the sheet; the count and a spinner meanwhile. */
  const issue = async (memberIds: string[]) => {
    if (!d) return;
    setBusy(t('activation.issuing', { n: memberIds.length }));
    try {
      const items = await issueSheet(d.orgId, memberIds);
      setSelected([]);
      res.reload();
      if (items.length === 0) {
        void message.warning(t('activation.issuedNone'));
        return;
      }
      void message.success(t('activation.issued', { n: items.length }));
      setSheet({ items, unitName: d.orgName });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(null);
    }
  };

  /** Every member of the unit not yet activated (none or invited). */
  const inviteAll = async () => {
    if (!d) return;
    setBusy(t('activation.collecting'));
    let ids: string[];
    try {
      ids = (await notActiveIds(d.orgId)).ids;
    } catch (e) {
      showError(e);
      setBusy(null);
      return;
    }
    setBusy(null);
    if (ids.length === 0) {
      void message.info(t('activation.inviteAllNone'));
      return;
    }
    modal.confirm({
      title: t('activation.inviteAllTitle', { unit: d.orgName }),
      content: t('activation.inviteAllBody', { n: ids.length }),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: () => void issue(ids),
    });
  };

  const chartOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.units.length === 0) return null;
    // the unit's children, or the unit itself when it has none
    const rows = d.units.length > 1 ? d.units.slice(1) : d.units;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: rows.map((u) => u.unitName) },
      series: (
        [
          ['active', '#389e0d'],
          ['invited', '#d48806'],
          ['none', '#bfbfbf'],
        ] as const
      ).map(([s, color]) => ({
        type: 'bar',
        stack: 'members',
        name: t(`activation.status.${s}`),
        data: rows.map((u) => u[s]),
        itemStyle: { color },
        barMaxWidth: 22,
      })),
    };
  }, [d, t]);

  const unitColumns: TableColumnsType<UnitActivation> = [
    {
      title: t('activation.unit'),
      dataIndex: 'unitName',
      render: (_: unknown, u) => (
        <span style={{ paddingInlineStart: u.depth * 16, display: 'inline-flex', gap: 6, alignItems: 'center' }}>
          {u.depth === 0 ? <strong>{u.unitName}</strong> : <a onClick={() => setQuery({ orgId: u.unitId })} title={t('activation.drillDown')}>{u.unitName}</a>}
          <KindTag kind={u.kind} />
        </span>
      ),
    },
    { title: t('activation.members'), dataIndex: 'members', width: 80, align: 'right' },
    { title: t('activation.status.active'), dataIndex: 'active', width: 80, align: 'right', render: (n: number) => <Typography.Text type="success">{n}</Typography.Text> },
    { title: t('activation.status.invited'), dataIndex: 'invited', width: 80, align: 'right', render: (n: number) => <Typography.Text type="warning">{n}</Typography.Text> },
    { title: t('activation.status.none'), dataIndex: 'none', width: 80, align: 'right', render: (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : 0) },
    {
      title: t('activation.activeRate'),
      key: 'rate',
      width: 130,
      render: (_: unknown, u) => (
        <Tooltip title={`${t('activation.status.active')} ${u.active} · ${t('activation.status.invited')} ${u.invited} · ${t('activation.status.none')} ${u.none}`}>
          <Progress
            percent={u.members ? Math.round(((u.active + u.invited) / u.members) * 100) : 0}
            success={{ percent: u.members ? Math.round((u.active / u.members) * 100) : 0 }}
            size="small"
            format={() => `${u.members ? Math.round((u.active / u.members) * 100) : 0}%`}
            data-testid={`activation-rate-${u.unitId}`}
          />
        </Tooltip>
      ),
    },
  ];

  const memberColumns: TableColumnsType<MemberActivationRow> = [
    {
      title: t('activation.name'),
      dataIndex: 'name',
      width: 140,
      render: (_: unknown, m) => (
        <span style={{ display: 'inline-flex', gap: 4, alignItems: 'center' }} data-testid={`activation-member-${m.memberId}`}>
          <Link to={`/members/${m.memberId}`}>{m.name}</Link>
          {m.isMobile && (
            <Tag color="blue" style={{ marginInlineEnd: 0 }}>
              {t('activation.mobileTag')}
            </Tag>
          )}
        </span>
      ),
    },
    { title: t('activation.memberUnit'), dataIndex: 'unitName', width: 160, ellipsis: true },
    { title: t('activation.status'), key: 'status', width: 190, render: (_: unknown, m) => <ActivationTag status={m.status} expiresAt={m.expiresAt} /> },
    {
      title: t('activation.lastSeen'),
      dataIndex: 'lastSeenAt',
      width: 130,
      render: (_: unknown, m) =>
        m.lastSeenAt ? (
          <Tooltip title={dayjs(m.lastSeenAt).format('YYYY-MM-DD HH:mm')}>
            <span>{dayjs(m.lastSeenAt).fromNow()}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">{t('activation.never')}</Typography.Text>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('activation.pageTitle')}
        sub={t('activation.pageSub')}
        extra={
          d?.canInvite && (
            <>
              <Button icon={<SendOutlined aria-hidden />} disabled={selected.length === 0 || !!busy} onClick={() => void issue(selected)} data-testid="invite-selected">
                {t('activation.inviteSelected', { n: selected.length })}
              </Button>
              <Button type="primary" icon={<QrcodeOutlined aria-hidden />} disabled={!!busy || !root || root.active === root.members} onClick={() => void inviteAll()} data-testid="invite-all">
                {t('activation.inviteAll')}
              </Button>
            </>
          )
        }
      />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} name="activationFilters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('activation.unit')} htmlFor="af-org">
            <OrgTreeSelect id="af-org" orgs={orgs.data?.items} value={orgId} onChange={(v) => setQuery({ orgId: v ?? undefined })} style={{ width: 220 }} placeholder={t('activation.unitPlaceholder')} data-testid="activation-org" />
          </Form.Item>
          <Form.Item label={t('activation.statusFilter')}>
            <Segmented
              value={status ?? 'all'}
              onChange={(v) => setQuery({ status: v === 'all' ? undefined : String(v) })}
              options={[{ value: 'all', label: t('common.all') }, ...ACTIVATION_STATUSES.map((s) => ({ value: s, label: t(`activation.status.${s}`) }))]}
              data-testid="activation-status-filter"
            />
          </Form.Item>
          <Form.Item label={t('activation.mobileFilter')}>
            <Segmented
              value={mobile ?? 'all'}
              onChange={(v) => setQuery({ mobile: v === 'all' ? undefined : String(v) })}
              options={[
                { value: 'all', label: t('common.all') },
                { value: 'true', label: t('activation.mobile') },
                { value: 'false', label: t('activation.local') },
              ]}
            />
          </Form.Item>
          <Form.Item label={t('activation.search')} htmlFor="af-q">
            <Input
              id="af-q"
              allowClear
              value={name}
              placeholder={t('activation.searchPlaceholder')}
              onChange={(e) => setName(e.target.value)}
              style={{ width: 160 }}
            />
          </Form.Item>
        </Form>
      </Card>
      {res.error && <Alert type="error" showIcon title={res.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      {d && !d.canInvite && <Alert type="info" showIcon title={t('activation.readOnly')} style={{ marginBottom: 16 }} />}
      {res.loading && !d ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : d ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <Card title={t('activation.byUnit')} styles={{ body: { padding: 0 } }}>
              <div data-testid="activation-units">
                <Table<UnitActivation> rowKey="unitId" size="small" columns={unitColumns} dataSource={d.units} pagination={false} loading={res.loading} scroll={{ x: 'max-content' }} />
              </div>
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card title={t('activation.chartTitle')}>
              {chartOption ? (
                <Suspense fallback={<Skeleton active />}>
                  <Chart option={chartOption} height={Math.max(200, Math.min(480, 48 + (d.units.length - 1) * 36))} ariaLabel={t('activation.chartTitle')} />
                </Suspense>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              )}
            </Card>
          </Col>
          <Col span={24}>
            <Card
              title={t('activation.byMember')}
              extra={<Typography.Text type="secondary">{d.canInvite ? t('activation.selectHint') : t('activation.notActiveFirst')}</Typography.Text>}
              styles={{ body: { padding: 0 } }}
            >
              <div data-testid="activation-members">
                <Table<MemberActivationRow>
                  rowKey="memberId"
                  size="small"
                  columns={memberColumns}
                  dataSource={d.members}
                  loading={res.loading}
                  locale={{ emptyText: <Empty description={t('activation.empty')} /> }}
                  rowSelection={
                    d.canInvite
                      ? {
                          selectedRowKeys: selected,
                          preserveSelectedRowKeys: true,
                          onChange: (keys) => setSelected(keys.map(String)),
                          // an activated member is reset from their own page, one at a time
                          getCheckboxProps: (m) => ({ disabled: m.status === 'active', 'aria-label': m.name }),
                        }
                      : undefined
                  }
                  pagination={urlPagination({ page, pageSize, total: d.total, t, go: setQuery })}
                  scroll={{ x: 640 }}
                />
              </div>
            </Card>
          </Col>
        </Row>
      ) : null}
      <Modal open={!!busy} footer={null} closable={false} centered width={360} data-testid="activation-busy">
        <Space orientation="vertical" align="center" style={{ width: '100%', padding: 16 }}>
          <Spin size="large" />
          <Typography.Text>{busy}</Typography.Text>
        </Space>
      </Modal>
      {sheet && <InvitationSheet items={sheet.items} unitName={sheet.unitName} onClose={closeSheet} />}
    </>
  );
}
