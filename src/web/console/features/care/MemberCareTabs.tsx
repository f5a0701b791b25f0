import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Pagination, Row, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { Suspense, lazy, useCallback, useEffect, useState, type HTMLAttributes, type ReactNode } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { CareTask, Talk, TimelineEvent } from '../../types.ts';
import { CARE_KIND_KEYS } from '../../components/learning.tsx';
import { ItemTags } from '../cards/labels.tsx';
import { CareTaskCreateModal } from './CareTaskCreateModal.tsx';
import { CareTaskDrawer } from './CareTaskDrawer.tsx';
import { CareTaskStatusCell, DRIFT_REASON_COLORS, DRIFT_REASON_KEYS, LoadFailure, TALK_CHANNEL_KEYS, TIMELINE_KIND_COLORS, TIMELINE_KIND_DOTS, TIMELINE_KIND_KEYS } from './labels.tsx';
import { TalkFormDrawer } from '../talks/TalkFormDrawer.tsx';

const EngagementChart = lazy(() => import('./EngagementChart.tsx'));

interface MemberRef {
  memberId: string;
  memberName: string;
}

const when = (at: string): string => (at.length <= 10 ? at : dayjs(at).format('YYYY-MM-DD HH:mm'));

// ---------- 谈心谈话 ----------
const TALKS_PAGE_SIZE = 10;

function TalkCard({ talk, onOpenTask }: { talk: Talk; onOpenTask: (id: string) => void }) {
  const { t } = useI18n();
  const situation: DescriptionsProps['items'] = (
    [
      ['work', talk.work],
      ['family', talk.family],
      ['health', talk.health],
      ['thoughts', talk.thoughts],
    ] as const
  )
    .filter(([, v]) => !!v)
    .map(([k, v]) => ({ key: k, label: t(`talk.${k}`), children: <span style={{ whiteSpace: 'pre-wrap' }}>{v}</span> }));
  return (
    <Card
      size="small"
      title={
        <Space size={8} wrap>
          <span>{talk.talkedOn}</span>
          <Tag style={{ marginInlineEnd: 0 }}>{t(TALK_CHANNEL_KEYS[talk.channel])}</Tag>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {t('talk.by', { name: talk.talkerName })}
          </Typography.Text>
        </Space>
      }
      extra={
        talk.followUpNeeded &&
        (talk.followUpTaskId ? (
          <Button size="small" type="link" onClick={() => onOpenTask(talk.followUpTaskId as string)} data-testid={`talk-task-${talk.id}`}>
            {t('talk.openTask')}
          </Button>
        ) : (
          <Tag color="orange">{t('talk.followUpNeeded')}</Tag>
        ))
      }
    >
      <div data-testid={`talk-${talk.id}`}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: situation.length || talk.concerns ? 8 : 0 }}>{talk.summary}</Typography.Paragraph>
        {situation.length > 0 && <Descriptions size="small" column={{ xs: 1, md: 2 }} items={situation} />}
        {talk.concerns && (
          <Alert type="warning" showIcon={false} style={{ marginTop: 8 }} title={<span style={{ whiteSpace: 'pre-wrap' }}>{t('talk.concernsLine', { text: talk.concerns })}</span>} />
        )}
      </div>
    </Card>
  );
}

/** The member's heart-to-heart talks, newest first (sensitive: the server audits every listing). */
export function MemberTalksTab({ memberId, memberName }: MemberRef) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const res = useApi(endpoints.talks.list.at({ memberId, page, pageSize: TALKS_PAGE_SIZE }));
  const [recording, setRecording] = useState(false);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const forbidden = res.error?.status === 403;
  return (
    <div data-testid="member-talks">
      {!forbidden && (
        <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
          <Button type="primary" icon={<EditOutlined aria-hidden />} onClick={() => setRecording(true)} data-testid="member-talk-new">
            {t('talk.record')}
          </Button>
        </div>
      )}
      {res.error ? (
        <LoadFailure error={res.error} />
      ) : !res.data ? (
        <Skeleton active />
      ) : res.data.items.length === 0 ? (
        <Empty description={t('talk.empty')} />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {res.data.items.map((talk) => (
            <TalkCard key={talk.id} talk={talk} onOpenTask={setOpenTask} />
          ))}
          {res.data.total > TALKS_PAGE_SIZE && (
            <Pagination align="center" current={page} pageSize={TALKS_PAGE_SIZE} total={res.data.total} onChange={setPage} showSizeChanger={false} />
          )}
        </Space>
      )}
      <TalkFormDrawer
        open={recording}
        member={{ id: memberId, name: memberName }}
        onClose={() => setRecording(false)}
        onSaved={() => {
          setRecording(false);
          setPage(1);
          res.reload();
        }}
      />
      <CareTaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} />
    </div>
  );
}

// ---------- 跟进任务 ----------
/** Every care task about the member (all states), with the task drawer and a new task. */
export function MemberTasksTab({ memberId, memberName }: MemberRef) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const res = useApi(endpoints.careTasks.list.at({ memberId, page, pageSize: 20 }));
  const [creating, setCreating] = useState(false);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const forbidden = res.error?.status === 403;
  const columns: TableColumnsType<CareTask> = [
    { title: t('care.kind'), dataIndex: 'kind', width: 100, render: (_: unknown, c) => <Tag style={{ marginInlineEnd: 0 }}>{t(CARE_KIND_KEYS[c.kind])}</Tag> },
    { title: t('care.reason'), dataIndex: 'reason', render: (_: unknown, c) => <Typography.Paragraph style={{ marginBottom: 0 }} ellipsis={{ rows: 2, tooltip: c.reason }}>{c.reason}</Typography.Paragraph> },
    { title: t('care.assignee'), key: 'assignee', width: 100, responsive: ['md'], render: (_: unknown, c) => c.assignee?.name ?? <Tag color="gold">{t('care.secretaries')}</Tag> },
    {
      title: t('care.dueOn'),
      dataIndex: 'dueOn',
      width: 110,
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text type={c.overdue ? 'danger' : undefined}>{c.dueOn}</Typography.Text>
          {c.overdue && <Tag color="red">{t('care.overdue')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('care.status'),
      dataIndex: 'status',
      width: 120,
      render: (_: unknown, c) => <CareTaskStatusCell task={c} />,
    },
  ];
  return (
    <div data-testid="member-tasks">
      {!forbidden && (
        <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
          <Button icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="member-task-new">
            {t('care.new')}
          </Button>
        </div>
      )}
      {res.error ? (
        <LoadFailure error={res.error} />
      ) : (
        <Table<CareTask>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={res.data?.items ?? []}
          loading={res.loading}
          onRow={(c) => ({ 'data-testid': `member-task-${c.id}`, onClick: () => setOpenTask(c.id), style: { cursor: 'pointer' } }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <Empty description={t('care.emptyMember')} /> }}
          pagination={(res.data?.total ?? 0) > 20 ? { current: page, pageSize: 20, total: res.data?.total ?? 0, onChange: setPage, showSizeChanger: false } : false}
          scroll={{ x: 560 }}
        />
      )}
      <CareTaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} onChanged={res.reload} />
      <CareTaskCreateModal
        open={creating}
        preset={{ member: { id: memberId, name: memberName } }}
        onClose={() => setCreating(false)}
        onCreated={(task) => {
          setCreating(false);
          res.reload();
          setOpenTask(task.id);
        }}
        onOpenExisting={(id) => {
          setCreating(false);
          setOpenTask(id);
        }}
      />
    </div>
  );
}

// ---------- 参与度 ----------
/** Six months of signals as a chart, and the drift reasons that hold today, in words. */
export function MemberEngagementTab({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.members.engagement.at({ id: memberId }));
  if (res.error) return <LoadFailure error={res.error} />;
  const e = res.data;
  if (!e) return <Skeleton active paragraph={{ rows: 6 }} />;
  const facts: DescriptionsProps['items'] = [
    { key: 'talk', label: t('engagement.lastTalk'), children: e.lastTalkOn ?? <Typography.Text type="secondary">{t('drift.never')}</Typography.Text> },
    { key: 'contact', label: t('drift.lastContact'), children: e.lastContactOn ?? <Typography.Text type="secondary">{t('drift.never')}</Typography.Text> },
    {
      key: 'active',
      label: t('engagement.lastActive'),
      children: e.lastActiveAt ? dayjs(e.lastActiveAt).format('YYYY-MM-DD HH:mm') : <Typography.Text type="secondary">{t('engagement.neverActive')}</Typography.Text>,
    },
  ];
  return (
    <div data-testid="member-engagement">
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('engagement.chartTitle')}>
            {e.months.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Suspense fallback={<Skeleton active />}>
                <EngagementChart months={e.months} />
              </Suspense>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('engagement.reasonsTitle')}>
              {e.reasons.length === 0 ? (
                <Alert type="success" showIcon title={t('engagement.noReasons')} data-testid="engagement-no-reasons" />
              ) : (
                <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="engagement-reasons">
                  {e.reasons.map((r) => (
                    <div key={r.kind} data-reason={r.kind}>
                      <Tag color={DRIFT_REASON_COLORS[r.kind]}>{t(DRIFT_REASON_KEYS[r.kind])}</Tag>
                      <Typography.Text>{r.text}</Typography.Text>
                    </div>
                  ))}
                </Space>
              )}
            </Card>
            <Card size="small">
              <Descriptions column={1} size="small" items={facts} />
            </Card>
          </Space>
        </Col>
      </Row>
    </div>
  );
}

// ---------- 时间线 ----------
const TIMELINE_PAGE = 30;

/** Everything that happened with the member, newest first, paging back with "load more". */
export function MemberTimelineTab({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const [items, setItems] = useState<TimelineEvent[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (before: string | undefined) => {
      setLoading(true);
      setError(null);
      try {
        const r = await endpoints.members.timeline({ id: memberId }, { before, limit: TIMELINE_PAGE });
        setItems((prev) => (before ? [...prev, ...r.items] : r.items));
        setMore(r.more);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError(0, 'unknown', String(e)));
      } finally {
        setLoading(false);
      }
    },
    [memberId],
  );
  useEffect(() => {
    void load(undefined);
  }, [load]);

  if (error && items.length === 0) return <LoadFailure error={error} />;
  if (loading && items.length === 0) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (items.length === 0) return <Empty description={t('timeline.empty')} />;
  const last = items[items.length - 1];
  return (
    <div data-testid="member-timeline">
      <Timeline
        items={items.map((ev, i) => ({
          key: `${ev.at}-${ev.kind}-${ev.refId ?? i}`,
          color: TIMELINE_KIND_DOTS[ev.kind],
          content: (
            <div data-kind={ev.kind}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {when(ev.at)}
              </Typography.Text>
              <div>
                <Tag color={TIMELINE_KIND_COLORS[ev.kind]} style={{ marginInlineEnd: 6 }}>
                  {t(TIMELINE_KIND_KEYS[ev.kind])}
                </Tag>
                <Typography.Text strong>{ev.title}</Typography.Text>
              </div>
              {ev.detail && <Typography.Text type="secondary">{ev.detail}</Typography.Text>}
            </div>
          ),
        }))}
      />
      {error && <Alert type="error" showIcon title={error.message || t('error.generic')} style={{ marginBottom: 12 }} />}
      {more && last && (
        <div style={{ textAlign: 'center' }}>
          <Button loading={loading} onClick={() => void load(last.at)} data-testid="timeline-more">
            {t('timeline.more')}
          </Button>
        </div>
      )}
    </div>
  );
}

// ---------- 走访记录 ----------
/** Study-delivery visits (千里送学) the member received. */
export function MemberDeliveriesTab({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.members.deliveries.at({ id: memberId }));
  if (res.error) return <LoadFailure error={res.error} />;
  if (!res.data) return <Skeleton active />;
  if (res.data.items.length === 0) return <Empty description={t('deliveryTab.empty')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="member-deliveries">
      {res.data.items.map((v) => {
        const rows: DescriptionsProps['items'] = [
          { key: 'travellers', label: t('deliveryTab.travellers'), children: v.travellers.join('、') || '—' },
          {
            key: 'items',
            label: t('deliveryTab.items'),
            children: v.items.length ? <ItemTags items={v.items} /> : '—',
          },
          ...(v.handedTo ? [{ key: 'handedTo', label: t('deliveryTab.handedTo'), children: v.handedTo }] : []),
          ...(v.words ? [{ key: 'words', label: t('deliveryTab.words'), span: 2, children: <span style={{ whiteSpace: 'pre-wrap' }}>「{v.words}」</span> }] : []),
        ];
        return (
          <Card key={v.deliveryId} size="small" title={`${v.tripOn} · ${v.placeName}`}>
            <Descriptions size="small" column={{ xs: 1, md: 2 }} items={rows} />
          </Card>
        );
      })}
    </Space>
  );
}

// ---------- 联系人历史 ----------
/** Who has been the member's mentor, newest first: changing a mentor closes a pairing, never deletes it. */
export function MemberMentorshipsTab({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.members.mentorships.at({ id: memberId }));
  if (res.error) return <LoadFailure error={res.error} />;
  if (!res.data) return <Skeleton active />;
  if (res.data.items.length === 0) return <Empty description={t('mentorships.empty')} />;
  return (
    <div data-testid="member-mentorships">
      <Timeline
        items={res.data.items.map((h, i): { key: string; color: string; content: ReactNode } => ({
          key: `${h.mentorMemberId}-${h.startedOn}-${i}`,
          color: h.endedOn ? 'gray' : 'blue',
          content: (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {h.startedOn} ~ {h.endedOn ?? t('mobility.untilNow')}
              </Typography.Text>
              <div>
                <Link to={`/members/${h.mentorMemberId}`} style={{ fontWeight: 500 }}>
                  {h.mentorName}
                </Link>
                {!h.endedOn && (
                  <Tag color="blue" style={{ marginInlineStart: 6 }}>
                    {t('mentorships.current')}
                  </Tag>
                )}
              </div>
            </div>
          ),
        }))}
      />
    </div>
  );
}
