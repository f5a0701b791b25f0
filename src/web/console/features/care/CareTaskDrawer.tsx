import { CalendarOutlined, CheckOutlined, ClockCircleOutlined, CloseOutlined, EditOutlined, UndoOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Drawer, Empty, Form, Input, Radio, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState, type ReactNode } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApi, useApiMutation } from '../../hooks.ts';
import { DayPicker } from '../../components/DayPicker.tsx';
import { useI18n, type Translate } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { CareTaskEvent, CareTaskPatch, UpdateCareTaskBody } from '../../types.ts';
import { CARE_KIND_KEYS, CareStatusTag } from '../../components/learning.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { CARE_EVENT_COLORS, CARE_EVENT_KEYS, LoadFailure, useIsPhone } from './labels.tsx';
import { chinaToday } from '../../china-day.ts';

type Mode = 'done' | 'snooze' | 'drop' | 'reopen' | 'reassign' | 'due' | 'note';

interface ActionValues {
  note?: string;
  snoozedUntil?: Dayjs;
  dueOn?: Dayjs;
  assignTo?: 'member' | 'secretaries';
  assigneeMemberId?: string | null;
}

/** A string the server put in an event's detail ({ until }, { dueOn }, { from, to }, { fromName, toName }), else null. */
const str = (d: Record<string, unknown>, key: string): string | null => {
  const v = d[key];
  return typeof v === 'string' ? v : null;
};

/** The numbers an event carries (new day, from whom to whom) as a short line. */
function eventDetail(t: Translate, e: CareTaskEvent): string | null {
  const d = e.detail;
  // the server words reassignments and new due days in the note itself; the numbers are only a fallback
  if (!d || ((e.kind === 'reassigned' || e.kind === 'due_changed') && e.note)) return null;
  const who = (v: string | null) => v || t('care.secretaries');
  switch (e.kind) {
    case 'reassigned':
      return t('care.eventDetail.reassigned', { from: who(str(d, 'fromName')), to: who(str(d, 'toName')) });
    case 'due_changed': {
      const from = str(d, 'from');
      const to = str(d, 'to');
      return to ? (from ? t('care.eventDetail.dueChanged', { from, to }) : t('care.eventDetail.due', { date: to })) : null;
    }
    case 'snoozed': {
      const until = str(d, 'until');
      return until ? t('care.snoozedUntil', { date: until }) : null;
    }
    case 'created':
    case 'merged': {
      const due = str(d, 'dueOn');
      return due ? t('care.eventDetail.due', { date: due }) : null;
    }
    default:
      return null;
  }
}

/**
 * One care task: what it is about, who does it by when, and its whole history (an antd Timeline);
 * the actions of Rock's "connection requests": done, drop with a reason, snooze to a later day,
 * reopen, reassign, change the due day, add a note.
 */
export function CareTaskDrawer({ taskId, onClose, onChanged }: { taskId: string | null; onClose: () => void; onChanged?: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const res = useApi(taskId ? endpoints.careTasks.get.at({ id: taskId }) : null);
  const [mode, setMode] = useState<Mode | null>(null);
  // both writes answer with the task and its history as they now are
  const change = useApiMutation(
    (c: { id: string; status: UpdateCareTaskBody } | { id: string; plan: CareTaskPatch }) =>
      'status' in c ? endpoints.careTasks.update({ id: c.id }, c.status) : endpoints.careTasks.plan({ id: c.id }, c.plan),
    { changes: ['careTasks'] },
  );
  const busy = change.isPending;
  const [failure, setFailure] = useState<string | null>(null);
  const [form] = Form.useForm<ActionValues>();
  // only an action being filled in (a note, a reason) can be lost: each action starts a fresh form
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(`${taskId}:${mode}`, onClose);
  const assignTo = Form.useWatch('assignTo', form);
  const task = taskId && res.data?.id === taskId ? res.data : undefined;

  useEffect(() => {
    setMode(null);
    setFailure(null);
  }, [taskId]);

  const begin = (m: Mode) => {
    setFailure(null);
    form.resetFields();
    if (m === 'snooze') form.setFieldsValue({ snoozedUntil: chinaToday().add(7, 'day') });
    if (m === 'due' && task) form.setFieldsValue({ dueOn: dayjs(task.dueOn) });
    if (m === 'reassign' && task) form.setFieldsValue({ assignTo: task.assignee ? 'member' : 'secretaries', assigneeMemberId: task.assignee?.memberId ?? null });
    setMode(m);
  };

  const submit = async (v: ActionValues) => {
    if (!task || !mode) return;
    const note = v.note?.trim() || undefined;
    setFailure(null);
    try {
      if (mode === 'done' || mode === 'drop' || mode === 'snooze' || mode === 'reopen') {
        const body: UpdateCareTaskBody =
          mode === 'done'
            ? { status: 'done', ...(note ? { note } : {}) }
            : mode === 'drop'
              ? { status: 'dropped', note: note ?? '' }
              : mode === 'snooze'
                ? { status: 'snoozed', snoozedUntil: (v.snoozedUntil ?? chinaToday().add(7, 'day')).format('YYYY-MM-DD'), ...(note ? { note } : {}) }
                : { status: 'open', ...(note ? { note } : {}) };
        res.setData(await change.mutateAsync({ id: task.id, status: body }));
      } else {
        const body: CareTaskPatch =
          mode === 'reassign'
            ? { assigneeMemberId: v.assignTo === 'secretaries' ? null : (v.assigneeMemberId ?? null) }
            : mode === 'due'
              ? { dueOn: (v.dueOn ?? chinaToday()).format('YYYY-MM-DD') }
              : { note: note ?? '' };
        res.setData(await change.mutateAsync({ id: task.id, plan: body }));
      }
      const done: Record<Mode, Parameters<Translate>[0]> = {
        done: 'care.doneDone',
        drop: 'care.dropDone',
        snooze: 'care.snoozeDone',
        reopen: 'care.reopened',
        reassign: 'care.reassigned',
        due: 'care.dueChanged',
        note: 'care.noteAdded',
      };
      void message.success(t(done[mode]));
      setMode(null);
      onChanged?.();
    } catch (e) {
      if (!applyFormIssues(form, e, ['note', 'snoozedUntil', 'dueOn', 'assigneeMemberId'])) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  const closed = task ? task.status === 'done' || task.status === 'dropped' : false;
  const info: DescriptionsProps['items'] = task
    ? [
        {
          key: 'member',
          label: t('care.member'),
          children: (
            <Space size={4} wrap>
              <Link to={`/members/${task.memberId}`}>{task.memberName}</Link>
              <Typography.Text type="secondary">{task.orgName}</Typography.Text>
            </Space>
          ),
        },
        { key: 'kind', label: t('care.kind'), children: <Tag style={{ marginInlineEnd: 0 }}>{t(CARE_KIND_KEYS[task.kind])}</Tag> },
        {
          key: 'status',
          label: t('care.status'),
          children: (
            <span data-testid="task-detail-status" data-status={task.status}>
              <Space size={6} wrap>
                <CareStatusTag status={task.status} />
                {task.status === 'snoozed' && task.snoozedUntil && <Typography.Text type="secondary">{t('care.snoozedUntil', { date: task.snoozedUntil })}</Typography.Text>}
              </Space>
            </span>
          ),
        },
        {
          key: 'due',
          label: t('care.dueOn'),
          children: (
            <Space size={6}>
              <span>{task.dueOn}</span>
              {task.overdue && <Tag color="red">{t('care.overdue')}</Tag>}
            </Space>
          ),
        },
        {
          key: 'assignee',
          label: t('care.assignee'),
          children: task.assignee ? <Link to={`/members/${task.assignee.memberId}`}>{task.assignee.name}</Link> : <Tag color="gold">{t('care.secretaries')}</Tag>,
        },
        { key: 'reason', label: t('care.reason'), span: 2, children: <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{task.reason}</Typography.Text> },
        ...(task.sourceTalkId ? [{ key: 'talk', label: t('care.source'), children: t('care.fromTalk') }] : []),
        { key: 'created', label: t('care.createdAt'), children: dayjs(task.createdAt).format('YYYY-MM-DD HH:mm') },
      ]
    : [];

  const actionButton = (m: Mode, icon: ReactNode, label: string, danger = false) => (
    <Button key={m} size="small" icon={icon} danger={danger} type={mode === m ? 'primary' : 'default'} onClick={() => begin(m)} data-testid={`task-${m}`}>
      {label}
    </Button>
  );

  const modeTitle: Record<Mode, Parameters<Translate>[0]> = {
    done: 'care.doneTitle',
    drop: 'care.dropTitle',
    snooze: 'care.snoozeTitle',
    reopen: 'care.reopenTitle',
    reassign: 'care.reassignTitle',
    due: 'care.dueTitle',
    note: 'care.noteTitle',
  };

  return (
    <Drawer
      open={!!taskId}
      size={phone ? '100%' : 560}
      title={task ? `${task.memberName} · ${t(CARE_KIND_KEYS[task.kind])}` : t('care.detailTitle')}
      onClose={requestClose}
      destroyOnHidden
    >
      <div data-testid="task-drawer">
        {res.error ? (
          <LoadFailure error={res.error} />
        ) : !task ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Descriptions column={phone ? 1 : 2} size="small" items={info} />
            <Space size={8} wrap>
              {!closed && actionButton('done', <CheckOutlined aria-hidden />, t('care.done'))}
              {!closed && actionButton('snooze', <ClockCircleOutlined aria-hidden />, t('care.snooze'))}
              {!closed && actionButton('drop', <CloseOutlined aria-hidden />, t('care.drop'), true)}
              {closed && actionButton('reopen', <UndoOutlined aria-hidden />, t('care.reopen'))}
              {!closed && actionButton('reassign', <UserSwitchOutlined aria-hidden />, t('care.reassign'))}
              {!closed && actionButton('due', <CalendarOutlined aria-hidden />, t('care.changeDue'))}
              {actionButton('note', <EditOutlined aria-hidden />, t('care.addNote'))}
            </Space>
            {mode && (
              <div data-testid={`task-panel-${mode}`}>
              <Card size="small" title={t(modeTitle[mode])}>
                <Form<ActionValues> form={form} layout="vertical" name="careTaskAction" onValuesChange={markChanged} onFinish={(v) => void submit(v)}>
                  {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
                  {mode === 'snooze' && (
                    <Form.Item label={t('care.snoozeUntil')} name="snoozedUntil" extra={t('care.snoozeHint')} rules={[{ required: true, message: t('common.required') }]}>
                      <DayPicker disabledDate={(d) => !d.isAfter(chinaToday(), 'day')} data-testid="task-snooze-date" />
                    </Form.Item>
                  )}
                  {mode === 'due' && (
                    <Form.Item label={t('care.newDue')} name="dueOn" rules={[{ required: true, message: t('common.required') }]}>
                      <DayPicker disabledDate={(d) => d.isBefore(chinaToday(), 'day')} data-testid="task-due-date" />
                    </Form.Item>
                  )}
                  {mode === 'reassign' && (
                    <>
                      <Form.Item name="assignTo">
                        <Radio.Group
                          options={[
                            { value: 'member', label: t('care.assignToMember') },
                            { value: 'secretaries', label: t('care.assignToSecretaries') },
                          ]}
                        />
                      </Form.Item>
                      {assignTo !== 'secretaries' && (
                        <Form.Item label={t('care.assignee')} name="assigneeMemberId" rules={[{ required: true, message: t('care.assigneeRequired') }]}>
                          <MemberPicker initialLabel={task.assignee?.name ?? null} excludeId={task.memberId} placeholder={t('care.assigneePlaceholder')} aria-label={t('care.assignee')} />
                        </Form.Item>
                      )}
                    </>
                  )}
                  {mode !== 'reassign' && mode !== 'due' && (
                    <Form.Item
                      label={mode === 'drop' ? t('care.dropReason') : mode === 'note' ? t('care.noteText') : t('care.note')}
                      name="note"
                      rules={
                        mode === 'drop'
                          ? [{ required: true, whitespace: true, min: 2, message: t('care.dropReasonRequired') }]
                          : mode === 'note'
                            ? [{ required: true, whitespace: true, message: t('common.required') }]
                            : []
                      }
                    >
                      <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid={`task-${mode}-note`} />
                    </Form.Item>
                  )}
                  <Space>
                    <Button type="primary" danger={mode === 'drop'} htmlType="submit" loading={busy} data-testid={`task-${mode}-save`}>
                      {t('common.confirm')}
                    </Button>
                    <Button onClick={() => setMode(null)}>{t('common.cancel')}</Button>
                  </Space>
                </Form>
              </Card>
              </div>
            )}
            {task.note && (
              <div>
                <Typography.Text type="secondary">{t('care.lastNote')}</Typography.Text>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{task.note}</Typography.Paragraph>
              </div>
            )}
            <div>
              <Typography.Title level={5}>{t('care.history')}</Typography.Title>
              {task.history.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              ) : (
                <div data-testid="task-history">
                  <Timeline
                    items={task.history.map((e, i) => {
                      const detail = eventDetail(t, e);
                      return {
                        key: `${e.at}-${i}`,
                        color: CARE_EVENT_COLORS[e.kind],
                        content: (
                          <div data-event={e.kind}>
                            <div>
                              <Typography.Text strong>{t(CARE_EVENT_KEYS[e.kind])}</Typography.Text>
                              {detail && <Typography.Text type="secondary"> · {detail}</Typography.Text>}
                            </div>
                            {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {dayjs(e.at).format('YYYY-MM-DD HH:mm')}
                              {e.actorName ? ` · ${e.actorName}` : ''}
                            </Typography.Text>
                          </div>
                        ),
                      };
                    })}
                  />
                </div>
              )}
            </div>
          </Space>
        )}
      </div>
    </Drawer>
  );
}
