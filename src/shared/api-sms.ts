import { z } from 'zod';
import { SMS_TEMPLATE_KEYS } from './enums.ts';

/**
 * SMS: the tenant's provider (阿里云 / 腾讯云 / the local sink) with its signature name and
 * templates, a test message, and signing in with a one-time code. The provider's secret is a
 * credential: written once, kept encrypted, never answered — the console sees only whether one is set.
 */

export const SMS_KIND_VALUES = ['aliyun', 'tencent', 'sink'] as const;
export const SmsKind = z.enum(SMS_KIND_VALUES);
export type SmsKind = z.infer<typeof SmsKind>;

/**
 * The templates a tenant files with its provider, by our key. Notices (study, meeting, reminder)
 * carry one value, `{ link }` (the deep link); the sign-in code carries `{ code }`.
 */
export { SMS_TEMPLATE_KEYS };
export type SmsTemplateKey = (typeof SMS_TEMPLATE_KEYS)[number];

const TemplateId = z.string().trim().max(40, '模板编号最多 40 个字符').regex(/^[A-Za-z0-9_-]*$/, '模板编号只能包含字母、数字、下划线和连字符');
export const SmsTemplates = z.object({
  study: TemplateId.optional(),
  meeting: TemplateId.optional(),
  reminder: TemplateId.optional(),
  login_code: TemplateId.optional(),
});
export type SmsTemplates = z.infer<typeof SmsTemplates>;

/** PUT /api/notify/sms. `secret` is written only when given; leaving it out keeps the stored one. */
export const SmsSettingsInput = z.object({
  kind: SmsKind,
  enabled: z.boolean(),
  /** 阿里云 AccessKey ID / 腾讯云 SecretId */
  accessKeyId: z.string().trim().max(100, 'AccessKey ID 最多 100 个字符').optional(),
  /** 阿里云 AccessKey Secret / 腾讯云 SecretKey: write-only */
  secret: z.string().trim().min(1, '密钥不能为空').max(200, '密钥太长').optional(),
  /** 短信签名 as filed with the provider, without 【】 */
  signName: z.string().trim().max(12, '短信签名最多 12 个字').regex(/^[^【】[\]]*$/, '短信签名不要带【】').optional(),
  templates: SmsTemplates.optional(),
  /** 腾讯云 SmsSdkAppId */
  sdkAppId: z.string().trim().max(20, 'SdkAppId 最多 20 位').regex(/^\d*$/, 'SdkAppId 只能是数字').optional(),
  /** a new receipt address (the old one stops working: for an address that leaked) */
  rotateReceiptKey: z.boolean().optional(),
});
export type SmsSettingsInput = z.infer<typeof SmsSettingsInput>;

/** GET /api/notify/sms */
export const SmsSettings = z.object({
  /** false: nothing stored yet (no SMS is sent) */
  configured: z.boolean(),
  kind: SmsKind,
  enabled: z.boolean(),
  accessKeyId: z.string(),
  secretSet: z.boolean(),
  signName: z.string(),
  templates: SmsTemplates,
  sdkAppId: z.string(),
  /** whether codes and notices go out now (enabled, and allowed here: the sink never in production) */
  active: z.boolean(),
  /** the paths the provider posts delivery receipts to, with this tenant's key */
  receiptPaths: z.object({ aliyun: z.string(), tencent: z.string() }),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type SmsSettings = z.infer<typeof SmsSettings>;

/** POST /api/notify/sms/test: a message to the caller's own phone. */
export const SmsTestBody = z.object({ templateKey: z.enum(SMS_TEMPLATE_KEYS).optional() });
export const SmsTestResult = z.object({
  ok: z.boolean(),
  /** in plain words: sent, or what the provider refused and what to check */
  message: z.string(),
  /** the provider's own code and message, for the provider's support */
  detail: z.string().nullable(),
});
export type SmsTestResult = z.infer<typeof SmsTestResult>;

// ---------- signing in with a code ----------

/** GET /api/auth/methods: which ways of signing in this server offers. */
export const AuthMethods = z.object({ smsCode: z.boolean() });
export type AuthMethods = z.infer<typeof AuthMethods>;

const LoginPhone = z.string().trim().regex(/^1\d{10}$/, '手机号应为 11 位数字');
export const SmsCodeBody = z.object({ phone: LoginPhone });
export const SmsCodeSent = z.object({
  /** the same words whether or not the phone has an account */
  message: z.string(),
  /** seconds before another code may be asked for */
  resendAfterSeconds: z.number().int(),
});
export type SmsCodeSent = z.infer<typeof SmsCodeSent>;
export const SmsLoginBody = z.object({
  phone: LoginPhone,
  code: z.string().trim().regex(/^\d{6}$/, '验证码是 6 位数字'),
  /** 记住这台手机 */
  remember: z.boolean().optional(),
});
