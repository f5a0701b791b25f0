import { QuestionCircleOutlined } from '@ant-design/icons';
import { Card, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import type { ChannelFigures, KitSourceKind } from '../../../../shared/api-notify-kit.ts';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';

const CHANNEL_KEYS: Record<ChannelFigures['channel'], MsgKey> = {
  webpush: 'report.channel.webpush',
  sms: 'report.channel.sms',
  wecom: 'report.channel.wecom',
  dingtalk: 'report.channel.dingtalk',
  feishu: 'report.channel.feishu',
};

/** The parts of one channel's bar, in the order a notice goes through them. */
const PARTS = [
  { key: 'delivered', color: '#389e0d', label: 'report.delivered' },
  { key: 'sentOnly', color: '#91caff', label: 'report.sent' },
  { key: 'queued', color: '#d9d9d9', label: 'report.queued' },
  { key: 'cancelled', color: '#bfbfbf', label: 'report.cancelled' },
  { key: 'failed', color: '#cf1322', label: 'report.failed' },
] as const satisfies readonly { key: string; color: string; label: MsgKey }[];

/** A count: greyed when nothing. */
const num = (n: number, color?: string) => (n > 0 ? <span style={color ? { color } : undefined}>{n}</span> : <Typography.Text type="secondary">0</Typography.Text>);

function StackedBar({ c }: { c: ChannelFigures }) {
  const { t } = useI18n();
  const parts = { delivered: c.delivered, sentOnly: c.sent - c.delivered, queued: c.queued, cancelled: c.cancelled, failed: c.failed };
  const total = c.queued + c.sent + c.failed + c.cancelled;
  if (total === 0) return null;
  const label = PARTS.filter((p) => parts[p.key] > 0)
    .map((p) => `${t(p.label)} ${parts[p.key]}`)
    .join(' · ');
  return (
    <div role="img" aria-label={label} title={label} style={{ display: 'flex', height: 10, width: '100%', minWidth: 120, borderRadius: 5, overflow: 'hidden', background: '#f5f5f5' }}>
      {PARTS.map((p) => (parts[p.key] > 0 ? <div key={p.key} style={{ width: `${(parts[p.key] / total) * 100}%`, background: p.color }} /> : null))}
    </div>
  );
}

/**
 * What reached whom through each channel for a push or a class (GET /api/notify/report), shown
 * beside the page's own opened / read figures, which stay the proof that a member saw it.
 */
export function ChannelReport({ sourceKind, sourceId }: { sourceKind: KitSourceKind; sourceId: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.notifyKit.report.at({ sourceKind, sourceId }));
  const r = res.data;
  // Who may not read everyone's figures (a group leader at a class above their group) sees no card.
  if (res.error?.status === 403) return null;

  const columns: TableColumnsType<ChannelFigures> = [
    { title: t('report.channel'), dataIndex: 'channel', width: 130, render: (_: unknown, c) => t(CHANNEL_KEYS[c.channel]) },
    { title: '', key: 'bar', width: 160, render: (_: unknown, c) => <StackedBar c={c} /> },
    { title: t('report.queued'), dataIndex: 'queued', width: 80, align: 'right', render: (n: number) => num(n) },
    { title: t('report.sent'), dataIndex: 'sent', width: 80, align: 'right', render: (n: number) => num(n) },
    { title: t('report.delivered'), dataIndex: 'delivered', width: 80, align: 'right', render: (n: number) => num(n, '#389e0d') },
    { title: t('report.failed'), dataIndex: 'failed', width: 70, align: 'right', render: (n: number) => num(n, '#cf1322') },
    { title: t('report.cancelled'), dataIndex: 'cancelled', width: 80, align: 'right', render: (n: number) => num(n) },
    { title: t('report.opened'), dataIndex: 'opened', width: 100, align: 'right', render: (n: number) => num(n, '#0958d9') },
  ];

  return (
    <Card
      title={
        <Space size={6}>
          {t('report.title')}
          <Tooltip title={t('report.help')}>
            <QuestionCircleOutlined aria-label={t('report.help')} style={{ color: '#8c8c8c' }} />
          </Tooltip>
        </Space>
      }
      loading={res.loading && !r}
      data-testid="channel-report"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('report.help')}
      </Typography.Paragraph>
      {r && r.channels.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('report.empty')} />
      ) : (
        <Table<ChannelFigures>
          rowKey="channel"
          size="small"
          columns={columns}
          dataSource={r?.channels ?? []}
          pagination={false}
          scroll={{ x: 780 }}
          expandable={{
            rowExpandable: (c) => c.errors.length > 0,
            expandedRowRender: (c) => (
              <div>
                <Typography.Text type="secondary">{t('report.errors')}</Typography.Text>
                <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
                  {c.errors.map((e) => (
                    <li key={e.error}>
                      <Typography.Text code>{e.error}</Typography.Text> <Tag>{t('report.errorCount', { n: e.count })}</Tag>
                      {e.at && <Typography.Text type="secondary">{dayjs(e.at).format('MM-DD HH:mm')}</Typography.Text>}
                    </li>
                  ))}
                </ul>
              </div>
            ),
          }}
        />
      )}
      {r && (
        <div style={{ marginTop: 12 }} data-testid="channel-report-marks">
          <Typography.Text type="secondary">{t('report.marks')}</Typography.Text>
          {r.marks.length === 0 ? (
            <Typography.Text type="secondary">{t('report.noMarks')}</Typography.Text>
          ) : (
            <Space size={[8, 4]} wrap>
              {r.marks.map((m) => (
                <Tag key={m.orgId} color="green">
                  {t('report.markLine', { org: m.orgName, name: m.markedBy ?? '', time: dayjs(m.markedAt).format('MM-DD HH:mm') })}
                </Tag>
              ))}
            </Space>
          )}
        </div>
      )}
    </Card>
  );
}
