import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Col, Empty, Progress, Row, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo } from 'react';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { addDays } from '../../../../shared/china-time.ts';
import { chinaTodayString } from '../../china-day.ts';
import type { ChannelHealth, HealthChannel, OutboxFailure, RobotHealth } from '../../../../shared/api-robots.ts';
import { HEALTH_CHANNELS } from '../../../../shared/enums.ts';
import { KIND_COLOR, at } from './labels.ts';

const Chart = lazy(() => import('../../components/Chart.tsx'));

const CHANNEL_COLOR: Record<HealthChannel, string> = { sms: '#fa8c16', webpush: '#13c2c2', wecom: '#52c41a', dingtalk: '#1677ff', feishu: '#722ed1' };

/** A robot works when its latest word is a success, it is on and not throttled. */
const robotOk = (r: RobotHealth): boolean => r.enabled && !r.blockedUntil && !(r.lastErrorAt && (!r.lastSuccessAt || r.lastErrorAt > r.lastSuccessAt));

/**
 * 渠道健康: whether each way of reaching members works — every group robot (its last success and
 * error, what it sent today, this minute against the service's limit, a throttle), the SMS service,
 * Web Push and the outbox's waiting and failed notices with their reasons; a chart of what went out
 * per day and channel.
 */
export function HealthPanel({ orgId }: { orgId: string | undefined }) {
  const { t } = useI18n();
  const res = useApi(endpoints.robots.health.at(orgId ? { orgId } : {}), { refetchInterval: 30_000 });
  const h = res.data;

  const chart = useMemo<EChartsCoreOption | null>(() => (h ? dailyChart(h, (c) => t(`health.channel.${c}`)) : null), [h, t]);

  if (!h) return <Skeleton active />;
  const okCount = h.robots.filter(robotOk).length;

  const robotColumns: TableColumnsType<RobotHealth> = [
    {
      title: t('health.col.robot'),
      key: 'robot',
      render: (_: unknown, r) => (
        <Space direction="vertical" size={0}>
          <Space size={4}>
            <Badge status={robotOk(r) ? 'success' : r.enabled ? 'error' : 'default'} />
            <Typography.Text strong>{r.name}</Typography.Text>
            <Tag color={KIND_COLOR[r.kind]}>{t(`robots.kind.${r.kind}`)}</Tag>
          </Space>
          <Typography.Text type="secondary">{r.orgName}</Typography.Text>
        </Space>
      ),
    },
    { title: t('health.col.sentToday'), dataIndex: 'sentToday', width: 100, align: 'right' },
    {
      title: t('health.col.minute'),
      key: 'minute',
      width: 170,
      render: (_: unknown, r) => (
        <Space direction="vertical" size={0} style={{ width: 150 }}>
          <Progress percent={Math.round((100 * r.lastMinute) / r.perMinute)} size="small" status={r.lastMinute >= r.perMinute ? 'exception' : 'normal'} format={() => `${r.lastMinute}/${r.perMinute}`} />
          {r.blockedUntil && <Tag color="orange">{t('health.blocked', { time: at(r.blockedUntil) })}</Tag>}
          {!r.enabled && <Tag>{t('health.off')}</Tag>}
        </Space>
      ),
    },
    { title: t('health.col.lastSuccess'), key: 'ok', width: 150, render: (_: unknown, r) => at(r.lastSuccessAt) },
    {
      title: t('health.col.lastError'),
      key: 'err',
      render: (_: unknown, r) =>
        r.lastErrorAt ? (
          <Space direction="vertical" size={0}>
            <Typography.Text type="secondary">{at(r.lastErrorAt)}</Typography.Text>
            <Typography.Text type="danger" ellipsis={{ tooltip: r.lastError }} style={{ maxWidth: 320 }}>
              {r.lastError}
            </Typography.Text>
          </Space>
        ) : (
          '—'
        ),
    },
  ];

  const failureColumns: TableColumnsType<OutboxFailure> = [
    { title: t('health.col.channel'), dataIndex: 'channel', width: 120, render: (_: unknown, f) => <Tag color={CHANNEL_COLOR[f.channel]}>{t(`health.channel.${f.channel}`)}</Tag> },
    { title: t('health.col.error'), dataIndex: 'error', render: (_: unknown, f) => <Typography.Text type="danger">{f.error || '—'}</Typography.Text> },
    { title: t('health.col.count'), dataIndex: 'count', width: 80, align: 'right' },
    { title: t('health.col.lastAt'), dataIndex: 'lastAt', width: 150, render: (_: unknown, f) => at(f.lastAt) },
  ];

  return (
    <div data-testid="channel-health">
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
        <Button icon={<ReloadOutlined aria-hidden />} loading={res.loading} onClick={res.reload}>
          {t('health.refresh')}
        </Button>
      </div>
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('health.robots')} data-testid="health-robots">
            <Typography.Text>{t('health.robotsSummary', { ok: okCount, bad: h.robots.length - okCount })}</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('health.sms')} data-testid="health-sms">
            {h.sms ? (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{t(`health.smsKind.${h.sms.kind}`)}</Typography.Text>
                <Typography.Text>{t('health.smsToday', { n: h.sms.sentToday, cap: h.sms.dailyCap })}</Typography.Text>
                {h.sms.lastSuccessAt && <Typography.Text type="secondary">{t('health.lastSuccess', { time: at(h.sms.lastSuccessAt) })}</Typography.Text>}
                {h.sms.lastErrorAt && (
                  <Typography.Text type="danger" ellipsis={{ tooltip: h.sms.lastError }}>
                    {t('health.lastError', { time: at(h.sms.lastErrorAt) })} {h.sms.lastError}
                  </Typography.Text>
                )}
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('health.smsNone')}</Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('health.webPush')} data-testid="health-webpush">
            <Typography.Text>{t('health.webPushLine', { subs: h.webPush.subscriptions, sent: h.webPush.sentToday, failed: h.webPush.failures })}</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('health.outbox')} data-testid="health-outbox">
            <Typography.Text type={h.outbox.failed24h > 0 ? 'danger' : undefined}>{t('health.outboxLine', { pending: h.outbox.pending, failed: h.outbox.failed24h })}</Typography.Text>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('health.robots')} style={{ marginBottom: 16 }}>
        <Table<RobotHealth> rowKey="id" size="small" columns={robotColumns} dataSource={h.robots} pagination={false} scroll={{ x: 900 }} locale={{ emptyText: <Empty description={t('robots.empty')} /> }} data-testid="health-robot-table" />
      </Card>
      <Card size="small" title={t('health.chartTitle')} style={{ marginBottom: 16 }}>
        {chart ? (
          <Suspense fallback={<Skeleton active />}>
            <Chart option={chart} height={260} ariaLabel={t('health.chartAria')} />
          </Suspense>
        ) : (
          <Empty description={t('health.chartEmpty')} />
        )}
      </Card>
      <Card size="small" title={t('health.failuresTitle')}>
        <Table<OutboxFailure>
          rowKey={(f) => `${f.channel}/${f.error}`}
          size="small"
          columns={failureColumns}
          dataSource={h.outbox.failures}
          pagination={false}
          locale={{ emptyText: <Empty description={t('health.failuresEmpty')} /> }}
          data-testid="health-failures"
        />
      </Card>
    </div>
  );
}

/** Stacked bars: one per China day of the last 14, one colour per channel; null when nothing went out. */
function dailyChart(h: ChannelHealth, label: (c: HealthChannel) => string): EChartsCoreOption | null {
  if (h.daily.every((d) => d.sent === 0)) return null;
  const last = h.daily.reduce((m, d) => (d.day > m ? d.day : m), chinaTodayString());
  const days = Array.from({ length: 14 }, (_, i) => addDays(last, i - 13));
  const channels = HEALTH_CHANNELS.filter((c) => h.daily.some((d) => d.channel === c && d.sent > 0));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: channels.map((c) => ({
      type: 'bar',
      stack: 'sent',
      name: label(c),
      itemStyle: { color: CHANNEL_COLOR[c] },
      barMaxWidth: 28,
      data: days.map((day) => h.daily.find((d) => d.day === day && d.channel === c)?.sent ?? 0),
    })),
  };
}
