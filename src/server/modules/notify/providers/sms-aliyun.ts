import crypto from 'node:crypto';
import type { SendOutcome, SmsMessage, SmsProvider, SmsReceipt } from './types.ts';
import { clock } from '../../../clock.ts';
import { chinaTimeToDate, postForJson, type SmsHttpOptions } from './sms-http.ts';

/**
 * 阿里云短信 (dysmsapi 2017-05-25) through its RPC API, with plain fetch and node:crypto:
 * SendSms signed with HMAC-SHA1 (SignatureVersion 1.0), and the delivery receipts its "HTTP批量推送"
 * posts. `Code: "OK"` means accepted by Aliyun, not yet delivered; the receipt says that.
 */

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';

export interface AliyunSmsConfig extends SmsHttpOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** 短信签名, as filed with Aliyun (2–12 characters). */
  signName: string;
  /** TemplateCode (SMS_…) by our template key. */
  templates: Record<string, string>;
  /** The API's address; a test points it at a fake on loopback. */
  endpoint?: string;
  now?: () => Date;
  nonce?: () => string;
}

/**
 * Aliyun's percent-encoding: RFC 3986 unreserved characters stay, everything else is %XX in upper
 * case over UTF-8 (a space is %20, `*` is %2A, `~` stays).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The string signed: METHOD&%2F&encode(sorted, encoded key=value pairs joined by &). */
export function stringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
  return `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

/** Base64 of HMAC-SHA1 over the string to sign, keyed with the AccessKeySecret followed by "&". */
export function rpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  return crypto.createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params)).digest('base64');
}

/** "2017-07-12T02:42:19Z": UTC, whole seconds. */
export const rpcTimestamp = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Codes that mean "not now": limits and the service's own trouble. Everything else Aliyun refuses is final. */
const RETRY_CODES = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL', 'isv.MONTH_LIMIT_CONTROL', 'Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'InternalError', 'isp.SYSTEM_ERROR']);
/** How long a limited number waits: Aliyun counts per minute, hour and day. */
const LIMIT_RETRY_MS = 10 * 60_000;

export class AliyunSmsProvider implements SmsProvider {
  readonly kind = 'aliyun' as const;

  constructor(private readonly config: AliyunSmsConfig) {}

  /** The signed form parameters of SendSms for `message` (exposed for the contract test). */
  signedParams(message: SmsMessage): Record<string, string> {
    const templateCode = this.config.templates[message.templateKey];
    const params: Record<string, string> = {
      AccessKeyId: this.config.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: message.outId,
      PhoneNumbers: message.phone,
      RegionId: 'cn-hangzhou',
      SignName: this.config.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: this.config.nonce?.() ?? crypto.randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: templateCode ?? '',
      TemplateParam: JSON.stringify(message.params),
      Timestamp: rpcTimestamp(this.config.now?.() ?? clock.now()),
      Version: '2017-05-25',
    };
    return { ...params, Signature: rpcSignature('POST', params, this.config.accessKeySecret) };
  }

  async send(message: SmsMessage): Promise<SendOutcome> {
    if (!this.config.templates[message.templateKey]) {
      return { ok: false, retry: false, error: `aliyun: no template for "${message.templateKey}"` };
    }
    const params = this.signedParams(message);
    const body = Object.entries(params)
      .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
      .join('&');
    const answer = await postForJson(this.config.endpoint ?? ALIYUN_SMS_ENDPOINT, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' }, body, this.config, 'aliyun');
    if (!answer.ok) return answer.outcome;
    return readSendAnswer(answer.json);
  }

  parseReceipts(body: unknown): SmsReceipt[] {
    return parseAliyunReceipts(body);
  }

  receiptAck(): unknown {
    return ALIYUN_RECEIPT_ACK;
  }
}

/** What SendSms answered: `{ Code: "OK", BizId }`, or a code and message. */
export function readSendAnswer(json: unknown): SendOutcome {
  const o = json as { Code?: unknown; Message?: unknown; BizId?: unknown };
  const code = typeof o.Code === 'string' ? o.Code : '';
  const text = typeof o.Message === 'string' ? o.Message : '';
  if (code === 'OK') return typeof o.BizId === 'string' && o.BizId ? { ok: true, providerMsgId: o.BizId } : { ok: true };
  if (!code) return { ok: false, retry: true, error: `aliyun: answer without Code ${JSON.stringify(json).slice(0, 160)}` };
  const error = `${code}: ${text}`.slice(0, 500);
  if (RETRY_CODES.has(code)) return { ok: false, retry: true, error, ...(code.startsWith('isv.') ? { retryAfterMs: LIMIT_RETRY_MS } : {}) };
  return { ok: false, retry: false, error };
}

export const ALIYUN_RECEIPT_ACK = { code: 0, msg: '接收成功' } as const;

/**
 * Aliyun's SmsReport push: a JSON array of
 * `{ phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id, out_id }`.
 * Items without a biz_id are skipped (nothing to match them to).
 */
export function parseAliyunReceipts(body: unknown): SmsReceipt[] {
  if (!Array.isArray(body)) return [];
  const out: SmsReceipt[] = [];
  for (const item of body) {
    if (!item || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    const bizId = typeof r.biz_id === 'string' ? r.biz_id : typeof r.biz_id === 'number' ? String(r.biz_id) : '';
    if (!bizId) continue;
    const delivered = r.success === true || r.success === 'true';
    const at = chinaTimeToDate(r.report_time);
    out.push({
      providerMsgId: bizId.slice(0, 100),
      ...(typeof r.out_id === 'string' && r.out_id ? { outId: r.out_id } : {}),
      ...(typeof r.phone_number === 'string' ? { phone: r.phone_number.slice(0, 20) } : {}),
      delivered,
      ...(typeof r.err_code === 'string' ? { code: r.err_code.slice(0, 100) } : {}),
      ...(at ? { at } : {}),
    });
  }
  return out;
}
