import { Alert, App, Button, Card, Divider, Form, Input, Popconfirm, Radio, Select, Skeleton, Space, Switch, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { at } from '../channels/labels.ts';
import type { SmsSettings as Settings, SmsSettingsInput, SmsTemplateKey, SmsTestResult } from '../../../../shared/api-sms.ts';
import { SMS_TEMPLATE_KEYS } from '../../../../shared/enums.ts';

const FIELDS = ['kind', 'enabled', 'accessKeyId', 'secret', 'signName', 'sdkAppId'] as const;

type FormValues = Omit<SmsSettingsInput, 'rotateReceiptKey'>;

/**
 * 短信服务: the tenant's SMS provider (阿里云 / 腾讯云 / the local sink), its key (written, never
 * shown), signature and template IDs, a test message to one's own phone, and the addresses the
 * provider posts delivery receipts to. The administrator's alone (settings.write).
 */
export function SmsSettings() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.sms.settings.at());
  const [form] = Form.useForm<FormValues>();
  const save = useApiMutation(endpoints.sms.save, { changes: ['notify'] });
  const test = useApiMutation(endpoints.sms.test, { changes: ['notify'] });
  const [testKey, setTestKey] = useState<SmsTemplateKey>('study');
  const [answer, setAnswer] = useState<SmsTestResult | null>(null);
  const kind = Form.useWatch('kind', form) ?? res.data?.kind ?? 'aliyun';

  useEffect(() => {
    if (!res.data) return;
    const d = res.data;
    form.setFieldsValue({ kind: d.configured ? d.kind : 'aliyun', enabled: d.enabled, accessKeyId: d.accessKeyId, signName: d.signName, sdkAppId: d.sdkAppId, templates: d.templates, secret: undefined });
  }, [res.data, form]);

  const submit = async (v: FormValues) => {
    try {
      const body: SmsSettingsInput = { ...v, secret: v.secret ? v.secret : undefined };
      res.setData(await save.mutateAsync(body));
      form.setFieldValue('secret', undefined);
      void message.success(t('sms.saved'));
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) showError(e);
    }
  };

  const rotate = async (d: Settings) => {
    try {
      res.setData(await save.mutateAsync({ kind: d.kind, enabled: d.enabled, rotateReceiptKey: true }));
      void message.success(t('sms.receipts.rotated'));
    } catch (e) {
      showError(e);
    }
  };

  const sendTest = async () => {
    setAnswer(null);
    try {
      setAnswer(await test.mutateAsync({ templateKey: testKey }));
    } catch (e) {
      showError(e);
    }
  };

  if (res.loading && !res.data) return <Skeleton active />;
  if (res.error || !res.data) return <Typography.Text type="danger">{res.error?.message || t('error.generic')}</Typography.Text>;
  const d = res.data;
  const cloud = kind === 'aliyun' || kind === 'tencent' ? kind : 'aliyun';
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  return (
    <div data-testid="sms-settings" style={{ maxWidth: 760 }}>
      <Typography.Paragraph type="secondary">{t('sms.intro')}</Typography.Paragraph>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('sms.advice.title')}
        description={
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            <li>{t('sms.advice.neutral')}</li>
            <li>{t('sms.advice.signature')}</li>
            <li>{t('sms.advice.templates')}</li>
          </ul>
        }
      />
      <Card
        title={t('sms.title')}
        extra={
          <Space>
            <Typography.Text type="secondary">{t('sms.state')}</Typography.Text>
            <Tag color={d.active ? 'green' : 'default'} data-testid="sms-active">
              {d.active ? t('sms.active') : t('sms.inactive')}
            </Tag>
          </Space>
        }
      >
        {(d.lastSuccessAt || d.lastErrorAt) && (
          <Space direction="vertical" size={0} style={{ marginBottom: 12 }}>
            {d.lastSuccessAt && <Typography.Text type="success">{t('sms.lastSuccess', { time: at(d.lastSuccessAt) })}</Typography.Text>}
            {d.lastErrorAt && <Typography.Text type="danger">{t('sms.lastError', { time: at(d.lastErrorAt), error: d.lastError ?? '' })}</Typography.Text>}
          </Space>
        )}
        <Form<FormValues> form={form} layout="vertical" name="sms-settings" onFinish={(v) => void submit(v)}>
          <Form.Item label={t('sms.kind')} name="kind">
            <Radio.Group data-testid="sms-kind">
              <Space direction="vertical">
                <Radio value="aliyun">{t('sms.kind.aliyun')}</Radio>
                <Radio value="tencent">{t('sms.kind.tencent')}</Radio>
                <Radio value="sink">{t('sms.kind.sink')}</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
          <Form.Item label={t('sms.enabled')} name="enabled" valuePropName="checked">
            <Switch data-testid="sms-enabled" />
          </Form.Item>
          {kind !== 'sink' && (
            <>
              <Form.Item label={t(`sms.accessKeyId.${cloud}`)} name="accessKeyId">
                <Input maxLength={100} autoComplete="off" data-testid="sms-accessKeyId" />
              </Form.Item>
              <Form.Item label={t(`sms.secret.${cloud}`)} name="secret" extra={t('sms.secretHint')}>
                <Input.Password maxLength={200} autoComplete="new-password" placeholder={d.secretSet && d.kind === kind ? t('sms.secretKept') : undefined} data-testid="sms-secret" />
              </Form.Item>
              <Form.Item label={t('sms.signName')} name="signName" extra={t('sms.signNameHint')}>
                <Input maxLength={12} style={{ width: 240 }} data-testid="sms-signName" />
              </Form.Item>
              {kind === 'tencent' && (
                <Form.Item label={t('sms.sdkAppId')} name="sdkAppId" extra={t('sms.sdkAppIdHint')}>
                  <Input maxLength={20} inputMode="numeric" style={{ width: 240 }} data-testid="sms-sdkAppId" />
                </Form.Item>
              )}
              <Divider titlePlacement="start">{t('sms.templates')}</Divider>
              {SMS_TEMPLATE_KEYS.map((key) => (
                <Form.Item key={key} label={t(`sms.template.${key}`)} name={['templates', key]}>
                  <Input maxLength={40} style={{ width: 240 }} placeholder={cloud === 'aliyun' ? 'SMS_123456789' : '1234567'} data-testid={`sms-template-${key}`} />
                </Form.Item>
              ))}
            </>
          )}
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="sms-save">
            {t('sms.save')}
          </Button>
        </Form>
      </Card>

      <Card title={t('sms.test.title')} style={{ marginTop: 16 }}>
        <Typography.Paragraph type="secondary">{t('sms.test.hint')}</Typography.Paragraph>
        <Space wrap>
          <Select<SmsTemplateKey>
            aria-label={t('sms.test.template')}
            value={testKey}
            onChange={setTestKey}
            style={{ width: 180 }}
            options={SMS_TEMPLATE_KEYS.map((key) => ({ value: key, label: t(`sms.template.${key}`) }))}
          />
          <Button onClick={() => void sendTest()} loading={test.isPending} data-testid="sms-test">
            {t('sms.test.send')}
          </Button>
        </Space>
        {answer && (
          <Alert
            style={{ marginTop: 12 }}
            type={answer.ok ? 'success' : 'error'}
            showIcon
            title={answer.ok ? t('sms.test.ok') : t('sms.test.failed')}
            description={
              <>
                <div>{answer.message}</div>
                {answer.detail && !answer.ok && <Typography.Text type="secondary">{t('sms.test.detail', { detail: answer.detail })}</Typography.Text>}
              </>
            }
            data-testid="sms-test-answer"
          />
        )}
      </Card>

      {d.configured && d.kind !== 'sink' && (
        <Card
          title={t('sms.receipts.title')}
          style={{ marginTop: 16 }}
          extra={
            <Popconfirm title={t('sms.receipts.rotateConfirm')} onConfirm={() => void rotate(d)}>
              <Button size="small">{t('sms.receipts.rotate')}</Button>
            </Popconfirm>
          }
        >
          <Typography.Paragraph type="secondary">{t('sms.receipts.hint')}</Typography.Paragraph>
          <Typography.Text strong>{t(`sms.receipts.${d.kind}`)}</Typography.Text>
          <Typography.Paragraph copyable code data-testid="sms-receipt-url">
            {`${origin}${d.receiptPaths[d.kind]}`}
          </Typography.Paragraph>
        </Card>
      )}
    </div>
  );
}
