import {
  ArrowLeftOutlined,
  CheckCircleFilled,
  CloseCircleFilled,
  EditOutlined,
  LinkOutlined,
  QrcodeOutlined,
  StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Progress, Result, Row, Segmented, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ButtonProps, DescriptionsProps } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState, type HTMLAttributes } from 'react';
import { comparePersonNames, compareUnitNames } from '../../../../shared/sort-order.ts';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { SESSION_KIND_KEYS, SESSION_MODE_KEYS, SessionStatusTag, StudyKindTag } from '../../components/learning.tsx';
import { MeetingFormDrawer } from './MeetingFormDrawer.tsx';
import { ChannelReport } from '../group-kit/ChannelReport.tsx';
import { GroupKitButton } from '../group-kit/GroupKitDialog.tsx';
import { useApi, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { AttendanceRow } from '../../types.ts';
import { type Markable } from './attendance-labels.ts';
import { CheckinQrModal } from './CheckinQrModal.tsx';
import { MakeupReviewModal } from './MakeupReviewModal.tsx';
import { MinutesCard } from './MinutesCard.tsx';
import { AttachmentsCard } from './AttachmentsCard.tsx';
import { attendanceColumns } from './attendance-columns.tsx';

export function MeetingPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const { me } = useSession();
  const res = useApi(endpoints.meetings.get.at({ id }));
  const [editing, setEditing] = useState(false);
  const [qrOpen, setQrOpen] = useState(false);
  const [marking, setMarking] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState<AttendanceRow | null>(null);
  const [filter, setFilter] = useState<'all' | 'pending' | 'leave' | 'makeup'>('all');
  const s = res.data;
  const reload = res.reload;

  // a group leader marks attendance in their group; the server decides per member
  const isGroupLeader = me.roles.some((r) => r.role === 'group_leader');
  // after the close only a secretary corrects the record
  const canMark = !!s && (s.status === 'planned' ? s.canManage || isGroupLeader : s.status === 'closed' && s.canManage);

  const rows = useMemo(() => {
    // a stable order (unit, then name): rows must not jump while someone marks them one by one
    const all = [...(s?.attendance ?? [])].sort((a, b) => compareUnitNames(a.orgName, b.orgName) || comparePersonNames(a.name, b.name));
    if (filter === 'pending') return all.filter((r) => r.status === 'invited');
    if (filter === 'leave') return all.filter((r) => r.leaveStatus !== null);
    if (filter === 'makeup') return all.filter((r) => r.makeup !== null);
    return all;
  }, [s, filter]);

  if (res.loading && !s) return <Card><Skeleton active paragraph={{ rows: 10 }} /></Card>;
  if (res.error || !s) {
    const notFound = res.error?.status === 404;
    return (
      <Result
        status={notFound ? '404' : res.error?.status === 403 ? '403' : 'warning'}
        title={notFound ? t('session.notFound') : res.error?.message || t('error.generic')}
        extra={
          <Link to="/sessions">
            <Button type="primary">{t('session.backToList')}</Button>
          </Link>
        }
      />
    );
  }

  const planned = s.status === 'planned';

  const mark = async (row: AttendanceRow, status: Markable) => {
    setMarking(row.memberId);
    try {
      res.setData(await endpoints.meetings.markAttendance({ id: s.id }, { memberId: row.memberId, status }));
    } catch (e) {
      showError(e);
    } finally {
      setMarking(null);
    }
  };

  const decideLeave = async (row: AttendanceRow, approve: boolean) => {
    try {
      res.setData(await endpoints.meetings.decideLeave({ id: s.id, memberId: row.memberId }, { approve }));
      void message.success(approve ? t('leave.approvedDone') : t('leave.rejectedDone'));
    } catch (e) {
      showError(e);
    }
  };

  const close = () =>
    modal.confirm({
      title: t('session.closeConfirmTitle'),
      content: (
        <div>
          <p>{t('session.closeConfirmBody')}</p>
          {s.counts.pending > 0 && <Alert type="warning" showIcon title={t('session.closePending', { n: s.counts.pending })} />}
        </div>
      ),
      okText: t('session.close'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-close-session' } as ButtonProps,
      cancelText: t('common.back'),
      onOk: async () => {
        try {
          res.setData(await endpoints.meetings.close({ id: s.id }));
          void message.success(t('session.closed'));
        } catch (e) {
          showError(e);
        }
      },
    });

  const cancel = () =>
    modal.confirm({
      title: t('session.cancelConfirmTitle'),
      content: t('session.cancelConfirmBody'),
      okText: t('session.cancelSession'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-cancel-session' } as ButtonProps,
      cancelText: t('common.back'),
      onOk: async () => {
        try {
          res.setData(await endpoints.meetings.cancel({ id: s.id }));
          void message.success(t('session.cancelled'));
        } catch (e) {
          showError(e);
        }
      },
    });

  const columns = attendanceColumns({ t, session: s, canMark, marking, mark, decideLeave, onReview: setReviewing });

  const c = s.counts;
  const leaveRequests = s.attendance.filter((r) => r.leaveStatus === 'requested').length;
  const info: DescriptionsProps['items'] = [
    {
      key: 'time',
      label: t('session.time'),
      children: `${dayjs(s.startsAt).format('YYYY-MM-DD ddd HH:mm')} – ${dayjs(s.endsAt).format(dayjs(s.endsAt).isSame(s.startsAt, 'day') ? 'HH:mm' : 'YYYY-MM-DD HH:mm')}`,
    },
    { key: 'org', label: t('session.org'), children: s.orgName },
    { key: 'mode', label: t('session.mode'), children: t(SESSION_MODE_KEYS[s.mode]) },
    {
      key: 'checkin',
      label: t('session.checkinWindow'),
      children: `${dayjs(s.checkinOpensAt).format('MM-DD HH:mm')} – ${dayjs(s.checkinClosesAt).format('MM-DD HH:mm')}`,
    },
    ...(s.meetingUrl
      ? [
          {
            key: 'link',
            label: t('session.meetingUrl'),
            children: (
              <a href={s.meetingUrl} target="_blank" rel="noreferrer" data-testid="session-meeting-link">
                <LinkOutlined aria-hidden /> {s.meetingUrl}
              </a>
            ),
          },
        ]
      : []),
    ...(s.location ? [{ key: 'location', label: t('session.location'), children: s.location }] : []),
    ...(s.replayUrl
      ? [
          {
            key: 'replay',
            label: t('session.replayUrl'),
            children: (
              <a href={s.replayUrl} target="_blank" rel="noreferrer">
                {s.replayUrl}
              </a>
            ),
          },
        ]
      : []),
    { key: 'makeup', label: t('session.makeupDays'), children: t('session.makeupDaysValue', { n: s.makeupDays }) },
    ...(s.agenda ? [{ key: 'agenda', label: t('session.agenda'), span: 'filled' as const, children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{s.agenda}</Typography.Paragraph> }] : []),
  ];

  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Link to="/sessions">
          <ArrowLeftOutlined aria-hidden /> {t('session.backToList')}
        </Link>
      </div>
      <PageHeader
        title={
          <Space wrap>
            <span data-testid="session-title-text">{s.title}</span>
            <Tag>{t(SESSION_KIND_KEYS[s.kind])}</Tag>
            <span data-testid="session-status" data-status={s.status}>
              <SessionStatusTag status={s.status} startsAt={s.startsAt} endsAt={s.endsAt} />
            </span>
          </Space>
        }
        extra={
          <>
            {planned && canMark && (
              <Button type="primary" icon={<QrcodeOutlined aria-hidden />} onClick={() => setQrOpen(true)} data-testid="show-checkin-qr">
                {t('checkin.showQr')}
              </Button>
            )}
            {planned && s.canManage && (
              <>
                <Button icon={<EditOutlined aria-hidden />} onClick={() => setEditing(true)} data-testid="edit-session">
                  {t('common.edit')}
                </Button>
                <Button danger onClick={close} data-testid="close-session">
                  {t('session.close')}
                </Button>
                <Button icon={<StopOutlined aria-hidden />} onClick={cancel} data-testid="cancel-session">
                  {t('session.cancelSession')}
                </Button>
              </>
            )}
          </>
        }
      />
      {s.status === 'cancelled' && <Alert type="warning" showIcon title={t('session.cancelledHint')} style={{ marginBottom: 16 }} />}
      {s.quorum && (
        <Alert
          data-testid="quorum-badge"
          data-reached={String(s.quorum.reached)}
          type={s.quorum.reached ? 'success' : 'error'}
          showIcon
          icon={s.quorum.reached ? <CheckCircleFilled aria-hidden /> : <CloseCircleFilled aria-hidden />}
          title={
            <Space size={16} wrap>
              <Typography.Text strong>{s.quorum.reached ? t('quorum.reached') : t('quorum.notReached')}</Typography.Text>
              <span>{t('quorum.voting', { n: s.quorum.voting })}</span>
              <span>{t('quorum.present', { n: s.quorum.present })}</span>
              <span>{t('quorum.needed', { n: Math.floor(s.quorum.voting / 2) + 1 })}</span>
            </Space>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('session.section.info')} style={{ height: '100%' }} extra={s.status === 'planned' && <GroupKitButton sourceKind="meeting" sourceId={s.id} orgId={s.orgId} />}>
            <Descriptions column={{ xs: 1, md: 2 }} size="small" items={info} />
            {s.materials.length > 0 && (
              <div style={{ marginTop: 8 }}>
                <Typography.Text type="secondary">{t('session.materials')}</Typography.Text>
                <ul style={{ paddingInlineStart: 20, marginTop: 4, marginBottom: 0 }}>
                  {s.materials.map((m) => (
                    <li key={m.id}>
                      <Space size={6}>
                        <StudyKindTag kind={m.kind} />
                        {m.title}
                      </Space>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {s.makeupQuestions.length > 0 && (
              <div style={{ marginTop: 8 }}>
                <Typography.Text type="secondary">{t('session.makeupQuestions')}</Typography.Text>
                <ol style={{ paddingInlineStart: 20, marginTop: 4, marginBottom: 0 }}>
                  {s.makeupQuestions.map((q, i) => (
                    <li key={i}>{q}</li>
                  ))}
                </ol>
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('session.section.counts')} style={{ height: '100%' }} data-testid="session-counts">
            <Row gutter={[8, 16]}>
              <Col span={8}>
                <Statistic title={t('session.invitedCount')} value={c.invited} />
              </Col>
              <Col span={8}>
                <Statistic title={t('attendance.presentCol')} value={c.present + c.late} styles={{ content: { color: '#389e0d' } }} data-testid="count-present" />
              </Col>
              <Col span={8}>
                <Statistic title={t('attendance.late')} value={c.late} />
              </Col>
              <Col span={8}>
                <Statistic title={t('attendance.excused')} value={c.excused} styles={{ content: { color: '#0958d9' } }} />
              </Col>
              <Col span={8}>
                <Statistic title={t('attendance.absent')} value={c.absent} styles={{ content: { color: '#cf1322' } }} data-testid="count-absent" />
              </Col>
              <Col span={8}>
                <Statistic title={t('attendance.made_up')} value={c.madeUp} styles={{ content: { color: '#08979c' } }} />
              </Col>
            </Row>
            {planned && c.invited > 0 && (
              <div style={{ marginTop: 12 }}>
                <Typography.Text type="secondary">{t('attendance.pendingN', { n: c.pending })}</Typography.Text>
                <Progress percent={Math.round(((c.invited - c.pending) / c.invited) * 100)} size="small" />
              </div>
            )}
          </Card>
        </Col>
        {s.canManage && (
          <Col span={24}>
            <ChannelReport sourceKind="meeting" sourceId={s.id} />
          </Col>
        )}
        <Col span={24}>
          <Card
            title={t('session.section.attendance')}
            extra={
              <Segmented
                value={filter}
                data-testid="attendance-filter"
                onChange={(v) => setFilter(v as typeof filter)}
                options={[
                  { value: 'all', label: t('common.all') },
                  { value: 'pending', label: `${t('attendance.invited')} ${c.pending}` },
                  { value: 'leave', label: leaveRequests > 0 ? `${t('leave.column')} · ${t('leave.requestedN', { n: leaveRequests })}` : t('leave.column') },
                  { value: 'makeup', label: t('makeup.column') },
                ]}
              />
            }
            styles={{ body: { padding: 0 } }}
          >
            <div data-testid="attendance-table">
              <Table<AttendanceRow>
                rowKey="memberId"
                size="small"
                columns={columns}
                dataSource={rows}
                onRow={(r) => ({ 'data-testid': `attendance-row-${r.memberId}`, 'data-status': r.status }) as HTMLAttributes<HTMLElement>}
                locale={{ emptyText: <Empty description={t('attendance.empty')} /> }}
                pagination={rows.length > 200 ? { pageSize: 200, showSizeChanger: false } : false}
                scroll={{ x: 1000 }}
              />
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <MinutesCard session={s} onSaved={res.setData} />
        </Col>
        <Col xs={24} xl={12}>
          <AttachmentsCard session={s} onChanged={res.setData} />
        </Col>
      </Row>
      {s.canManage && <MeetingFormDrawer open={editing} session={s} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); reload(); }} />}
      {qrOpen && <CheckinQrModal session={s} onClose={() => { setQrOpen(false); reload(); }} onTick={reload} />}
      <MakeupReviewModal
        session={s}
        row={reviewing}
        onClose={() => setReviewing(null)}
        onReturned={(updated) => {
          setReviewing(null);
          res.setData(updated);
        }}
      />
    </>
  );
}

