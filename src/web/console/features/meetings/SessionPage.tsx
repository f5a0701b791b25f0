import {
  ArrowLeftOutlined,
  CheckCircleFilled,
  CloseCircleFilled,
  DeleteOutlined,
  EditOutlined,
  FileOutlined,
  LinkOutlined,
  QrcodeOutlined,
  StopOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Image, Input, Modal, Popconfirm, Progress, Result, Row, Segmented, Select, Skeleton, Space, Statistic, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import type { ButtonProps, DescriptionsProps, TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { comparePersonNames, compareUnitNames } from '../../../../shared/sort-order.ts';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { AttendanceTag, SESSION_KIND_KEYS, SESSION_MODE_KEYS, SessionStatusTag, StudyKindTag, formatBytes, uploadStoredFile } from '../../components/learning.tsx';
import { SessionFormDrawer } from './SessionFormDrawer.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { applyFormIssues, errorText, useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { Attachment, AttendanceRow, CheckinCode, SessionDetail } from '../../types.ts';

type Markable = 'present' | 'late' | 'excused' | 'absent';
const MARKS: { value: Markable; key: MsgKey }[] = [
  { value: 'present', key: 'attendance.present' },
  { value: 'late', key: 'attendance.late' },
  { value: 'excused', key: 'attendance.excused' },
  { value: 'absent', key: 'attendance.absent' },
];
const MAKEUP_KEYS: Record<NonNullable<AttendanceRow['makeup']>['status'], MsgKey> = {
  open: 'makeup.status.open',
  submitted: 'makeup.status.submitted',
  returned: 'makeup.status.returned',
  expired: 'makeup.status.expired',
};
const MAKEUP_COLORS: Record<NonNullable<AttendanceRow['makeup']>['status'], string> = { open: 'gold', submitted: 'green', returned: 'orange', expired: 'red' };
const LEAVE_KEYS: Record<NonNullable<AttendanceRow['leaveStatus']>, MsgKey> = { requested: 'leave.requested', approved: 'leave.approved', rejected: 'leave.rejected' };
const METHOD_KEYS: Record<NonNullable<AttendanceRow['method']>, MsgKey> = { self: 'attendance.method.self', qr: 'attendance.method.qr', marked: 'attendance.method.marked' };

export function SessionPage({ id }: { id: string }) {
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

  const columns: TableColumnsType<AttendanceRow> = [
    {
      title: t('member.name'),
      dataIndex: 'name',
      width: 120,
      fixed: 'left',
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <Link to={`/members/${r.memberId}`}>{r.name}</Link>
          {r.mobile && (
            <Tag color="blue" style={{ marginInlineEnd: 0 }}>
              {t('coverage.mobileShort')}
            </Tag>
          )}
        </Space>
      ),
    },
    // on a phone the unit column gives way to the marking column
    { title: t('member.org'), dataIndex: 'orgName', width: 140, ellipsis: true, responsive: ['md' as const] },
    ...(s.quorum ? [{ title: t('session.voting'), key: 'voting', width: 80, responsive: ['md' as const], render: (_: unknown, r: AttendanceRow) => (r.voting ? t('session.votingYes') : <Typography.Text type="secondary">{t('session.votingNo')}</Typography.Text>) }] : []),
    {
      title: t('attendance.status'),
      dataIndex: 'status',
      width: 110,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <AttendanceTag status={r.status} />
          {r.checkedInAt && (
            <Tooltip title={r.method ? t(METHOD_KEYS[r.method]) : undefined}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {dayjs(r.checkedInAt).format('HH:mm')}
              </Typography.Text>
            </Tooltip>
          )}
        </Space>
      ),
    },
    ...(canMark
      ? [
          {
            title: t('attendance.mark'),
            key: 'mark',
            width: 112,
            render: (_: unknown, r: AttendanceRow) => (
              <Select<Markable>
                size="small"
                style={{ width: 96 }}
                aria-label={t('attendance.markFor', { name: r.name })}
                data-testid={`mark-${r.memberId}`}
                placeholder={t('attendance.markPlaceholder')}
                value={r.status === 'invited' || r.status === 'made_up' ? null : r.status}
                disabled={r.status === 'made_up' || marking === r.memberId}
                loading={marking === r.memberId}
                onChange={(v) => void mark(r, v)}
                options={MARKS.map((m) => ({ value: m.value, label: t(m.key) }))}
              />
            ),
          },
        ]
      : []),
    {
      title: t('leave.column'),
      key: 'leave',
      width: 220,
      render: (_: unknown, r) =>
        r.leaveStatus ? (
          <Space orientation="vertical" size={2}>
            <Space size={4}>
              <Tag color={r.leaveStatus === 'approved' ? 'green' : r.leaveStatus === 'rejected' ? 'red' : 'gold'} style={{ marginInlineEnd: 0 }}>
                {t(LEAVE_KEYS[r.leaveStatus])}
              </Tag>
              {s.canManage && r.leaveStatus === 'requested' && (
                <>
                  <Button size="small" type="link" onClick={() => void decideLeave(r, true)} data-testid={`approve-leave-${r.memberId}`}>
                    {t('leave.approve')}
                  </Button>
                  <Button size="small" type="link" danger onClick={() => void decideLeave(r, false)} data-testid={`reject-leave-${r.memberId}`}>
                    {t('leave.reject')}
                  </Button>
                </>
              )}
            </Space>
            {r.leaveReason && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: r.leaveReason }}>
                {r.leaveReason}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('makeup.column'),
      key: 'makeup',
      width: 220,
      render: (_: unknown, r) =>
        r.makeup ? (
          <Space size={4} wrap>
            <Tag color={MAKEUP_COLORS[r.makeup.status]} style={{ marginInlineEnd: 0 }} data-testid={`makeup-status-${r.memberId}`}>
              {t(MAKEUP_KEYS[r.makeup.status])}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('makeup.due', { date: r.makeup.dueOn })}
            </Typography.Text>
            {(r.makeup.reflection || r.makeup.status === 'submitted') && (
              <Button size="small" type="link" onClick={() => setReviewing(r)} data-testid={`view-makeup-${r.memberId}`}>
                {t('makeup.view')}
              </Button>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

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
          <Card title={t('session.section.info')} style={{ height: '100%' }}>
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
      {s.canManage && <SessionFormDrawer open={editing} session={s} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); reload(); }} />}
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

// ---------- the rotating check-in QR (full screen, for a projector or a phone held up) ----------
function CheckinQrModal({ session, onClose, onTick }: { session: SessionDetail; onClose: () => void; onTick: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState<CheckinCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const timer = useRef<number | undefined>(undefined);
  const alive = useRef(true);
  // server and browser clocks differ: count down by the code's lifetime as the server sees it
  const skew = useRef(0);

  const fetchCode = useCallback(async () => {
    window.clearTimeout(timer.current);
    try {
      const c = await endpoints.meetings.checkinCode({ id: session.id });
      if (!alive.current) return;
      setCode(c);
      setError(null);
      const expires = dayjs(c.expiresAt).valueOf();
      const lifetime = expires - Date.now();
      // an expiry in the past or absurdly far means the clocks disagree: trust a 30 s lifetime
      skew.current = lifetime <= 0 || lifetime > 5 * 60_000 ? Date.now() + 30_000 - expires : 0;
      const wait = Math.min(Math.max(expires + skew.current - Date.now(), 1000), 5 * 60_000);
      timer.current = window.setTimeout(() => void fetchCode(), wait);
    } catch (e) {
      if (!alive.current) return;
      setError(errorText(e, t('error.generic'), t('error.network')));
      timer.current = window.setTimeout(() => void fetchCode(), 5000);
    }
  }, [session.id, t]);

  useEffect(() => {
    alive.current = true;
    void fetchCode();
    // the count of check-ins is fresh when the code appears, then followed every 10 s
    onTick();
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    // the host sees check-ins arrive
    const refresh = window.setInterval(onTick, 10_000);
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
      window.clearInterval(tick);
      window.clearInterval(refresh);
    };
  }, [fetchCode, onTick]);

  const left = code ? Math.max(0, Math.ceil((dayjs(code.expiresAt).valueOf() + skew.current - now) / 1000)) : 0;
  const checkedIn = session.counts.present + session.counts.late;
  return (
    <Modal
      open
      onCancel={onClose}
      footer={null}
      width="100vw"
      centered
      title={null}
      styles={{ body: { minHeight: 'calc(100vh - 48px)', display: 'flex', alignItems: 'center', justifyContent: 'center' }, container: { padding: 24, borderRadius: 0 } }}
      style={{ top: 0, maxWidth: '100vw', margin: 0, paddingBottom: 0 }}
      data-testid="checkin-modal"
    >
      <div style={{ textAlign: 'center' }}>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {session.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 18 }}>
          {t('checkin.scanHint')}
        </Typography.Paragraph>
        {code ? (
          <img
            src={`data:image/svg+xml;utf8,${encodeURIComponent(code.svg)}`}
            alt={t('checkin.qrAlt')}
            data-testid="checkin-qr"
            data-checkin-url={code.url}
            data-code={code.code}
            style={{ display: 'block', margin: '0 auto', width: 'min(70vh, 80vw)', height: 'min(70vh, 80vw)', imageRendering: 'pixelated', background: '#fff' }}
          />
        ) : error ? (
          <Alert type="error" showIcon title={error} />
        ) : (
          <Skeleton.Image active style={{ width: 320, height: 320 }} />
        )}
        {code && (
          <Space orientation="vertical" size={4} style={{ marginTop: 12 }}>
            <Typography.Text style={{ fontSize: 18 }} data-testid="checkin-countdown">
              {t('checkin.refreshIn', { n: left })}
            </Typography.Text>
            <Typography.Text type="secondary">{t('checkin.codeText', { code: code.code })}</Typography.Text>
          </Space>
        )}
        <div style={{ marginTop: 16 }}>
          <Typography.Text style={{ fontSize: 20 }} data-testid="checkin-count">
            {t('checkin.count', { n: checkedIn, total: session.counts.invited })}
          </Typography.Text>
        </div>
        {error && code && <Typography.Text type="danger">{error}</Typography.Text>}
      </div>
    </Modal>
  );
}

// ---------- make-up review ----------
function MakeupReviewModal({ session, row, onClose, onReturned }: { session: SessionDetail; row: AttendanceRow | null; onClose: () => void; onReturned: (s: SessionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ note: string }>();
  const [returning, setReturning] = useState(false);
  // the reason for sending a make-up back is the one thing typed here
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(returning ? row : null, onClose);
  const sendBack = useApiMutation(
    ({ memberId, note }: { memberId: string; note: string }) => endpoints.meetings.returnMakeup({ id: session.id, memberId }, { note }),
    { changes: ['sessions'] },
  );
  const busy = sendBack.isPending;
  const mk = row?.makeup;

  useEffect(() => {
    setReturning(false);
    form.resetFields();
  }, [row, form]);

  const submitReturn = async (v: { note: string }) => {
    if (!row) return;
    try {
      const updated = await sendBack.mutateAsync({ memberId: row.memberId, note: v.note.trim() });
      void message.success(t('makeup.returnedDone'));
      onReturned(updated);
    } catch (e) {
      if (!applyFormIssues(form, e, ['note'])) showError(e);
    }
  };

  return (
    <Modal
      open={!!row}
      title={row ? t('makeup.reviewTitle', { name: row.name }) : ''}
      onCancel={requestClose}
      width={640}
      forceRender
      footer={
        returning
          ? [
              <Button key="back" onClick={() => setReturning(false)}>
                {t('common.back')}
              </Button>,
              <Button key="ok" type="primary" danger loading={busy} onClick={() => form.submit()} data-testid="confirm-return-makeup">
                {t('makeup.return')}
              </Button>,
            ]
          : [
              ...(session.canManage && mk?.status === 'submitted'
                ? [
                    <Button key="return" danger onClick={() => setReturning(true)} data-testid="return-makeup">
                      {t('makeup.return')}
                    </Button>,
                  ]
                : []),
              <Button key="close" type="primary" onClick={onClose}>
                {t('common.close')}
              </Button>,
            ]
      }
    >
      {mk && (
        <Space orientation="vertical" style={{ width: '100%' }} size={12}>
          <Space wrap>
            <Tag color={MAKEUP_COLORS[mk.status]}>{t(MAKEUP_KEYS[mk.status])}</Tag>
            <Typography.Text type="secondary">{t('makeup.due', { date: mk.dueOn })}</Typography.Text>
            {mk.submittedAt && <Typography.Text type="secondary">{t('makeup.submittedAt', { at: dayjs(mk.submittedAt).format('YYYY-MM-DD HH:mm') })}</Typography.Text>}
          </Space>
          <div>
            <Typography.Text strong>{t('makeup.reflection')}</Typography.Text>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 4 }} data-testid="makeup-reflection">
              {mk.reflection ?? <Typography.Text type="secondary">{t('makeup.noReflection')}</Typography.Text>}
            </Typography.Paragraph>
          </div>
          {session.makeupQuestions.length > 0 && (
            <div>
              <Typography.Text strong>{t('makeup.answers')}</Typography.Text>
              <ol style={{ paddingInlineStart: 20, marginTop: 4 }}>
                {session.makeupQuestions.map((q, i) => (
                  <li key={i} style={{ marginBottom: 8 }}>
                    <div>{q}</div>
                    <Typography.Text type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
                      {mk.answers?.[i] || '—'}
                    </Typography.Text>
                  </li>
                ))}
              </ol>
            </div>
          )}
          {mk.reviewNote && <Alert type="warning" showIcon title={t('makeup.reviewNote')} description={mk.reviewNote} />}
          {returning && (
            <Form form={form} layout="vertical" name="returnMakeup" onValuesChange={markChanged} onFinish={(v) => void submitReturn(v)}>
              <Form.Item label={t('makeup.returnNote')} name="note" rules={[{ required: true, whitespace: true, message: t('makeup.returnNoteRequired') }]} extra={t('makeup.returnHint')}>
                <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 3, maxRows: 6 }} data-testid="return-makeup-note" autoFocus />
              </Form.Item>
            </Form>
          )}
        </Space>
      )}
    </Modal>
  );
}

// ---------- minutes ----------
function MinutesCard({ session, onSaved }: { session: SessionDetail; onSaved: (s: SessionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [text, setText] = useState(session.minutes ?? '');
  const saveMinutes = useApiMutation((minutes: string) => endpoints.meetings.saveMinutes({ id: session.id }, { minutes }), { changes: ['sessions'] });
  useEffect(() => setText(session.minutes ?? ''), [session.minutes]);
  const dirty = text !== (session.minutes ?? '');

  const save = async () => {
    try {
      onSaved(await saveMinutes.mutateAsync(text));
      void message.success(t('common.saved'));
    } catch (e) {
      showError(e);
    }
  };

  return (
    <Card
      title={t('session.section.minutes')}
      style={{ height: '100%' }}
      extra={
        session.canManage && (
          <Button type="primary" size="small" disabled={!dirty} loading={saveMinutes.isPending} onClick={() => void save()} data-testid="save-minutes">
            {t('common.save')}
          </Button>
        )
      }
    >
      {session.canManage ? (
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={50_000}
          autoSize={{ minRows: 6, maxRows: 20 }}
          placeholder={t('session.minutesPlaceholder')}
          aria-label={t('session.section.minutes')}
          data-testid="session-minutes"
        />
      ) : session.minutes ? (
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{session.minutes}</Typography.Paragraph>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('session.noMinutes')} />
      )}
    </Card>
  );
}

// ---------- attachments (minutes scans, photos, other files) ----------
const ATTACHMENT_KIND_KEYS: Record<Attachment['kind'], MsgKey> = { photo: 'attachment.kind.photo', minutes: 'attachment.kind.minutes', other: 'attachment.kind.other' };

const fileUrl = (a: Attachment) => `/api/files/${encodeURIComponent(a.file.id)}`;

function AttachmentsCard({ session, onChanged }: { session: SessionDetail; onChanged: (s: SessionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [kind, setKind] = useState<Attachment['kind']>('photo');
  const [caption, setCaption] = useState('');
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File) => {
    setError(null);
    setPercent(0);
    try {
      const stored = await uploadStoredFile('attachment', file, setPercent);
      onChanged(await endpoints.meetings.attach({ id: session.id }, { fileId: stored.id, kind, caption: caption.trim() || null }));
      setCaption('');
      void message.success(t('attachment.added'));
    } catch (e) {
      setError(errorText(e, t('upload.failed'), t('error.network')));
    } finally {
      setPercent(null);
    }
  };

  const remove = async (a: Attachment) => {
    try {
      onChanged(await endpoints.meetings.detach({ id: session.id, attachmentId: a.id }));
      void message.success(t('attachment.removed'));
    } catch (e) {
      showError(e);
    }
  };

  const photos = session.attachments.filter((a) => a.kind === 'photo' || a.file.mimeType.startsWith('image/'));
  const others = session.attachments.filter((a) => !photos.includes(a));

  return (
    <Card title={t('session.section.attachments')} style={{ height: '100%' }} data-testid="session-attachments">
      {session.canManage && (
        <div style={{ marginBottom: 16 }}>
          <Space wrap>
            <Select<Attachment['kind']>
              value={kind}
              onChange={setKind}
              style={{ width: 110 }}
              aria-label={t('attachment.kind')}
              options={(['photo', 'minutes', 'other'] as const).map((k) => ({ value: k, label: t(ATTACHMENT_KIND_KEYS[k]) }))}
              data-testid="attachment-kind"
            />
            <Input value={caption} onChange={(e) => setCaption(e.target.value)} maxLength={200} placeholder={t('attachment.caption')} style={{ width: 200 }} data-testid="attachment-caption" />
            <Upload
              accept={kind === 'photo' ? 'image/jpeg,image/png,image/webp,image/gif' : '.pdf,.docx,.xlsx,.jpg,.jpeg,.png,.webp,.gif'}
              showUploadList={false}
              disabled={percent !== null}
              beforeUpload={(f) => {
                void upload(f);
                return false;
              }}
            >
              <Button icon={<UploadOutlined aria-hidden />} loading={percent !== null} data-testid="upload-attachment">
                {t('attachment.upload')}
              </Button>
            </Upload>
          </Space>
          {percent !== null && <Progress percent={percent} size="small" status="active" aria-label={t('upload.progress')} />}
          {error && (
            <div>
              <Typography.Text type="danger">{error}</Typography.Text>
            </div>
          )}
        </div>
      )}
      {session.attachments.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('attachment.none')} />
      ) : (
        <>
          {photos.length > 0 && (
            <Image.PreviewGroup>
              <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}>
                {photos.map((a) => (
                  <div key={a.id} style={{ width: 120 }} data-testid={`attachment-${a.id}`}>
                    <Image src={fileUrl(a)} alt={a.caption ?? a.file.fileName} width={120} height={90} style={{ objectFit: 'cover', borderRadius: 4 }} />
                    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
                      <Typography.Text ellipsis={{ tooltip: a.caption ?? a.file.fileName }} style={{ fontSize: 12, maxWidth: 90 }}>
                        {a.caption ?? a.file.fileName}
                      </Typography.Text>
                      {session.canManage && <DeleteButton onConfirm={() => remove(a)} label={t('attachment.remove')} />}
                    </div>
                  </div>
                ))}
              </div>
            </Image.PreviewGroup>
          )}
          {others.length > 0 && (
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {others.map((a) => (
                <li key={a.id} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '4px 0' }} data-testid={`attachment-${a.id}`}>
                  <FileOutlined aria-hidden />
                  <Tag style={{ marginInlineEnd: 0 }}>{t(ATTACHMENT_KIND_KEYS[a.kind])}</Tag>
                  <a href={fileUrl(a)} target="_blank" rel="noreferrer">
                    {a.caption ?? a.file.fileName}
                  </a>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatBytes(a.file.sizeBytes)} · {dayjs(a.createdAt).format('MM-DD HH:mm')}
                  </Typography.Text>
                  {session.canManage && <DeleteButton onConfirm={() => remove(a)} label={t('attachment.remove')} />}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}

function DeleteButton({ onConfirm, label }: { onConfirm: () => Promise<void>; label: string }) {
  const { t } = useI18n();
  return (
    <Popconfirm title={t('attachment.removeConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={onConfirm}>
      <Button size="small" type="text" danger icon={<DeleteOutlined aria-hidden />} aria-label={label} />
    </Popconfirm>
  );
}
