import { ArrowLeftOutlined, EditOutlined, StopOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Empty, Result, Row, Segmented, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, useState } from 'react';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { PUSH_STATUS_COLORS, PUSH_STATUS_KEYS, StudyKindTag, audienceText, percentText } from '../../components/learning.tsx';
import { PushFormModal } from './PushFormModal.tsx';
import { ChannelReport } from '../group-kit/ChannelReport.tsx';
import { GroupKitButton } from '../group-kit/GroupKitDialog.tsx';
import { useApi, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { PushRecipient } from '../../types.ts';

const Chart = lazy(() => import('../../components/Chart.tsx'));

type ReadState = 'read' | 'opened' | 'unread';
const readState = (r: PushRecipient): ReadState => (r.readAt ? 'read' : r.openedAt ? 'opened' : 'unread');
const STATE_ORDER: Record<ReadState, number> = { unread: 0, opened: 1, read: 2 };

export function PushPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.pushes.get.at({ id }));
  const [editing, setEditing] = useState(false);
  const [filter, setFilter] = useState<'all' | ReadState>('all');
  const p = res.data;

  const funnel = useMemo<EChartsCoreOption | null>(() => {
    if (!p || p.stats.delivered === 0) return null;
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c}' },
      series: [
        {
          type: 'funnel',
          name: t('push.stats'),
          left: '10%',
          width: '80%',
          sort: 'none',
          minSize: '20%',
          label: { show: true, position: 'inside', formatter: '{b} {c}' },
          data: [
            { name: t('push.delivered'), value: p.stats.delivered, itemStyle: { color: '#91caff' } },
            { name: t('push.opened'), value: p.stats.opened, itemStyle: { color: '#1677ff' } },
            { name: t('push.read'), value: p.stats.read, itemStyle: { color: '#52c41a' } },
          ],
        },
      ],
    };
  }, [p, t]);

  const recipients = useMemo(() => {
    const rows = [...(p?.recipients ?? [])].sort((a, b) => STATE_ORDER[readState(a)] - STATE_ORDER[readState(b)] || a.name.localeCompare(b.name, 'zh-CN'));
    return filter === 'all' ? rows : rows.filter((r) => readState(r) === filter);
  }, [p, filter]);

  if (res.loading && !p) return <Card><Skeleton active paragraph={{ rows: 8 }} /></Card>;
  if (res.error || !p) {
    const notFound = res.error?.status === 404;
    return (
      <Result
        status={notFound ? '404' : res.error?.status === 403 ? '403' : 'warning'}
        title={notFound ? t('push.notFound') : res.error?.message || t('error.generic')}
        extra={
          <Link to="/pushes">
            <Button type="primary">{t('push.backToList')}</Button>
          </Link>
        }
      />
    );
  }

  const cancel = () =>
    modal.confirm({
      title: t('push.cancelConfirmTitle'),
      content: t('push.cancelConfirmBody'),
      okText: t('push.cancelPush'),
      okButtonProps: { danger: true },
      cancelText: t('common.back'),
      onOk: async () => {
        try {
          await endpoints.pushes.cancel({ id: p.id });
          void message.success(t('push.cancelled'));
          res.reload();
        } catch (e) {
          showError(e);
        }
      },
    });

  const columns: TableColumnsType<PushRecipient> = [
    {
      title: t('member.name'),
      dataIndex: 'name',
      width: 120,
      render: (_: unknown, r) => (
        <Link to={`/members/${r.memberId}`} data-testid={`recipient-${r.memberId}`}>
          {r.name}
        </Link>
      ),
    },
    { title: t('member.org'), dataIndex: 'orgName', ellipsis: true },
    { title: t('coverage.mobileCol'), dataIndex: 'mobile', width: 90, render: (_: unknown, r) => (r.mobile ? <Tag color="blue">{t('member.mobileTag')}</Tag> : <Tag>{t('member.localTag')}</Tag>) },
    {
      title: t('push.readState'),
      key: 'state',
      width: 150,
      render: (_: unknown, r) => {
        const s = readState(r);
        return (
          <Space size={4}>
            {s === 'read' ? <Tag color="green">{t('push.read')}</Tag> : s === 'opened' ? <Tag color="blue">{t('push.opened')}</Tag> : <Tag color="red">{t('push.unread')}</Tag>}
            {r.remindedAt && s !== 'read' && <Tag color="orange">{t('push.reminded')}</Tag>}
          </Space>
        );
      },
    },
    { title: t('push.openedAt'), dataIndex: 'openedAt', width: 150, render: (_: unknown, r) => (r.openedAt ? dayjs(r.openedAt).format('MM-DD HH:mm') : '—') },
    { title: t('push.readAt'), dataIndex: 'readAt', width: 150, render: (_: unknown, r) => (r.readAt ? dayjs(r.readAt).format('MM-DD HH:mm') : '—') },
  ];

  const planned = p.status === 'planned';
  const { delivered, opened, read } = p.stats;
  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Link to="/pushes">
          <ArrowLeftOutlined aria-hidden /> {t('push.backToList')}
        </Link>
      </div>
      <PageHeader
        title={
          <Space>
            <span data-testid="push-title-text">{p.title}</span>
            <Tag color={PUSH_STATUS_COLORS[p.status]} data-testid="push-status">
              {t(PUSH_STATUS_KEYS[p.status])}
            </Tag>
          </Space>
        }
        extra={
          planned && (
            <>
              <Button icon={<EditOutlined aria-hidden />} onClick={() => setEditing(true)} data-testid="edit-push">
                {t('common.edit')}
              </Button>
              <Button danger icon={<StopOutlined aria-hidden />} onClick={cancel} data-testid="cancel-push">
                {t('push.cancelPush')}
              </Button>
            </>
          )
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={t('push.section.plan')} style={{ height: '100%' }} extra={p.status !== 'cancelled' && <GroupKitButton sourceKind="push" sourceId={p.id} orgId={p.orgId} />}>
            <Descriptions
              column={{ xs: 1, md: 2 }}
              size="small"
              items={[
                { key: 'at', label: t('push.plannedAt'), children: dayjs(p.plannedAt).format('YYYY-MM-DD HH:mm') },
                { key: 'org', label: t('push.org'), children: p.orgName },
                { key: 'audience', label: t('push.audience'), children: `${audienceText(t, p.audience)}${p.audience === 'list' ? ` · ${t('push.memberCount', { n: p.memberIds.length })}` : ''}` },
              ]}
            />
            <Typography.Text type="secondary">{t('push.items')}</Typography.Text>
            <ul style={{ paddingInlineStart: 20, marginTop: 6 }}>
              {p.items.map((i) => (
                <li key={i.id}>
                  <Space size={6}>
                    <StudyKindTag kind={i.kind} />
                    <span>{i.title}</span>
                    <Typography.Text type="secondary">{t('study.minutesN', { n: i.minutes })}</Typography.Text>
                  </Space>
                </li>
              ))}
            </ul>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('push.stats')} style={{ height: '100%' }}>
            <Row gutter={8} style={{ marginBottom: 8 }}>
              <Col span={8}>
                <Statistic title={t('push.delivered')} value={delivered} data-testid="push-delivered" />
              </Col>
              <Col span={8}>
                <Statistic title={t('push.opened')} value={opened} suffix={<Typography.Text type="secondary" style={{ fontSize: 13 }}>{delivered ? percentText(opened / delivered) : ''}</Typography.Text>} data-testid="push-opened" />
              </Col>
              <Col span={8}>
                <Statistic title={t('push.read')} value={read} suffix={<Typography.Text type="secondary" style={{ fontSize: 13 }}>{delivered ? percentText(read / delivered) : ''}</Typography.Text>} data-testid="push-read" />
              </Col>
            </Row>
            {funnel ? (
              <Suspense fallback={<Skeleton active />}>
                <Chart option={funnel} height={200} ariaLabel={t('push.statsTip', p.stats)} />
              </Suspense>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={planned ? t('push.notYet') : t('push.notDelivered')} />
            )}
          </Card>
        </Col>
        {p.status === 'delivered' && (
          <Col span={24}>
            <ChannelReport sourceKind="push" sourceId={p.id} />
          </Col>
        )}
        <Col span={24}>
          <Card
            title={t('push.recipients')}
            extra={
              <Segmented
                value={filter}
                onChange={(v) => setFilter(v as 'all' | ReadState)}
                options={[
                  { value: 'all', label: t('common.all') },
                  { value: 'unread', label: t('push.unread') },
                  { value: 'opened', label: t('push.opened') },
                  { value: 'read', label: t('push.read') },
                ]}
              />
            }
            styles={{ body: { padding: 0 } }}
          >
            <div data-testid="push-recipients">
              <Table<PushRecipient>
                rowKey="memberId"
                size="small"
                columns={columns}
                dataSource={recipients}
                locale={{ emptyText: <Empty description={planned ? t('push.notYet') : t('push.noRecipients')} /> }}
                pagination={recipients.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
                scroll={{ x: 760 }}
              />
            </div>
          </Card>
        </Col>
      </Row>
      <PushFormModal
        open={editing}
        push={p}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          res.reload();
        }}
      />
    </>
  );
}
