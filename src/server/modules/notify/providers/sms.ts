import type { Executor } from '../../../db/database.ts';
import type { Row } from '../../../db/tables.ts';
import type { FieldCipher } from '../../../secrets.ts';
import { AliyunSmsProvider } from './sms-aliyun.ts';
import type { SmsFetch } from './sms-http.ts';
import { SinkSmsProvider } from './sms-sink.ts';
import { TencentSmsProvider } from './sms-tencent.ts';
import type { SmsProvider } from './types.ts';

/**
 * The tenant's SMS provider from its `notify_sms_provider` row: 'sink' (the local sink), 'aliyun'
 * or 'tencent'. The credential is decrypted here, at the moment of sending, and goes nowhere else.
 */

export type SmsProviderRow = Pick<Row<'notify_sms_provider'>, 'tenant_id' | 'kind' | 'settings' | 'access_key_id' | 'secret_cipher'>;

/** What `notify_sms_provider.settings` holds (never a secret). */
export interface StoredSmsSettings {
  signName: string;
  /** TemplateCode (阿里云) or TemplateId (腾讯云) by our template key: study, meeting, reminder, login_code. */
  templates: Record<string, string>;
  /** 腾讯云 SmsSdkAppId. */
  sdkAppId: string;
  /** 腾讯云 region (ap-guangzhou by default). */
  region: string;
  /** Changing it changes the receipt address (an address that leaked stops working). */
  receiptNonce: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The stored settings read defensively: a value of the wrong shape counts as unset. */
export function readStoredSmsSettings(value: unknown): StoredSmsSettings {
  const o = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const templates: Record<string, string> = {};
  if (o.templates && typeof o.templates === 'object') {
    for (const [k, v] of Object.entries(o.templates as Record<string, unknown>)) if (typeof v === 'string' && v) templates[k] = v;
  }
  return { signName: str(o.signName), templates, sdkAppId: str(o.sdkAppId), region: str(o.region), receiptNonce: str(o.receiptNonce) };
}

export interface SmsProviderOptions {
  /** Where the sink writes (the caller's transaction or the database). */
  db: Executor;
  fetch?: SmsFetch;
  /** The services' addresses, for tests against a fake on loopback. */
  endpoints?: { aliyun?: string; tencent?: string };
  timeoutMs?: number;
}

export function smsProviderFor(row: SmsProviderRow, cipher: FieldCipher, opts: SmsProviderOptions): SmsProvider {
  const settings = readStoredSmsSettings(row.settings);
  const secret = (): string => (row.secret_cipher ? cipher.decrypt(row.secret_cipher) : '');
  const http = { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
  switch (row.kind) {
    case 'sink':
      return new SinkSmsProvider(opts.db, row.tenant_id);
    case 'aliyun':
      return new AliyunSmsProvider({
        accessKeyId: row.access_key_id ?? '',
        accessKeySecret: secret(),
        signName: settings.signName,
        templates: settings.templates,
        ...(opts.endpoints?.aliyun ? { endpoint: opts.endpoints.aliyun } : {}),
        ...http,
      });
    case 'tencent':
      return new TencentSmsProvider({
        secretId: row.access_key_id ?? '',
        secretKey: secret(),
        sdkAppId: settings.sdkAppId,
        signName: settings.signName,
        templates: settings.templates,
        ...(settings.region ? { region: settings.region } : {}),
        ...(opts.endpoints?.tencent ? { endpoint: opts.endpoints.tencent } : {}),
        ...http,
      });
  }
}
