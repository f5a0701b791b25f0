import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Progress, Select, Space, Spin, Tag, Tooltip, Typography, Upload } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { SESSION_KINDS as SHARED_SESSION_KINDS, STUDY_CATEGORIES as SHARED_STUDY_CATEGORIES, STUDY_ITEM_KINDS } from '../../../shared/enums.ts';
import { endpoints, uploadFile } from '../api.ts';
import { errorText, useDebounced } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MsgKey } from '../messages.ts';
import type { AttendanceStatus, PushStatus, PushSummary, CareTaskKind, CareTaskStatus, SessionKind, SessionMode, SessionStatus, StoredFile, StudyCategory, StudyItemKind, StudyItemSummary } from '../types.ts';

// ---------- labels ----------
type PushAudience = PushSummary['audience'];
export const PUSH_STATUS_KEYS: Record<PushStatus, MsgKey> = { planned: 'push.status.planned', delivered: 'push.status.delivered', cancelled: 'push.status.cancelled' };
export const PUSH_STATUS_COLORS: Record<PushStatus, string> = { planned: 'blue', delivered: 'green', cancelled: 'default' };
const AUDIENCE_KEYS: Record<PushAudience, MsgKey> = { subtree: 'push.audience.subtree', mobile: 'push.audience.mobile', list: 'push.audience.list' };

export function audienceText(t: (k: MsgKey) => string, a: PushAudience): string {
  return t(AUDIENCE_KEYS[a]);
}

export const STUDY_KINDS: StudyItemKind[] = [...STUDY_ITEM_KINDS];
export const STUDY_KIND_KEYS: Record<StudyItemKind, MsgKey> = {
  article: 'study.kind.article',
  audio: 'study.kind.audio',
  video: 'study.kind.video',
  pdf: 'study.kind.pdf',
};
export const STUDY_KIND_COLORS: Record<StudyItemKind, string> = { article: 'blue', audio: 'purple', video: 'magenta', pdf: 'orange' };
export const STUDY_CATEGORIES: StudyCategory[] = [...SHARED_STUDY_CATEGORIES];
export const STUDY_CATEGORY_KEYS: Record<StudyCategory, MsgKey> = {
  party_history: 'study.category.party_history',
  theory: 'study.category.theory',
  policy: 'study.category.policy',
  micro_lecture: 'study.category.micro_lecture',
  home_news: 'study.category.home_news',
  other: 'study.category.other',
};
export const SESSION_KINDS: SessionKind[] = [...SHARED_SESSION_KINDS];
export const SESSION_KIND_KEYS: Record<SessionKind, MsgKey> = {
  online_class: 'session.kind.online_class',
  members_meeting: 'session.kind.members_meeting',
  committee_meeting: 'session.kind.committee_meeting',
  group_meeting: 'session.kind.group_meeting',
  party_lecture: 'session.kind.party_lecture',
  theme_day: 'session.kind.theme_day',
};
export const SESSION_MODE_KEYS: Record<SessionMode, MsgKey> = { online: 'session.mode.online', on_site: 'session.mode.on_site', both: 'session.mode.both' };
export const SESSION_STATUS_KEYS: Record<SessionStatus, MsgKey> = { planned: 'session.status.planned', closed: 'session.status.closed', cancelled: 'session.status.cancelled' };
const SESSION_STATUS_COLORS: Record<SessionStatus, string> = { planned: 'blue', closed: 'default', cancelled: 'red' };
export const ATTENDANCE_KEYS: Record<AttendanceStatus, MsgKey> = {
  invited: 'attendance.invited',
  present: 'attendance.present',
  late: 'attendance.late',
  excused: 'attendance.excused',
  absent: 'attendance.absent',
  made_up: 'attendance.made_up',
};
const ATTENDANCE_COLORS: Record<AttendanceStatus, string> = { invited: 'default', present: 'green', late: 'gold', excused: 'blue', absent: 'red', made_up: 'cyan' };
export const CARE_KIND_KEYS: Record<CareTaskKind, MsgKey> = {
  absence_streak: 'care.kind.absence_streak',
  unread_streak: 'care.kind.unread_streak',
  follow_up: 'care.kind.follow_up',
  visit: 'care.kind.visit',
  hardship: 'care.kind.hardship',
  lost_contact: 'care.kind.lost_contact',
  unreachable: 'care.kind.unreachable',
  other: 'care.kind.other',
};
export const CARE_STATUS_KEYS: Record<CareTaskStatus, MsgKey> = { open: 'care.status.open', snoozed: 'care.status.snoozed', done: 'care.status.done', dropped: 'care.status.dropped' };
const CARE_STATUS_COLORS: Record<CareTaskStatus, string> = { open: 'red', snoozed: 'gold', done: 'green', dropped: 'default' };

/** A planned session between its start and end is shown as under way. */
export function SessionStatusTag({ status, startsAt, endsAt }: { status: SessionStatus; startsAt?: string; endsAt?: string }) {
  const { t } = useI18n();
  const now = Date.now();
  if (status === 'planned' && startsAt && endsAt && Date.parse(startsAt) <= now && now < Date.parse(endsAt))
    return (
      <Tag color="green" style={{ marginInlineEnd: 0 }}>
        {t('session.status.ongoing')}
      </Tag>
    );
  return (
    <Tag color={SESSION_STATUS_COLORS[status]} style={{ marginInlineEnd: 0 }}>
      {t(SESSION_STATUS_KEYS[status])}
    </Tag>
  );
}

export function AttendanceTag({ status }: { status: AttendanceStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={ATTENDANCE_COLORS[status]} style={{ marginInlineEnd: 0 }} data-status={status}>
      {t(ATTENDANCE_KEYS[status])}
    </Tag>
  );
}

export function CareStatusTag({ status }: { status: CareTaskStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={CARE_STATUS_COLORS[status]} style={{ marginInlineEnd: 0 }}>
      {t(CARE_STATUS_KEYS[status])}
    </Tag>
  );
}

export function StudyKindTag({ kind }: { kind: StudyItemKind }) {
  const { t } = useI18n();
  return (
    <Tag color={STUDY_KIND_COLORS[kind]} style={{ marginInlineEnd: 0 }}>
      {t(STUDY_KIND_KEYS[kind])}
    </Tag>
  );
}

/** 0..1 → "87%" ("—" when there is nothing to measure). */
export function percentText(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${Math.round(rate * 1000) / 10}%`;
}

/** Delivered / opened / read as one bar: opened in blue, read in green. */
export function PushStatsBar({ stats, width = 160 }: { stats: { delivered: number; opened: number; read: number }; width?: number }) {
  const { t } = useI18n();
  const { delivered, opened, read } = stats;
  if (delivered === 0) return <Typography.Text type="secondary">{t('push.notDelivered')}</Typography.Text>;
  const openedPct = Math.round((opened / delivered) * 100);
  const readPct = Math.round((read / delivered) * 100);
  return (
    <Tooltip title={t('push.statsTip', { delivered, opened, read })}>
      <div style={{ width }} aria-label={t('push.statsTip', { delivered, opened, read })}>
        <Progress percent={openedPct} success={{ percent: readPct }} size="small" format={() => `${read}/${delivered}`} />
      </div>
    </Tooltip>
  );
}

// ---------- uploads ----------
export type UploadPurpose = 'study' | 'attachment' | 'share' | 'news';

export function uploadStoredFile(purpose: UploadPurpose, file: File, onProgress: (p: number) => void): Promise<StoredFile> {
  return uploadFile<StoredFile>(`/api/files?purpose=${purpose}`, file, onProgress);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

interface FileFieldProps {
  id?: string;
  /** the stored file's id (form value) */
  value?: string | null;
  onChange?: (id: string | null) => void;
  purpose: UploadPurpose;
  accept: string;
  /** what is already stored, to show its name before any new upload */
  initialFile?: StoredFile | null;
  testId?: string;
}

/** A form field holding one uploaded file's id: choose a file, see the upload's progress, remove it. */
export function FileField({ id, value, onChange, purpose, accept, initialFile, testId }: FileFieldProps) {
  const { t } = useI18n();
  const [file, setFile] = useState<StoredFile | null>(initialFile ?? null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = file && file.id === value ? file : null;

  const start = async (f: File) => {
    setError(null);
    setPercent(0);
    try {
      const stored = await uploadStoredFile(purpose, f, setPercent);
      setFile(stored);
      onChange?.(stored.id);
    } catch (e) {
      setError(errorText(e, t('upload.failed'), t('error.network')));
    } finally {
      setPercent(null);
    }
  };

  return (
    <div data-testid={testId}>
      <Space wrap>
        <Upload
          accept={accept}
          showUploadList={false}
          maxCount={1}
          disabled={percent !== null}
          beforeUpload={(f) => {
            void start(f);
            return false;
          }}
        >
          <Button id={id} icon={<UploadOutlined aria-hidden />} loading={percent !== null}>
            {value ? t('upload.replace') : t('upload.choose')}
          </Button>
        </Upload>
        {shown && (
          <Space size={4}>
            <PaperClipOutlined aria-hidden />
            <a href={shown.url || `/api/files/${shown.id}`} target="_blank" rel="noreferrer">
              {shown.fileName}
            </a>
            <Typography.Text type="secondary">{formatBytes(shown.sizeBytes)}</Typography.Text>
          </Space>
        )}
        {!shown && value && <Typography.Text type="secondary">{t('upload.stored')}</Typography.Text>}
        {value && (
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined aria-hidden />}
            aria-label={t('upload.remove')}
            onClick={() => {
              setFile(null);
              onChange?.(null);
            }}
          />
        )}
      </Space>
      {percent !== null && <Progress percent={percent} status="active" size="small" aria-label={t('upload.progress')} style={{ maxWidth: 360 }} />}
      {error && (
        <div>
          <Typography.Text type="danger">{error}</Typography.Text>
        </div>
      )}
    </div>
  );
}

// ---------- pickers ----------
interface Option {
  value: string;
  label: string;
}

interface StudyItemPickerProps {
  id?: string;
  value?: string[];
  onChange?: (ids: string[]) => void;
  /** titles of items already chosen */
  initial?: Pick<StudyItemSummary, 'id' | 'title'>[];
  placeholder?: string;
  testId?: string;
}

/** Several study items from the library, searched on the server; keeps the order they were chosen in. */
export function StudyItemPicker({ id, value, onChange, initial, placeholder, testId }: StudyItemPickerProps) {
  const { t } = useI18n();
  const search = useCallback(
    (q: string | undefined) =>
      endpoints.studyItems.list({ q, page: 1, pageSize: 30 }).then((list) => list.items.map((i) => ({ value: i.id, label: `${i.title} · ${t(STUDY_KIND_KEYS[i.kind])}`, name: i.title }))),
    [t],
  );
  return (
    <SearchMultiSelect
      id={id}
      testId={testId}
      value={value}
      onChange={onChange}
      placeholder={placeholder ?? t('study.pickPlaceholder')}
      initial={initial?.map((i) => ({ value: i.id, label: i.title }))}
      search={search}
    />
  );
}

interface MembersPickerProps {
  id?: string;
  value?: string[];
  onChange?: (ids: string[]) => void;
  orgId?: string | undefined;
  initial?: { id: string; name: string }[];
  testId?: string;
}

/** Several members, searched on the server inside a unit (the multiple form of MemberPicker). */
export function MembersPicker({ id, value, onChange, orgId, initial, testId }: MembersPickerProps) {
  const { t } = useI18n();
  const search = useCallback(
    (q: string | undefined) =>
      endpoints.members.list({ q, orgId, page: 1, pageSize: 30 }).then((list) => list.items.map((m) => ({ value: m.id, label: `${m.name} · ${m.orgName}`, name: m.name }))),
    [orgId],
  );
  return (
    <SearchMultiSelect
      id={id}
      testId={testId}
      value={value}
      onChange={onChange}
      placeholder={t('member.pickPlaceholder')}
      initial={initial?.map((m) => ({ value: m.id, label: m.name }))}
      search={search}
    />
  );
}

interface SearchMultiSelectProps {
  id?: string | undefined;
  testId?: string | undefined;
  value?: string[] | undefined;
  onChange?: ((ids: string[]) => void) | undefined;
  placeholder: string;
  /** labels of values already chosen */
  initial: Option[] | undefined;
  /** the options for the typed text (undefined: nothing typed); `name` is what a chosen value shows once the results move on */
  search: (q: string | undefined) => Promise<(Option & { name: string })[]>;
}

/** Several values searched on the server as the user types; keeps the order they were chosen in and their labels. */
function SearchMultiSelect({ id, testId, value, onChange, placeholder, initial, search }: SearchMultiSelectProps) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed, 300);
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  // the labels of chosen values, so they stay readable when the search results change
  const labels = useRef(new Map<string, string>()).current;
  for (const o of initial ?? []) if (!labels.has(o.value)) labels.set(o.value, o.label);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    search(q.trim() || undefined)
      .then((found) => {
        if (!alive) return;
        for (const f of found) labels.set(f.value, f.name);
        setOptions(found.map((f) => ({ value: f.value, label: f.label })));
      })
      .catch(() => alive && setOptions([]))
      .finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [q, search, labels]);

  const chosen = (value ?? []).filter((v) => !options.some((o) => o.value === v)).map((v) => ({ value: v, label: labels.get(v) ?? v }));
  return (
    <Select<string[], Option>
      id={id}
      data-testid={testId}
      mode="multiple"
      value={value ?? []}
      onChange={(v) => onChange?.(v)}
      showSearch={{ filterOption: false, onSearch: setTyped }}
      placeholder={placeholder}
      options={[...chosen, ...options]}
      notFoundContent={loading ? <Spin size="small" /> : t('common.noMatch')}
      style={{ width: '100%' }}
    />
  );
}
