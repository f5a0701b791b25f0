import { Button, Select, Space, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { AttendanceTag } from '../../components/learning.tsx';
import { Link } from '../../router.tsx';
import type { AttendanceRow, SessionDetail } from '../../types.ts';
import { type Markable, MARKS, MAKEUP_KEYS, MAKEUP_COLORS, LEAVE_KEYS, METHOD_KEYS } from './attendance-labels.ts';
import type { Translate } from '../../i18n.tsx';

interface ColumnsOf {
  t: Translate;
  session: SessionDetail;
  /** the caller may mark attendance now (a planned meeting they lead, or a closed one they manage) */
  canMark: boolean;
  /** the member whose mark is being saved */
  marking: string | null;
  mark: (row: AttendanceRow, status: Markable) => Promise<void>;
  decideLeave: (row: AttendanceRow, approve: boolean) => Promise<void>;
  onReview: (row: AttendanceRow) => void;
}

/** The attendance table's columns: who, their unit, voting, status and how it was recorded, marking, leave, make-up. */
export function attendanceColumns({ t, session: s, canMark, marking, mark, decideLeave, onReview }: ColumnsOf): TableColumnsType<AttendanceRow> {
  return [
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
              <Button size="small" type="link" onClick={() => onReview(r)} data-testid={`view-makeup-${r.memberId}`}>
                {t('makeup.view')}
              </Button>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];
}
