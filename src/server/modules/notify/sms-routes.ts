import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, setSessionCookies, typed } from '../../http.ts';
import { say } from '../../i18n/translate.ts';
import { langOf } from '../../i18n/lang.ts';
import type { AppServices } from '../../services.ts';
import { MeAccount } from '../../../shared/api.ts';
import { AuthMethods, SmsCodeBody, SmsCodeSent, SmsLoginBody, SmsSettings, SmsSettingsInput, SmsTestBody, SmsTestResult } from '../../../shared/api-sms.ts';
import { meView } from '../auth/index.ts';
import { recordSmsReceipts, type ReceiptProvider } from './receipts.ts';
import { SmsLoginService } from './sms-login.ts';
import { readSmsSettings, saveSmsSettings, sendTestSms, type SmsContext } from './sms-settings.ts';

/**
 * SMS over HTTP: the tenant's provider settings and test message (the administrator's), the
 * receipts the services post (public, keyed per tenant), and signing in with a code (public; the
 * paths stay under /api/auth).
 */

const services2login = new WeakMap<AppServices, SmsLoginService>();

/** The sign-in-by-code service of an app's services (tests wait on its sends with `idle()`). */
export function smsLoginOf(services: AppServices): SmsLoginService | undefined {
  return services2login.get(services);
}

export interface SmsRouteOptions {
  /** fetch and the services' addresses (tests point them at a fake on loopback) */
  http?: SmsContext['http'];
}

export function registerSmsRoutes(app: App, services: AppServices, options: SmsRouteOptions = {}): void {
  const r = typed(app);
  const sms: SmsContext = { cipher: services.cipher, env: services.config.env, ...(options.http ? { http: options.http } : {}) };
  const login = new SmsLoginService(services.db, services.auth, sms, (err) => app.log.error({ err }, 'sending a sign-in code failed'));
  services2login.set(services, login);

  r.get('/api/notify/sms', {
    config: { access: 'session' },
    schema: { tags: ['notify'], summary: '短信服务设置 The SMS provider', response: { 200: SmsSettings } },
    handler: async (req) => readSmsSettings(services.db, context(req), sms),
  });
  r.put('/api/notify/sms', {
    config: { access: 'session' },
    schema: { tags: ['notify'], summary: '修改短信服务设置 Change the SMS provider', body: SmsSettingsInput, response: { 200: SmsSettings } },
    handler: async (req) => saveSmsSettings(services.db, context(req), sms, req.body),
  });
  r.post('/api/notify/sms/test', {
    config: { access: 'session' },
    schema: { tags: ['notify'], summary: '发送测试短信 Send a test SMS to one’s own phone', body: SmsTestBody, response: { 200: SmsTestResult } },
    handler: async (req) => {
      const ctx = context(req);
      const result = await sendTestSms(services.db, ctx, sms, req.body.templateKey);
      return { ...result, message: say(ctx.lang, result.message) };
    },
  });

  for (const provider of ['aliyun', 'tencent'] as const satisfies readonly ReceiptProvider[]) {
    r.post(`/api/notify/receipts/${provider}`, {
      config: { access: 'public' },
      schema: {
        tags: ['notify'],
        summary: `短信回执 Delivery receipts posted by ${provider === 'aliyun' ? '阿里云' : '腾讯云'}`,
        querystring: z.object({ key: z.string().max(200) }),
        body: z.unknown(),
        response: { 200: z.unknown() },
      },
      handler: async (req) => (await recordSmsReceipts(services.db, services.cipher, provider, req.query.key, req.body)).ack,
    });
  }

  r.get('/api/auth/methods', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: '登录方式 Ways of signing in offered here', response: { 200: AuthMethods } },
    handler: async () => login.methods(),
  });
  r.post('/api/auth/sms-code', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: '获取短信验证码 Ask for a sign-in code by SMS', body: SmsCodeBody, response: { 200: SmsCodeSent } },
    handler: async (req) => {
      const sent = await login.requestCode(req.body.phone, req.ip);
      return { ...sent, message: say(langOf(req.headers['accept-language']), sent.message) };
    },
  });
  r.post('/api/auth/sms-login', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: '短信验证码登录 Sign in with an SMS code', body: SmsLoginBody, response: { 200: MeAccount } },
    handler: async (req, reply) => {
      const { cookie, actor } = await login.signIn(req.body.phone, req.body.code, { remember: req.body.remember ?? false, ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
      setSessionCookies(reply, req.protocol === 'https', cookie);
      return meView(services, actor);
    },
  });
}
