import { App, Button, Card, Form, InputNumber, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { PageHeader } from '../components/common.tsx';
import { applyFormIssues, useApi, useShowError } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { Settings } from '../types.ts';

export function SettingsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const res = useApi<Settings>('/api/settings');
  const [form] = Form.useForm<Settings>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (res.data) form.setFieldsValue(res.data);
  }, [res.data, form]);

  const save = async (v: Settings) => {
    setBusy(true);
    try {
      const saved = await api.put<Settings>('/api/settings', v);
      res.setData(saved);
      void message.success(t('common.saved'));
    } catch (e) {
      if (!applyFormIssues(form, e, ['lostContactDays', 'shouldTransferMonths'])) showError(e);
    } finally {
      setBusy(false);
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
          <Form<Settings> form={form} layout="vertical" name="settings" onFinish={(v) => void save(v)}>
            <Form.Item
              label={t('settings.lostContactDays')}
              name="lostContactDays"
              extra={t('settings.lostContactDaysHint')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={1} max={3650} precision={0} suffix={t('settings.days')} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              label={t('settings.shouldTransferMonths')}
              name="shouldTransferMonths"
              extra={t('settings.shouldTransferMonthsHint')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={1} max={120} precision={0} suffix={t('settings.months')} style={{ width: 200 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Form>
        )}
      </Card>
    </>
  );
}
