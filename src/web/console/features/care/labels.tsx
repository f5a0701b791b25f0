import { LockOutlined } from '@ant-design/icons';
import { Alert, Empty, Grid, Tag, Typography } from 'antd';
import { DRIFT_REASON_KINDS, TALK_CHANNELS as SHARED_TALK_CHANNELS } from '../../../../shared/enums.ts';
import type { ApiError } from '../../api.ts';
import { errorText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { CareStatusTag } from '../../components/learning.tsx';
import type { CareTask, CareTaskEventKind, CareTaskKind, DriftReasonKind, DriftRow, TalkChannel, TalkDue, TimelineKind } from '../../types.ts';

// ---------- talks ----------
export const TALK_CHANNELS: TalkChannel[] = [...SHARED_TALK_CHANNELS];
export const TALK_CHANNEL_KEYS: Record<TalkChannel, MsgKey> = {
  phone: 'talk.channel.phone',
  video: 'talk.channel.video',
  wechat: 'talk.channel.wechat',
  in_person: 'talk.channel.in_person',
};

/** A member's talk state against the cadence: 逾期 N 天 / 即将到期 / 从未谈话 / 正常 / 不要求. */
export function TalkDueTag({ due, overdueDays, testId }: { due: TalkDue; overdueDays: number; testId?: string }) {
  const { t } = useI18n();
  const [color, text] =
    due === 'overdue'
      ? ['red', t('talkDue.overdue', { n: overdueDays })]
      : due === 'due_soon'
        ? ['gold', t('talkDue.due_soon')]
        : due === 'never'
          ? ['volcano', t('talkDue.never')]
          : due === 'ok'
            ? ['green', t('talkDue.ok')]
            : ['default', t('talkDue.no_cadence')];
  return (
    <Tag color={color} style={{ marginInlineEnd: 0 }} data-testid={testId} data-due={due}>
      {text}
    </Tag>
  );
}

// ---------- care tasks ----------
/** Kinds a secretary may open by hand (the streak kinds come from the learning rules). */
export const CREATABLE_KINDS: CareTaskKind[] = ['follow_up', 'visit', 'hardship', 'lost_contact', 'other'];

export const CARE_EVENT_KEYS: Record<CareTaskEventKind, MsgKey> = {
  created: 'care.event.created',
  note: 'care.event.note',
  snoozed: 'care.event.snoozed',
  reopened: 'care.event.reopened',
  done: 'care.event.done',
  dropped: 'care.event.dropped',
  reassigned: 'care.event.reassigned',
  due_changed: 'care.event.due_changed',
  merged: 'care.event.merged',
};
export const CARE_EVENT_COLORS: Record<CareTaskEventKind, string> = {
  created: 'blue',
  note: 'gray',
  snoozed: 'orange',
  reopened: 'red',
  done: 'green',
  dropped: 'gray',
  reassigned: 'blue',
  due_changed: 'blue',
  merged: 'purple',
};

/** A task's state in a list, with the day a snoozed task comes back. */
export function CareTaskStatusCell({ task: c }: { task: Pick<CareTask, 'id' | 'status' | 'snoozedUntil'> }) {
  const { t } = useI18n();
  return (
    <div data-testid={`task-status-${c.id}`} data-status={c.status}>
      <CareStatusTag status={c.status} />
      {c.status === 'snoozed' && c.snoozedUntil && (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('care.snoozedUntil', { date: c.snoozedUntil })}
          </Typography.Text>
        </div>
      )}
    </div>
  );
}

// ---------- drift radar ----------
export const DRIFT_REASONS: DriftReasonKind[] = [...DRIFT_REASON_KINDS];
export const DRIFT_REASON_KEYS: Record<DriftReasonKind, MsgKey> = {
  no_talk: 'drift.reason.no_talk',
  reading_falling: 'drift.reason.reading_falling',
  not_reading: 'drift.reason.not_reading',
  absences: 'drift.reason.absences',
  inactive_app: 'drift.reason.inactive_app',
  lost_contact_suspected: 'drift.reason.lost_contact_suspected',
  lost_contact: 'drift.reason.lost_contact',
  no_share: 'drift.reason.no_share',
};
export const DRIFT_REASON_COLORS: Record<DriftReasonKind, string> = {
  no_talk: 'orange',
  reading_falling: 'gold',
  not_reading: 'gold',
  absences: 'volcano',
  inactive_app: 'default',
  lost_contact_suspected: 'red',
  lost_contact: 'red',
  no_share: 'cyan',
};

export function DriftLevelTag({ level }: { level: DriftRow['level'] }) {
  const { t } = useI18n();
  return (
    <Tag color={level === 'high' ? 'red' : 'orange'} style={{ marginInlineEnd: 0 }} data-level={level}>
      {t(level === 'high' ? 'drift.level.high' : 'drift.level.medium')}
    </Tag>
  );
}

// ---------- timeline ----------
export const TIMELINE_KIND_KEYS: Record<TimelineKind, MsgKey> = {
  joined: 'timeline.kind.joined',
  moved: 'timeline.kind.moved',
  returned: 'timeline.kind.returned',
  mentor: 'timeline.kind.mentor',
  talk: 'timeline.kind.talk',
  session: 'timeline.kind.session',
  makeup: 'timeline.kind.makeup',
  reading: 'timeline.kind.reading',
  task: 'timeline.kind.task',
  delivery: 'timeline.kind.delivery',
  card: 'timeline.kind.card',
  contact: 'timeline.kind.contact',
  lost_contact: 'timeline.kind.lost_contact',
  share: 'timeline.kind.share',
  service: 'timeline.kind.service',
};
export const TIMELINE_KIND_COLORS: Record<TimelineKind, string> = {
  joined: 'red',
  moved: 'blue',
  returned: 'green',
  mentor: 'purple',
  talk: 'magenta',
  session: 'cyan',
  makeup: 'cyan',
  reading: 'geekblue',
  task: 'orange',
  delivery: 'volcano',
  card: 'gold',
  contact: 'green',
  lost_contact: 'red',
  share: 'lime',
  service: 'red',
};

/** Timeline dots take CSS colours (the tag colours above are antd presets). */
export const TIMELINE_KIND_DOTS: Record<TimelineKind, string> = {
  joined: '#cf1322',
  moved: '#1677ff',
  returned: '#389e0d',
  mentor: '#722ed1',
  talk: '#c41d7f',
  session: '#08979c',
  makeup: '#13c2c2',
  reading: '#2f54eb',
  task: '#fa8c16',
  delivery: '#d4380d',
  card: '#d4b106',
  contact: '#52c41a',
  lost_contact: '#a8071a',
  share: '#7cb305',
  service: '#eb2f96',
};

// ---------- shared bits ----------
/** The console on a phone (branch secretaries use it there): drawers take the whole width. */
export function useIsPhone(): boolean {
  return Grid.useBreakpoint().md === false;
}

/** A tab's or card's failure: 无权查看 for a 403 (care records are for the mentor and the secretaries above), else the message. */
export function LoadFailure({ error }: { error: ApiError }) {
  const { t } = useI18n();
  if (error.status === 403)
    return (
      <div data-testid="care-forbidden">
      <Empty
        image={<LockOutlined aria-hidden style={{ fontSize: 40, color: '#bfbfbf' }} />}
        description={
          <>
            <Typography.Text strong>{t('care.forbidden')}</Typography.Text>
            <div>
              <Typography.Text type="secondary">{t('care.forbiddenHint')}</Typography.Text>
            </div>
          </>
        }
      />
      </div>
    );
  return <Alert type="error" showIcon title={errorText(error, t('error.generic'), t('error.network'))} />;
}
