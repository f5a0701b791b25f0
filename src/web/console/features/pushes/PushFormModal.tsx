import { Alert, App, DatePicker, Form, Input, InputNumber, Modal, Progress, Radio, Space, Switch, TimePicker, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { PushDetail, PushInput, PushPatch, PushSummary } from '../../types.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { MembersPicker, StudyItemPicker } from '../../components/learning.tsx';
import { chinaToday } from '../../china-day.ts';

interface FormValues {
  orgId: string;
  title: string;
  date: Dayjs;
  time: Dayjs;
  itemIds: string[];
  audience: 'subtree' | 'mobile' | 'list';
  memberIds: string[];
  series: boolean;
  days: number;
}

const FIELDS = ['orgId', 'title', 'itemIds', 'audience', 'memberIds', 'date'] as const;

/** The form has a date and a time where the contract has plannedAt: show its issues on the date. */
function onFormFields(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  return new ApiError(e.status, e.code, e.message, e.issues.map((i) => (/(^|[./])plannedAt$/.test(i.field) ? { ...i, field: 'date' } : i)));
}

interface Props {
  open: boolean;
  /** editing a planned push; otherwise a new one (or a series) */
  push?: PushDetail | null;
  defaultOrgId?: string | undefined;
  defaultDate?: Dayjs | undefined;
  onClose: () => void;
  /** the created or updated pushes (a series gives several) */
  onSaved: (pushes: PushSummary[]) => void;
}

/** plannedAt as an ISO time with the browser's offset: the day and hour the secretary picked, where they are. */
function plannedAt(date: Dayjs, time: Dayjs): string {
  return date.hour(time.hour()).minute(time.minute()).second(0).millisecond(0).format();
}

export function PushFormModal({ open, push, defaultOrgId, defaultDate, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const orgs = useOrgs();
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const audience = Form.useWatch('audience', form);
  const orgId = Form.useWatch('orgId', form);
  const series = Form.useWatch('series', form) ?? false;
  const itemIds = Form.useWatch('itemIds', form) ?? [];
  const days = Form.useWatch('days', form) ?? 0;
  const editing = !!push;

  useEffect(() => {
    if (!open) return;
    setProgress(null);
    setFailure(null);
    form.resetFields();
    if (push) {
      const at = dayjs(push.plannedAt);
      form.setFieldsValue({ orgId: push.orgId, title: push.title, date: at, time: at, itemIds: push.items.map((i) => i.id), audience: push.audience, memberIds: push.memberIds, series: false, days: 1 });
    } else {
      const first = orgs.data?.items[0]?.id;
      const orgValue = defaultOrgId ?? first;
      form.setFieldsValue({
        ...(orgValue ? { orgId: orgValue } : {}),
        date: defaultDate ?? chinaToday().add(1, 'day'),
        time: dayjs().hour(8).minute(0),
        itemIds: [],
        audience: 'subtree',
        memberIds: [],
        series: false,
        days: 7,
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fill the form each time it opens
  }, [open, push]);

  useEffect(() => {
    const first = orgs.data?.items[0]?.id;
    if (open && !push && first && !form.getFieldValue('orgId')) form.setFieldValue('orgId', defaultOrgId ?? first);
  }, [orgs.data, open, push, defaultOrgId, form]);

  const save = async (v: FormValues) => {
    setBusy(true);
    setFailure(null);
    const memberIds = v.audience === 'list' ? (v.memberIds ?? []) : [];
    try {
      if (push) {
        const body: PushPatch = { title: v.title, plannedAt: plannedAt(v.date, v.time), itemIds: v.itemIds, audience: v.audience, memberIds };
        const saved = await endpoints.pushes.update({ id: push.id }, body);
        void message.success(t('common.saved'));
        onSaved([saved]);
        return;
      }
      if (!v.series) {
        const body: PushInput = { orgId: v.orgId, title: v.title, plannedAt: plannedAt(v.date, v.time), itemIds: v.itemIds, audience: v.audience, memberIds };
        const saved = await endpoints.pushes.create(body);
        void message.success(t('push.created'));
        onSaved([saved]);
        return;
      }
      // 连续推送: one push a day, the chosen items in order, one each (from the start again if fewer)
      const total = v.days;
      const created: PushSummary[] = [];
      setProgress({ done: 0, total });
      for (let i = 0; i < total; i++) {
        const itemId = v.itemIds[i % v.itemIds.length];
        if (!itemId) break;
        const body: PushInput = {
          orgId: v.orgId,
          title: t('push.seriesTitle', { title: v.title, i: i + 1, n: total }),
          plannedAt: plannedAt(v.date.add(i, 'day'), v.time),
          itemIds: [itemId],
          audience: v.audience,
          memberIds,
        };
        try {
          created.push(await endpoints.pushes.create(body));
        } catch (e) {
          if (i === 0 && applyFormIssues(form, onFormFields(e), FIELDS)) {
            setProgress(null);
            return;
          }
          setFailure(t('push.seriesFailed', { done: i, total, error: errorText(e, t('error.generic'), t('error.network')) }));
          if (created.length > 0) onSaved(created);
          return;
        }
        setProgress({ done: i + 1, total });
      }
      void message.success(t('push.seriesCreated', { n: created.length }));
      onSaved(created);
    } catch (e) {
      if (!applyFormIssues(form, onFormFields(e), FIELDS)) setFailure(errorText(e, t('error.generic'), t('error.network')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? t('push.editTitle') : t('push.create')}
      width={680}
      onCancel={requestClose}
      onOk={() => form.submit()}
      okText={series && !editing ? t('push.createSeries', { n: days || 0 }) : t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'save-push' } as ButtonProps}
      // the form stays mounted so it can be filled before the dialog shows
      forceRender
    >
      <Form<FormValues> form={form} layout="vertical" name="push" onValuesChange={markChanged} onFinish={(v) => void save(v)}>
        <Form.Item label={t('push.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]} extra={t('push.orgHint')}>
          <OrgTreeSelect orgs={orgs.data?.items} disabled={editing} allowClear={false} data-testid="push-org" />
        </Form.Item>
        <Form.Item label={t('push.title')} name="title" rules={[{ required: true, whitespace: true, message: t('push.titleRequired') }, { max: 180 }]}>
          <Input maxLength={180} data-testid="push-title" placeholder={t('push.titlePlaceholder')} />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item label={series ? t('push.startDate') : t('push.date')} name="date" rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker allowClear={false} data-testid="push-date" />
          </Form.Item>
          <Form.Item label={t('push.time')} name="time" rules={[{ required: true, message: t('common.required') }]}>
            <TimePicker format="HH:mm" minuteStep={5} allowClear={false} data-testid="push-time" />
          </Form.Item>
        </Space>
        <Form.Item label={t('push.items')} name="itemIds" rules={[{ required: true, type: 'array', min: 1, message: t('push.itemsRequired') }]} extra={series ? t('push.seriesItemsHint') : undefined}>
          <StudyItemPicker initial={push?.items} testId="push-items" />
        </Form.Item>
        <Form.Item label={t('push.audience')} name="audience" rules={[{ required: true }]}>
          <Radio.Group
            data-testid="push-audience"
            options={[
              { value: 'subtree', label: t('push.audience.subtree') },
              { value: 'mobile', label: t('push.audience.mobile') },
              { value: 'list', label: t('push.audience.list') },
            ]}
          />
        </Form.Item>
        {audience === 'list' && (
          <Form.Item label={t('push.members')} name="memberIds" rules={[{ required: true, type: 'array', min: 1, message: t('push.membersRequired') }]}>
            <MembersPicker orgId={orgId} testId="push-members" />
          </Form.Item>
        )}
        {!editing && (
          <Space size={16} align="start" wrap>
            <Form.Item label={t('push.series')} name="series" valuePropName="checked" extra={t('push.seriesHint')}>
              <Switch data-testid="push-series" />
            </Form.Item>
            {series && (
              <Form.Item label={t('push.seriesDays')} name="days" rules={[{ required: true, message: t('common.required') }]}>
                <InputNumber min={1} max={60} precision={0} suffix={t('settings.days')} data-testid="push-series-days" />
              </Form.Item>
            )}
          </Space>
        )}
        {series && !editing && itemIds.length > 0 && days > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            {t('push.seriesPreview', { n: days, from: form.getFieldValue('date')?.format?.('YYYY-MM-DD') ?? '', to: (form.getFieldValue('date') as Dayjs | undefined)?.add(days - 1, 'day').format('YYYY-MM-DD') ?? '' })}
          </Typography.Paragraph>
        )}
        {progress && (
          <div data-testid="push-series-progress">
            <Typography.Text>{t('push.seriesProgress', { done: progress.done, total: progress.total })}</Typography.Text>
            <Progress percent={Math.round((progress.done / Math.max(1, progress.total)) * 100)} status={failure ? 'exception' : progress.done === progress.total ? 'success' : 'active'} />
          </div>
        )}
        {failure && <Alert type="error" showIcon title={failure} />}
      </Form>
    </Modal>
  );
}
