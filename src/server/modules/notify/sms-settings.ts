import crypto from 'node:crypto';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { recordAudit } from '../../audit-log.ts';
import { AppError, type FieldIssue } from '../../errors.ts';
import type { FieldCipher } from '../../secrets.ts';
import { sqlNow } from '../../clock.ts';
import type { SmsSettings, SmsSettingsInput, SmsTemplateKey, SmsTestResult } from '../../../shared/api-sms.ts';
import { SMS_TEMPLATE_KEYS } from '../../../shared/api-sms.ts';
import { readStoredSmsSettings, smsProviderFor, type SmsProviderOptions, type SmsProviderRow, type StoredSmsSettings } from './providers/sms.ts';
import { smsErrorInWords } from './sms-errors.ts';

/**
 * The tenant's SMS provider (`notify_sms_provider`, one row per tenant): what the console shows
 * and changes, which provider is in force, the receipt address's key and the test message.
 *
 * In force: the stored provider when enabled, as the outbox sends (dispatch.ts); nothing stored
 * means no SMS. The local sink never counts in production.
 */

export type ServerEnv = 'development' | 'production' | 'test';

/** Everything an SMS is sent with besides the database: the cipher, where the server runs, and the HTTP of the providers. */
export interface SmsContext {
  cipher: FieldCipher;
  env: ServerEnv;
  /** fetch and the services' addresses (tests point them at a fake on loopback) */
  http?: Omit<SmsProviderOptions, 'db'>;
}

const PROVIDER_COLUMNS = ['tenant_id', 'kind', 'settings', 'access_key_id', 'secret_cipher', 'enabled', 'last_success_at', 'last_error_at', 'last_error'] as const;

async function storedRow(db: Executor, tenantId: string) {
  return db.selectFrom('notify_sms_provider').select(PROVIDER_COLUMNS).where('tenant_id', '=', tenantId).executeTakeFirst();
}

function inForce(row: { kind: SmsProviderRow['kind']; enabled: boolean } | undefined, env: ServerEnv): boolean {
  return Boolean(row?.enabled) && !(row?.kind === 'sink' && env === 'production');
}

/** The provider row in force for the tenant, or null when SMS is off there. */
export async function smsProviderRowInForce(db: Executor, tenantId: string, env: ServerEnv): Promise<SmsProviderRow | null> {
  const row = await storedRow(db, tenantId);
  return row && inForce(row, env) ? row : null;
}

/** The tenants of `tenantIds` where SMS is in force (one query). */
export async function tenantsWithSms(db: Executor, tenantIds: string[], env: ServerEnv): Promise<Set<string>> {
  if (tenantIds.length === 0) return new Set();
  const rows = await db.selectFrom('notify_sms_provider').select(['tenant_id', 'kind', 'enabled']).where('tenant_id', 'in', tenantIds).execute();
  const byTenant = new Map(rows.map((r) => [r.tenant_id, r]));
  return new Set(tenantIds.filter((t) => inForce(byTenant.get(t), env)));
}

/**
 * The key in this tenant's receipt address: `<tenant id>.<keyed hash>`. Nothing is stored but the
 * nonce; saving new settings with `rotateReceiptKey` changes it.
 */
export function receiptKey(cipher: FieldCipher, tenantId: string, nonce: string): string {
  return `${tenantId}.${cipher.hash(`sms-receipt:${tenantId}:${nonce}`)}`;
}

/** The tenant a receipt key names, when the key is right; null otherwise (compared in constant time). */
export async function tenantOfReceiptKey(db: Executor, cipher: FieldCipher, key: string): Promise<string | null> {
  const dot = key.indexOf('.');
  const tenantId = key.slice(0, dot);
  if (dot <= 0 || !/^[0-9a-f-]{36}$/.test(tenantId)) return null;
  const row = await storedRow(db, tenantId);
  const expected = Buffer.from(receiptKey(cipher, tenantId, readStoredSmsSettings(row?.settings).receiptNonce));
  const given = Buffer.from(key);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? tenantId : null;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

function view(row: Awaited<ReturnType<typeof storedRow>>, tenantId: string, cipher: FieldCipher, env: ServerEnv): SmsSettings {
  const s = readStoredSmsSettings(row?.settings);
  const key = encodeURIComponent(receiptKey(cipher, tenantId, s.receiptNonce));
  return {
    configured: row !== undefined,
    kind: row?.kind ?? 'sink',
    enabled: row?.enabled ?? false,
    accessKeyId: row?.access_key_id ?? '',
    secretSet: Boolean(row?.secret_cipher),
    signName: s.signName,
    templates: Object.fromEntries(SMS_TEMPLATE_KEYS.filter((k) => s.templates[k]).map((k) => [k, s.templates[k]])),
    sdkAppId: s.sdkAppId,
    active: inForce(row, env),
    receiptPaths: { aliyun: `/api/notify/receipts/aliyun?key=${key}`, tencent: `/api/notify/receipts/tencent?key=${key}` },
    lastSuccessAt: iso(row?.last_success_at),
    lastErrorAt: iso(row?.last_error_at),
    lastError: row?.last_error ?? null,
  };
}

export async function readSmsSettings(db: Database, ctx: RequestContext, sms: SmsContext): Promise<SmsSettings> {
  authorize(ctx.actor, 'settings.write', { kind: 'tenant', tenantId: ctx.actor.tenantId });
  return view(await storedRow(db, ctx.actor.tenantId), ctx.actor.tenantId, sms.cipher, sms.env);
}

/** What the audit log keeps of the settings: everything but the secret, of which only whether one is set. */
function audited(row: Awaited<ReturnType<typeof storedRow>>): unknown {
  if (!row) return null;
  const s = readStoredSmsSettings(row.settings);
  return { kind: row.kind, enabled: row.enabled, accessKeyId: row.access_key_id, secretSet: Boolean(row.secret_cipher), signName: s.signName, templates: s.templates, sdkAppId: s.sdkAppId };
}

export async function saveSmsSettings(db: Database, ctx: RequestContext, sms: SmsContext, input: SmsSettingsInput): Promise<SmsSettings> {
  const { actor } = ctx;
  authorize(actor, 'settings.write', { kind: 'tenant', tenantId: actor.tenantId });
  const row = await db.transaction().execute(async (tx) => {
    const before = await storedRow(tx, actor.tenantId);
    const old = readStoredSmsSettings(before?.settings);
    const sameKind = before?.kind === input.kind;
    // A key of another provider means nothing to this one: changing the provider drops it.
    const secretCipher = input.secret ? sms.cipher.encrypt(input.secret) : sameKind ? (before?.secret_cipher ?? null) : null;
    const accessKeyId = input.accessKeyId ?? (sameKind ? (before?.access_key_id ?? '') : '');
    const templates: Record<string, string> = {};
    for (const key of SMS_TEMPLATE_KEYS) {
      const value = input.templates ? input.templates[key] : old.templates[key];
      if (value) templates[key] = value;
    }
    const settings: StoredSmsSettings = {
      signName: input.signName ?? old.signName,
      templates,
      sdkAppId: input.sdkAppId ?? old.sdkAppId,
      region: old.region,
      receiptNonce: input.rotateReceiptKey ? crypto.randomBytes(9).toString('base64url') : old.receiptNonce,
    };
    checkComplete(input, sms.env, { accessKeyId, secretSet: secretCipher !== null, settings });
    const values = {
      kind: input.kind,
      enabled: input.enabled,
      access_key_id: input.kind === 'sink' ? null : accessKeyId || null,
      secret_cipher: input.kind === 'sink' ? null : secretCipher,
      settings: JSON.stringify(settings),
    };
    await tx
      .insertInto('notify_sms_provider')
      .values({ tenant_id: actor.tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sqlNow }))
      .execute();
    const after = await storedRow(tx, actor.tenantId);
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'notify.sms_settings', entity: 'notify_sms_provider', entityId: null, before: audited(before), after: audited(after) });
    return after;
  });
  return view(row, actor.tenantId, sms.cipher, sms.env);
}

/** An enabled provider must be able to send: its key, secret, signature, app (腾讯云) and sign-in template. */
function checkComplete(input: SmsSettingsInput, env: ServerEnv, stored: { accessKeyId: string; secretSet: boolean; settings: StoredSmsSettings }): void {
  if (!input.enabled) return;
  const issues: FieldIssue[] = [];
  if (input.kind === 'sink') {
    if (env === 'production') issues.push({ field: 'kind', message: '本地测试通道不能在正式环境使用，请选择阿里云或腾讯云' });
  } else {
    if (!stored.accessKeyId) issues.push({ field: 'accessKeyId', message: '请填写 AccessKey ID' });
    if (!stored.secretSet) issues.push({ field: 'secret', message: '请填写密钥' });
    if (!stored.settings.signName) issues.push({ field: 'signName', message: '请填写短信签名' });
    if (input.kind === 'tencent' && !stored.settings.sdkAppId) issues.push({ field: 'sdkAppId', message: '请填写腾讯云短信应用的 SdkAppId' });
  }
  if (issues.length > 0) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** The words of a message of the template `key` (what the local sink keeps, and what the member reads). */
export function smsText(signName: string, key: SmsTemplateKey, params: Record<string, string>): string {
  const sign = signName ? `【${signName}】` : '';
  if (key === 'login_code') return `${sign}您的登录验证码是 ${params.code ?? ''}，5 分钟内有效，请勿告诉他人。`;
  return `${sign}您有一条新的学习通知，请点击链接查看：${params.link ?? ''}`;
}

/** Values a test message of each template carries. */
function testParams(key: SmsTemplateKey): Record<string, string> {
  if (key === 'login_code') return { code: String(crypto.randomInt(0, 1_000_000)).padStart(6, '0') };
  return { link: '/m/' };
}

/**
 * Sends a test message to the caller's own phone through the provider in force, and says in plain
 * words what came of it. The outcome is kept on the provider's row (last success / last error).
 */
export async function sendTestSms(db: Database, ctx: RequestContext, sms: SmsContext, templateKey: SmsTemplateKey = 'study'): Promise<SmsTestResult> {
  const { actor } = ctx;
  authorize(actor, 'settings.write', { kind: 'tenant', tenantId: actor.tenantId });
  const row = await smsProviderRowInForce(db, actor.tenantId, sms.env);
  if (!row) return { ok: false, message: '短信服务未启用：请先选择服务商、填好密钥和签名并启用', detail: null };
  if (!/^1\d{10}$/.test(actor.phone)) return { ok: false, message: '您的登录手机号不是有效的手机号码，无法发送测试短信', detail: null };
  const settings = readStoredSmsSettings(row.settings);
  const params = testParams(templateKey);
  const provider = smsProviderFor(row, sms.cipher, { db, ...sms.http });
  const outcome = await provider.send({ phone: actor.phone, templateKey, params, text: smsText(settings.signName, templateKey, params), outId: crypto.randomUUID() });
  const masked = `${actor.phone.slice(0, 3)}****${actor.phone.slice(7)}`;
  const result: SmsTestResult = outcome.ok
    ? { ok: true, message: `测试短信已发往 ${masked}，请查看手机`, detail: outcome.providerMsgId ?? null }
    : { ok: false, message: smsErrorInWords(outcome.error), detail: outcome.error };
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('notify_sms_provider')
      .set(outcome.ok ? { last_success_at: sqlNow } : { last_error_at: sqlNow, last_error: outcome.error.slice(0, 500) })
      .where('tenant_id', '=', actor.tenantId)
      .execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'notify.sms_test', entity: 'notify_sms_provider', after: { kind: row.kind, templateKey, ok: outcome.ok, error: outcome.ok ? null : outcome.error } });
  });
  return result;
}
