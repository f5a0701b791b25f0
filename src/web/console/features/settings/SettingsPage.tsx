import { Alert, App, Button, Card, Divider, Form, InputNumber, Skeleton, Space, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { applyFormIssues, useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import type { Settings } from '../../types.ts';
import { useSession } from '../../session.tsx';

const FIELDS = [
  'lostContactDays',
  'shouldTransferMonths',
  'makeupDays',
  'pushReminderHours',
  'readMinSeconds',
  'absenceStreakSessions',
  'unreadStreakDays',
  'talkCadenceDays',
  'talkCadenceHomeDays',
  'inactiveDays',
  'noShareMonths',
  'invitationDays',
  'rememberDays',
  'escalateAfterHours',
  'unreachableDays',
  'quietHoursStart',
  'quietHoursEnd',
  'smsDailyCap',
  'questionAnswerDays',
] as const;

/** The learning rules (不缺课、不漏学): the limits match the server's. */
const LEARNING_RULES: { name: keyof Settings; label: MsgKey; hint: MsgKey; min: number; max: number; unit: MsgKey }[] = [
  { name: 'makeupDays', label: 'settings.makeupDays', hint: 'settings.makeupDaysHint', min: 1, max: 365, unit: 'settings.days' },
  { name: 'pushReminderHours', label: 'settings.pushReminderHours', hint: 'settings.pushReminderHoursHint', min: 1, max: 720, unit: 'settings.hours' },
  { name: 'readMinSeconds', label: 'settings.readMinSeconds', hint: 'settings.readMinSecondsHint', min: 10, max: 3600, unit: 'settings.seconds' },
  { name: 'absenceStreakSessions', label: 'settings.absenceStreakSessions', hint: 'settings.absenceStreakSessionsHint', min: 1, max: 12, unit: 'settings.sessionsUnit' },
  { name: 'unreadStreakDays', label: 'settings.unreadStreakDays', hint: 'settings.unreadStreakDaysHint', min: 3, max: 365, unit: 'settings.days' },
];

/** The care rules (党内关怀, 流失预警): how often to talk, when app silence counts as drifting. */
const CARE_RULES: { name: keyof Settings; label: MsgKey; hint: MsgKey; min: number; max: number; unit: MsgKey }[] = [
  { name: 'talkCadenceDays', label: 'settings.talkCadenceDays', hint: 'settings.talkCadenceDaysHint', min: 7, max: 365, unit: 'settings.days' },
  { name: 'talkCadenceHomeDays', label: 'settings.talkCadenceHomeDays', hint: 'settings.talkCadenceHomeDaysHint', min: 0, max: 730, unit: 'settings.days' },
  { name: 'inactiveDays', label: 'settings.inactiveDays', hint: 'settings.inactiveDaysHint', min: 7, max: 365, unit: 'settings.days' },
  { name: 'noShareMonths', label: 'settings.noShareMonths', hint: 'settings.noShareMonthsHint', min: 1, max: 12, unit: 'settings.months' },
  { name: 'questionAnswerDays', label: 'settings.questionAnswerDays', hint: 'settings.questionAnswerDaysHint', min: 1, max: 30, unit: 'settings.workingDays' },
];

/** Reaching members (邀请开通, 通知): invitation links, remembered phones, escalation, who counts as unreachable, SMS limits. */
const REACH_RULES: { name: keyof Settings; label: MsgKey; hint: MsgKey; min: number; max: number; unit: MsgKey }[] = [
  { name: 'invitationDays', label: 'settings.invitationDays', hint: 'settings.invitationDaysHint', min: 1, max: 60, unit: 'settings.days' },
  { name: 'rememberDays', label: 'settings.rememberDays', hint: 'settings.rememberDaysHint', min: 1, max: 365, unit: 'settings.days' },
  { name: 'escalateAfterHours', label: 'settings.escalateAfterHours', hint: 'settings.escalateAfterHoursHint', min: 1, max: 720, unit: 'settings.hours' },
  { name: 'unreachableDays', label: 'settings.unreachableDays', hint: 'settings.unreachableDaysHint', min: 1, max: 365, unit: 'settings.days' },
  { name: 'smsDailyCap', label: 'settings.smsDailyCap', hint: 'settings.smsDailyCapHint', min: 1, max: 20, unit: 'settings.smsUnit' },
];

/** A "HH:MM" setting shown in a time picker (any day: only the time is read). */
const timeProps = (v: unknown) => ({ value: typeof v === 'string' && /^\d{2}:\d{2}$/.test(v) ? dayjs(`2000-01-01T${v}:00`) : null });
const timeValue = (d: Dayjs | null) => (d ? d.format('HH:mm') : d);

export function SettingsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.settings.get.at());
  const [form] = Form.useForm<Settings>();
  const saveRules = useApiMutation(endpoints.settings.update, { changes: ['settings'] });
  // The rules are the whole organization's: other secretaries read them here, changes come from above.
  const editable = useSession().me.canEditSettings;

  useEffect(() => {
    if (res.data) form.setFieldsValue(res.data);
  }, [res.data, form]);

  const save = async (v: Settings) => {
    try {
      res.setData(await saveRules.mutateAsync(v));
      void message.success(t('common.saved'));
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) showError(e);
    }
  };

  return (
    <>
      <PageHeader title={t('settings.title')} sub={t('settings.sub')} />
      <Card title={t('settings.rules')} style={{ maxWidth: 720 }}>
        {res.loading && !res.data ? (
          <Skeleton active />
        ) : res.error ? (
          <Typography.Text type="danger">{res.error.message || t('error.generic')}</Typography.Text>
        ) : (
          <Form<Settings> form={form} layout="vertical" name="settings" disabled={!editable} onFinish={(v) => void save(v)}>
            {!editable && <Alert type="info" showIcon title={t('settings.readOnly')} style={{ marginBottom: 16 }} data-testid="settings-read-only" />}
            <Form.Item
              label={t('settings.lostContactDays')}
              name="lostContactDays"
              extra={t('settings.lostContactDaysHint')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={30} max={3650} precision={0} suffix={t('settings.days')} style={{ width: 200 }} data-testid="setting-lostContactDays" />
            </Form.Item>
            <Form.Item
              label={t('settings.shouldTransferMonths')}
              name="shouldTransferMonths"
              extra={t('settings.shouldTransferMonthsHint')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={1} max={120} precision={0} suffix={t('settings.months')} style={{ width: 200 }} />
            </Form.Item>
            <Divider titlePlacement="start">{t('settings.learningRules')}</Divider>
            {LEARNING_RULES.map((r) => (
              <Form.Item key={r.name} label={t(r.label)} name={r.name} extra={t(r.hint)} rules={[{ required: true, message: t('common.required') }]}>
                <InputNumber min={r.min} max={r.max} precision={0} suffix={t(r.unit)} style={{ width: 200 }} data-testid={`setting-${r.name}`} />
              </Form.Item>
            ))}
            <Divider titlePlacement="start">{t('settings.careRules')}</Divider>
            {CARE_RULES.map((r) => (
              <Form.Item key={r.name} label={t(r.label)} name={r.name} extra={t(r.hint)} rules={[{ required: true, message: t('common.required') }]}>
                <InputNumber min={r.min} max={r.max} precision={0} suffix={t(r.unit)} style={{ width: 200 }} data-testid={`setting-${r.name}`} />
              </Form.Item>
            ))}
            <Divider titlePlacement="start">{t('settings.reachRules')}</Divider>
            {REACH_RULES.map((r) => (
              <Form.Item key={r.name} label={t(r.label)} name={r.name} extra={t(r.hint)} rules={[{ required: true, message: t('common.required') }]}>
                <InputNumber min={r.min} max={r.max} precision={0} suffix={t(r.unit)} style={{ width: 200 }} data-testid={`setting-${r.name}`} />
              </Form.Item>
            ))}
            <Form.Item label={t('settings.quietHours')} extra={t('settings.quietHoursHint')} required>
              <Space wrap>
                <Form.Item name="quietHoursStart" noStyle getValueProps={timeProps} normalize={timeValue} rules={[{ required: true, message: t('common.required') }]}>
                  <TimePicker format="HH:mm" minuteStep={5} allowClear={false} needConfirm={false} aria-label={t('settings.quietHoursStart')} placeholder={t('settings.quietHoursStart')} data-testid="setting-quietHoursStart" />
                </Form.Item>
                <Typography.Text type="secondary">{t('settings.quietHoursTo')}</Typography.Text>
                <Form.Item name="quietHoursEnd" noStyle getValueProps={timeProps} normalize={timeValue} rules={[{ required: true, message: t('common.required') }]}>
                  <TimePicker format="HH:mm" minuteStep={5} allowClear={false} needConfirm={false} aria-label={t('settings.quietHoursEnd')} placeholder={t('settings.quietHoursEnd')} data-testid="setting-quietHoursEnd" />
                </Form.Item>
              </Space>
            </Form.Item>
            {editable && (
              <Button type="primary" htmlType="submit" loading={saveRules.isPending} data-testid="settings-save">
                {t('common.save')}
              </Button>
            )}
          </Form>
        )}
      </Card>
    </>
  );
}
