import { GlobalOutlined, LockOutlined, MobileOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApiMutation } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MeAccount } from '../../types.ts';

interface LoginForm {
  phone: string;
  password: string;
}

export function LoginPage({ onLoggedIn }: { onLoggedIn: (me: MeAccount) => void }) {
  const { t, lang, setLang } = useI18n();
  const [form] = Form.useForm<LoginForm>();
  const login = useApiMutation(endpoints.auth.login, { changes: [] });
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: LoginForm) => {
    setError(null);
    try {
      onLoggedIn(await login.mutateAsync({ phone: values.phone.trim(), password: values.password }));
    } catch (e) {
      if (!applyFormIssues(form, e, ['phone', 'password'])) setError(errorText(e, t('login.failed'), t('error.network')));
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(160deg, #fff5f5 0%, #f5f6f8 55%)',
        padding: 16,
      }}
    >
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <Button type="text" icon={<GlobalOutlined aria-hidden />} title={t('header.switchLanguage')} onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')}>
          {lang === 'zh-CN' ? 'English' : '中文'}
        </Button>
      </div>
      <Card style={{ width: 380, boxShadow: '0 8px 24px rgba(0,0,0,0.06)' }}>
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <div
            aria-hidden
            style={{ width: 48, height: 48, margin: '0 auto 12px', borderRadius: 10, background: '#c41d1d', color: '#fff', fontSize: 24, fontWeight: 700, display: 'flex', alignItems: 'center', justifyContent: 'center' }}
          >
            连
          </div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </div>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form<LoginForm> form={form} layout="vertical" name="login" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item label={t('login.phone')} name="phone" rules={[{ required: true, message: t('login.phoneRequired') }]}>
            <Input prefix={<MobileOutlined aria-hidden />} autoComplete="username" inputMode="tel" size="large" placeholder={t('login.phonePlaceholder')} />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
