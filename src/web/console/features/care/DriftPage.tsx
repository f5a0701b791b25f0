import { CarOutlined, CheckCircleOutlined, EditOutlined, EyeOutlined, FileAddOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Form, Result, Row, Segmented, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, useState, type HTMLAttributes } from 'react';
import { CareTaskCreateModal, type CareTaskPreset } from './CareTaskCreateModal.tsx';
import { CareTaskDrawer } from './CareTaskDrawer.tsx';
import { DRIFT_REASONS, DRIFT_REASON_COLORS, DRIFT_REASON_KEYS, DriftLevelTag } from './labels.tsx';
import { TalkFormDrawer } from '../talks/TalkFormDrawer.tsx';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import type { DriftReasonKind, DriftRow } from '../../types.ts';

const Chart = lazy(() => import('../../components/Chart.tsx'));

const FILTER_KEYS = ['orgId', 'mobile', 'reason'] as const;
const REASON_BAR_COLORS: Record<DriftReasonKind, string> = {
  no_talk: '#fa8c16',
  reading_falling: '#faad14',
  not_reading: '#d4b106',
  absences: '#fa541c',
  inactive_app: '#8c8c8c',
  lost_contact_suspected: '#f5222d',
  lost_contact: '#a8071a',
  no_share: '#13c2c2',
};

/** What a task opened from the radar is about: a lost contact asks to confirm it, anything else to follow up. */
function taskPreset(r: DriftRow): CareTaskPreset {
  const lost = r.reasons.some((x) => x.kind === 'lost_contact' || x.kind === 'lost_contact_suspected');
  return { member: { id: r.memberId, name: r.name }, kind: lost ? 'lost_contact' : 'follow_up', reason: r.reasons.map((x) => x.text).join('；').slice(0, 500) };
}

/** 流失预警: members whose engagement is falling or who have not been in touch, each with the reasons in words. */
export function DriftPage() {
  const { t } = useI18n();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/drift', FILTER_KEYS);
  const mobile = filters.mobile === 'true' || filters.mobile === 'false' ? filters.mobile : undefined;
  const reason = filters.reason && (DRIFT_REASONS as string[]).includes(filters.reason) ? filters.reason : undefined;
  const res = useApi(endpoints.drift.list.at({ orgId: filters.orgId, mobile, reason, page, pageSize }));
  const [talkWith, setTalkWith] = useState<{ id: string; name: string } | null>(null);
  const [taskFor, setTaskFor] = useState<CareTaskPreset | null>(null);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const d = res.data;

  const chartOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.byReason.every((b) => b.members === 0)) return null;
    const rows = DRIFT_REASONS.map((k) => ({ kind: k, members: d.byReason.find((b) => b.kind === k)?.members ?? 0 }));
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => t(DRIFT_REASON_KEYS[r.kind])) },
      series: [
        {
          name: t('drift.chart.members'),
          type: 'bar',
          barMaxWidth: 22,
          label: { show: true, position: 'right' },
          data: rows.map((r) => ({ value: r.members, itemStyle: { color: REASON_BAR_COLORS[r.kind] } })),
        },
      ],
    };
  }, [d, t]);

  const columns: TableColumnsType<DriftRow> = [
    {
      title: t('care.member'),
      dataIndex: 'name',
      width: 130,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <Space size={6} wrap>
            <Link to={`/members/${r.memberId}`} style={{ fontWeight: 500 }}>
              {r.name}
            </Link>
            <DriftLevelTag level={r.level} />
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.orgName}
          </Typography.Text>
          {r.mobile && (
            <Tag color="blue" icon={<CarOutlined aria-hidden />} style={{ marginInlineEnd: 0 }}>
              {r.placeName ?? t('member.mobileTag')}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('drift.reasons'),
      key: 'reasons',
      render: (_: unknown, r) => (
        <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid={`drift-reasons-${r.memberId}`}>
          {r.reasons.map((x) => (
            <li key={x.kind} data-reason={x.kind}>
              <Typography.Text>{x.text}</Typography.Text>{' '}
              <Tag color={DRIFT_REASON_COLORS[x.kind]} style={{ fontSize: 11, lineHeight: '16px', marginInlineEnd: 0 }}>
                {t(DRIFT_REASON_KEYS[x.kind])}
              </Tag>
            </li>
          ))}
        </ul>
      ),
    },
    {
      title: t('care.mentor'),
      dataIndex: 'mentorName',
      width: 100,
      responsive: ['md'],
      render: (_: unknown, r) => r.mentorName ?? <Tag color="red">{t('mentoring.noMentor')}</Tag>,
    },
    {
      title: t('drift.lastContact'),
      dataIndex: 'lastContactOn',
      width: 110,
      responsive: ['md'],
      render: (_: unknown, r) => r.lastContactOn ?? <Typography.Text type="secondary">{t('drift.never')}</Typography.Text>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0} align="start">
          <Button size="small" type="link" icon={<EditOutlined aria-hidden />} onClick={() => setTalkWith({ id: r.memberId, name: r.name })} data-testid={`drift-talk-${r.memberId}`}>
            {t('talk.record')}
          </Button>
          <Button size="small" type="link" icon={<FileAddOutlined aria-hidden />} onClick={() => setTaskFor(taskPreset(r))} data-testid={`drift-task-${r.memberId}`}>
            {t('drift.openTask')}
          </Button>
          <Button size="small" type="link" icon={<EyeOutlined aria-hidden />} onClick={() => navigate(`/members/${r.memberId}?tab=engagement`)} data-testid={`drift-open-${r.memberId}`}>
            {t('drift.openMember')}
          </Button>
        </Space>
      ),
    },
  ];

  const nothing = d && d.total === 0 && !hasFilters;
  return (
    <>
      <PageHeader title={t('drift.pageTitle')} sub={t('drift.pageSub')} />
      <FilterBar name="driftFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="df-org" value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item>
          <Segmented
            value={mobile ?? 'all'}
            onChange={(v) => setFilter({ mobile: v === 'all' ? null : String(v) })}
            options={[
              { value: 'all', label: t('common.all') },
              { value: 'true', label: t('coverage.part.mobile') },
              { value: 'false', label: t('coverage.part.local') },
            ]}
            data-testid="drift-mobile"
          />
        </Form.Item>
        <Form.Item label={t('drift.reason')} htmlFor="df-reason">
          <Select
            id="df-reason"
            allowClear
            placeholder={t('common.all')}
            value={reason ?? null}
            onChange={(v: string | null) => setFilter({ reason: v })}
            style={{ width: 160 }}
            options={DRIFT_REASONS.map((k) => ({ value: k, label: t(DRIFT_REASON_KEYS[k]) }))}
            data-testid="drift-reason"
          />
        </Form.Item>
      </FilterBar>
      {res.error && <Alert type="error" showIcon title={res.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      {res.loading && !d ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : nothing ? (
        <Card data-testid="drift-empty">
          <Result icon={<CheckCircleOutlined style={{ color: '#52c41a' }} aria-hidden />} title={t('drift.emptyTitle')} subTitle={t('drift.emptyHint', { n: d.members })} />
        </Card>
      ) : d ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={8}>
            <Card title={t('drift.chartTitle')} extra={<Typography.Text type="secondary">{t('drift.atRisk', { n: d.total, members: d.members })}</Typography.Text>}>
              {chartOption ? (
                <Suspense fallback={<Skeleton active />}>
                  <Chart option={chartOption} height={260} ariaLabel={t('drift.chartTitle')} />
                </Suspense>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={16}>
            <Card title={t('drift.listTitle')} extra={<Typography.Text type="secondary">{t('drift.listHint')}</Typography.Text>} styles={{ body: { padding: 0 } }}>
              <div data-testid="drift-table">
                <Table<DriftRow>
                  rowKey="memberId"
                  size="middle"
                  columns={columns}
                  dataSource={d.items}
                  loading={res.loading}
                  onRow={(r) => ({ 'data-testid': `drift-row-${r.name}` }) as HTMLAttributes<HTMLElement>}
                  rowClassName={(r) => (r.level === 'high' ? 'lx-row-high' : '')}
                  locale={{ emptyText: <Empty description={t('common.emptyFiltered')} /> }}
                  pagination={pagination(d.total)}
                  scroll={{ x: 720 }}
                />
              </div>
            </Card>
          </Col>
        </Row>
      ) : null}
      <TalkFormDrawer
        open={!!talkWith}
        member={talkWith}
        onClose={() => setTalkWith(null)}
        onSaved={() => {
          setTalkWith(null);
          res.reload();
        }}
      />
      <CareTaskCreateModal
        open={!!taskFor}
        {...(taskFor ? { preset: taskFor } : {})}
        onClose={() => setTaskFor(null)}
        onCreated={(task) => {
          setTaskFor(null);
          res.reload();
          setOpenTask(task.id);
        }}
        onOpenExisting={(id) => {
          setTaskFor(null);
          setOpenTask(id);
        }}
      />
      <CareTaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} />
      <style>{`.lx-row-high td:first-child{box-shadow:inset 3px 0 0 #cf1322}`}</style>
    </>
  );
}
