import { EditOutlined, SearchOutlined, UserAddOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Form, Input, Row, Segmented, Skeleton, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, useState, type HTMLAttributes } from 'react';
import { MentorAssignModal, type MentorTarget } from './MentorAssignModal.tsx';
import { TalkDueTag, useIsPhone } from '../care/labels.tsx';
import { TalkFormDrawer } from './TalkFormDrawer.tsx';
import { FilterBar, OrgFilter, PageHeader } from '../../components/common.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useUrlList, useUrlSearchText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { MentoringRow } from '../../types.ts';

const Chart = lazy(() => import('../../components/Chart.tsx'));

const FILTER_KEYS = ['orgId', 'scope', 'filter', 'q'] as const;
const MAX_MENTORS_IN_CHART = 20;

interface TileProps {
  id: string;
  title: string;
  value: number | undefined;
  color?: string | undefined;
  onClick?: (() => void) | undefined;
  active?: boolean;
}

/** A summary figure; clicking it filters the list to what it counts. */
function SummaryTile({ id, title, value, color, onClick, active = false }: TileProps) {
  return (
    <Col xs={12} md={6}>
      <Card
        size="small"
        hoverable={!!onClick}
        onClick={onClick}
        style={{ borderColor: active ? (color ?? '#c41d1d') : undefined, cursor: onClick ? 'pointer' : undefined }}
        data-testid={`mentoring-tile-${id}`}
      >
        <Statistic title={title} value={value ?? '—'} styles={{ content: { color: value ? color : undefined } }} />
      </Card>
    </Col>
  );
}

/** 传帮带: every mobile member with their mentor and talk state; members without a mentor come first. */
export function MentoringPage() {
  const { t } = useI18n();
  const phone = useIsPhone();
  const { filters, page, pageSize, hasFilters, setQuery, setFilter, pagination } = useUrlList('/mentoring', FILTER_KEYS);
  const scope = filters.scope === 'all' ? 'all' : 'mobile';
  const filter = filters.filter === 'without_mentor' || filters.filter === 'overdue' ? filters.filter : undefined;
  const res = useApi(endpoints.mentoring.list.at({ orgId: filters.orgId, scope, filter, q: filters.q, page, pageSize }));
  const [search, setSearch] = useUrlSearchText(filters.q, (q) => setFilter({ q }, { replace: true }));
  const [assigning, setAssigning] = useState<MentorTarget | null>(null);
  const [talkWith, setTalkWith] = useState<{ id: string; name: string } | null>(null);
  const d = res.data;

  const chartOption = useMemo<EChartsCoreOption | null>(() => {
    if (!d || d.mentors.length === 0) return null;
    // the server sends the mentors with the most mentees first
    const rows = d.mentors.slice(0, MAX_MENTORS_IN_CHART);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((m) => m.name), axisLabel: { interval: 0, rotate: rows.length > 8 ? 35 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('mentoring.chart.onTime'), type: 'bar', stack: 'mentees', barMaxWidth: 28, data: rows.map((m) => Math.max(0, m.mentees - m.overdue)), itemStyle: { color: '#52c41a' } },
        { name: t('mentoring.chart.overdue'), type: 'bar', stack: 'mentees', data: rows.map((m) => m.overdue), itemStyle: { color: '#ff4d4f' } },
      ],
    };
  }, [d, t]);

  const columns: TableColumnsType<MentoringRow> = [
    {
      title: t('care.member'),
      dataIndex: 'name',
      width: 130,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/members/${r.memberId}`} style={{ fontWeight: 500 }}>
            {r.name}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.phone}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('member.org'), dataIndex: 'orgName', width: 130, ellipsis: true, responsive: ['lg'] },
    {
      title: t('mentoring.place'),
      dataIndex: 'placeName',
      width: 130,
      ellipsis: true,
      responsive: ['md'],
      render: (_: unknown, r) => r.placeName ?? (r.mobile ? '—' : <Tag>{t('member.localTag')}</Tag>),
    },
    {
      title: t('care.mentor'),
      key: 'mentor',
      width: 130,
      render: (_: unknown, r) =>
        r.mentor ? (
          <Space orientation="vertical" size={0}>
            <Link to={`/members/${r.mentor.memberId}`}>{r.mentor.name}</Link>
            {r.mentorSince && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('mentoring.since', { date: r.mentorSince })}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Tag color="red" data-testid={`no-mentor-${r.memberId}`}>
            {t('mentoring.noMentor')}
          </Tag>
        ),
    },
    {
      title: t('mentoring.lastTalk'),
      dataIndex: 'lastTalkOn',
      width: 110,
      render: (_: unknown, r) => r.lastTalkOn ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('mentoring.talkState'),
      key: 'talkDue',
      width: 140,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <TalkDueTag due={r.talkDue} overdueDays={r.overdueDays} testId={`talk-due-${r.memberId}`} />
          {r.nextTalkDue && r.talkDue !== 'overdue' && r.talkDue !== 'never' && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('mentoring.nextDue', { date: r.nextTalkDue })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('mentoring.openTasks'),
      dataIndex: 'openTasks',
      width: 80,
      align: 'right',
      responsive: ['md'],
      render: (_: unknown, r) =>
        r.openTasks > 0 ? (
          <Link to={`/members/${r.memberId}?tab=tasks`}>
            <Typography.Text strong style={{ color: '#d4380d' }}>
              {r.openTasks}
            </Typography.Text>
          </Link>
        ) : (
          <Typography.Text type="secondary">0</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: phone ? 110 : 190,
      ...(phone ? {} : { fixed: 'right' as const }),
      render: (_: unknown, r) => (
        <Space size={0} wrap>
          <Button
            size="small"
            type="link"
            icon={r.mentor ? <UserSwitchOutlined aria-hidden /> : <UserAddOutlined aria-hidden />}
            onClick={() => setAssigning({ memberId: r.memberId, name: r.name, mentor: r.mentor })}
            data-testid={`mentor-assign-${r.memberId}`}
          >
            {r.mentor ? t('member.mentor.change') : t('member.mentor.set')}
          </Button>
          <Button size="small" type="link" icon={<EditOutlined aria-hidden />} onClick={() => setTalkWith({ id: r.memberId, name: r.name })} data-testid={`talk-new-${r.memberId}`}>
            {t('talk.record')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('mentoring.pageTitle')} sub={t('mentoring.pageSub')} />
      <FilterBar name="mentoringFilters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="mf-org" value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
        <Form.Item>
          <Segmented
            value={scope}
            onChange={(v) => setFilter({ scope: v === 'all' ? 'all' : null })}
            options={[
              { value: 'mobile', label: t('mentoring.scope.mobile') },
              { value: 'all', label: t('mentoring.scope.all') },
            ]}
            data-testid="mentoring-scope"
          />
        </Form.Item>
        <Form.Item>
          <Segmented
            value={filter ?? 'any'}
            onChange={(v) => setFilter({ filter: v === 'any' ? null : String(v) })}
            options={[
              { value: 'any', label: t('common.all') },
              { value: 'without_mentor', label: t('mentoring.filter.withoutMentor') },
              { value: 'overdue', label: t('mentoring.filter.overdue') },
            ]}
            data-testid="mentoring-filter"
          />
        </Form.Item>
        <Form.Item>
          <Input
            allowClear
            prefix={<SearchOutlined aria-hidden />}
            placeholder={t('mentoring.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ width: 200 }}
            aria-label={t('mentoring.searchPlaceholder')}
            data-testid="mentoring-search"
          />
        </Form.Item>
      </FilterBar>
      {res.error && <Alert type="error" showIcon title={res.error.message || t('error.generic')} style={{ marginBottom: 16 }} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        <SummaryTile
          id="members"
          title={t(scope === 'all' ? 'mentoring.tile.members' : 'mentoring.tile.mobile')}
          value={d?.summary.members}
          onClick={filter ? () => setFilter({ filter: null }) : undefined}
          active={!filter}
        />
        <SummaryTile
          id="withoutMentor"
          title={t('mentoring.tile.withoutMentor')}
          value={d?.summary.withoutMentor}
          color="#cf1322"
          onClick={() => setFilter({ filter: 'without_mentor' })}
          active={filter === 'without_mentor'}
        />
        <SummaryTile id="overdue" title={t('mentoring.tile.overdue')} value={d?.summary.overdue} color="#d4380d" onClick={() => setFilter({ filter: 'overdue' })} active={filter === 'overdue'} />
        <SummaryTile id="never" title={t('mentoring.tile.never')} value={d?.summary.never} color="#d46b08" />
      </Row>
      <Card title={t('mentoring.chartTitle')} style={{ marginBottom: 16 }}>
        {res.loading && !d ? (
          <Skeleton active />
        ) : chartOption && d ? (
          <>
            <Suspense fallback={<Skeleton active />}>
              <Chart option={chartOption} height={240} ariaLabel={t('mentoring.chartTitle')} />
            </Suspense>
            {d.mentors.length > MAX_MENTORS_IN_CHART && (
              <Tooltip title={d.mentors.slice(MAX_MENTORS_IN_CHART).map((m) => `${m.name} ${m.mentees}`).join('、')}>
                <Typography.Text type="secondary">{t('mentoring.chartMore', { n: d.mentors.length - MAX_MENTORS_IN_CHART })}</Typography.Text>
              </Tooltip>
            )}
          </>
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mentoring.noMentors')} />
        )}
      </Card>
      <Card title={t('mentoring.listTitle')} extra={<Typography.Text type="secondary">{t('mentoring.listHint')}</Typography.Text>} styles={{ body: { padding: 0 } }}>
        <div data-testid="mentoring-table">
          <Table<MentoringRow>
            rowKey="memberId"
            size="middle"
            columns={columns}
            dataSource={d?.items ?? []}
            loading={res.loading}
            onRow={(r) => ({ 'data-testid': `mentoring-row-${r.name}` }) as HTMLAttributes<HTMLElement>}
            rowClassName={(r) => (!r.mentor ? 'lx-row-no-mentor' : r.talkDue === 'overdue' || r.talkDue === 'never' ? 'lx-row-overdue' : '')}
            locale={{ emptyText: <Empty description={res.error ? res.error.message || t('error.generic') : hasFilters ? t('common.emptyFiltered') : t('mentoring.empty')} /> }}
            pagination={pagination(d?.total)}
            scroll={{ x: 900 }}
          />
        </div>
      </Card>
      <MentorAssignModal
        target={assigning}
        onClose={() => setAssigning(null)}
        onSaved={() => {
          setAssigning(null);
          res.reload();
        }}
      />
      <TalkFormDrawer
        open={!!talkWith}
        member={talkWith}
        onClose={() => setTalkWith(null)}
        onSaved={() => {
          setTalkWith(null);
          res.reload();
        }}
      />
      <style>{`.lx-row-no-mentor td:first-child{box-shadow:inset 3px 0 0 #cf1322}.lx-row-overdue td:first-child{box-shadow:inset 3px 0 0 #fa8c16}`}</style>
    </>
  );
}
