import crypto from 'node:crypto';
import type { SendOutcome, SmsMessage, SmsProvider, SmsReceipt } from './types.ts';
import { clock } from '../../../clock.ts';
import { chinaTimeToDate, postForJson, type SmsHttpOptions } from './sms-http.ts';

/**
 * 腾讯云短信 (sms 2021-01-11) with plain fetch and node:crypto: SendSms signed with
 * TC3-HMAC-SHA256, and the delivery receipts (短信下发状态回调) it posts. A number Tencent refuses
 * comes back inside an HTTP 200 answer (`SendStatusSet[0].Code` other than "Ok"): that is a failure.
 */

export const TENCENT_SMS_HOST = 'sms.tencentcloudapi.com';
const SERVICE = 'sms';
const VERSION = '2021-01-11';
const ACTION = 'SendSms';

export interface TencentSmsConfig extends SmsHttpOptions {
  secretId: string;
  secretKey: string;
  /** SmsSdkAppId of the application the signature and templates belong to. */
  sdkAppId: string;
  signName: string;
  /** TemplateId by our template key. */
  templates: Record<string, string>;
  /** ap-guangzhou (default), ap-beijing or ap-nanjing. */
  region?: string;
  /** The API's address; a test points it at a fake on loopback (the signed Host stays the service's). */
  endpoint?: string;
  now?: () => Date;
}

const sha256Hex = (text: string): string => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: crypto.BinaryLike, text: string): Buffer => crypto.createHmac('sha256', key).update(text, 'utf8').digest();

export interface Tc3Request {
  host: string;
  action: string;
  service: string;
  /** Unix seconds: X-TC-Timestamp. */
  timestamp: number;
  payload: string;
}

/** The canonical request: POST, "/", no query, content-type, host and x-tc-action signed. */
export function tc3CanonicalRequest(req: Tc3Request): string {
  return [
    'POST',
    '/',
    '',
    `content-type:application/json; charset=utf-8\nhost:${req.host}\nx-tc-action:${req.action.toLowerCase()}\n`,
    'content-type;host;x-tc-action',
    sha256Hex(req.payload),
  ].join('\n');
}

/** The UTC day of the timestamp (never the China day: Tencent signs with UTC dates). */
export const tc3Date = (timestamp: number): string => new Date(timestamp * 1000).toISOString().slice(0, 10);

export function tc3StringToSign(req: Tc3Request): string {
  return ['TC3-HMAC-SHA256', String(req.timestamp), `${tc3Date(req.timestamp)}/${req.service}/tc3_request`, sha256Hex(tc3CanonicalRequest(req))].join('\n');
}

/** The Authorization header of TC3-HMAC-SHA256. */
export function tc3Authorization(secretId: string, secretKey: string, req: Tc3Request): string {
  const date = tc3Date(req.timestamp);
  const signing = hmac(hmac(hmac(`TC3${secretKey}`, date), req.service), 'tc3_request');
  const signature = crypto.createHmac('sha256', signing).update(tc3StringToSign(req), 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${secretId}/${date}/${req.service}/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=${signature}`;
}

/** Codes that mean "not now"; every other refusal is final (a wrong number, template or key). */
const retryable = (code: string): boolean =>
  code.startsWith('LimitExceeded.') || code.startsWith('InternalError') || code === 'RequestLimitExceeded' || code === 'ResourceUnavailable' || code === 'FailedOperation.FailResolvePacket';
const LIMIT_RETRY_MS = 10 * 60_000;

export class TencentSmsProvider implements SmsProvider {
  readonly kind = 'tencent' as const;

  constructor(private readonly config: TencentSmsConfig) {}

  /** The request SendSms is for `message`: headers and JSON body (exposed for the contract test). */
  request(message: SmsMessage): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify({
      PhoneNumberSet: [`+86${message.phone}`],
      SmsSdkAppId: this.config.sdkAppId,
      SignName: this.config.signName,
      TemplateId: this.config.templates[message.templateKey] ?? '',
      TemplateParamSet: Object.values(message.params),
      SessionContext: message.outId,
    });
    const timestamp = Math.floor((this.config.now?.() ?? clock.now()).getTime() / 1000);
    const authorization = tc3Authorization(this.config.secretId, this.config.secretKey, { host: TENCENT_SMS_HOST, action: ACTION, service: SERVICE, timestamp, payload: body });
    return {
      headers: {
        authorization,
        'content-type': 'application/json; charset=utf-8',
        host: TENCENT_SMS_HOST,
        'x-tc-action': ACTION,
        'x-tc-timestamp': String(timestamp),
        'x-tc-version': VERSION,
        'x-tc-region': this.config.region || 'ap-guangzhou',
      },
      body,
    };
  }

  async send(message: SmsMessage): Promise<SendOutcome> {
    if (!this.config.templates[message.templateKey]) {
      return { ok: false, retry: false, error: `tencent: no template for "${message.templateKey}"` };
    }
    const { headers, body } = this.request(message);
    // fetch sets Host from the URL; the signed host is the service's, which a fake on loopback ignores.
    const { host: _host, ...sent } = headers;
    const answer = await postForJson(this.config.endpoint ?? `https://${TENCENT_SMS_HOST}/`, sent, body, this.config, 'tencent');
    if (!answer.ok) return answer.outcome;
    return readTencentAnswer(answer.json);
  }

  parseReceipts(body: unknown): SmsReceipt[] {
    return parseTencentReceipts(body);
  }

  receiptAck(): unknown {
    return TENCENT_RECEIPT_ACK;
  }
}

function failure(codeValue: unknown, messageValue: unknown): SendOutcome {
  const code = typeof codeValue === 'string' ? codeValue : 'Unknown';
  const error = `${code}: ${typeof messageValue === 'string' ? messageValue : ''}`.slice(0, 500);
  if (retryable(code)) return { ok: false, retry: true, error, ...(code.startsWith('LimitExceeded.') ? { retryAfterMs: LIMIT_RETRY_MS } : {}) };
  return { ok: false, retry: false, error };
}

/** `{ Response: { SendStatusSet: [{ SerialNo, Code, Message }] } }` or `{ Response: { Error: { Code, Message } } }`. */
export function readTencentAnswer(json: unknown): SendOutcome {
  const response = (json as { Response?: unknown }).Response as
    | { Error?: { Code?: unknown; Message?: unknown }; SendStatusSet?: { SerialNo?: unknown; Code?: unknown; Message?: unknown }[] }
    | undefined;
  if (!response || typeof response !== 'object') return { ok: false, retry: true, error: `tencent: answer without Response ${JSON.stringify(json).slice(0, 160)}` };
  if (response.Error) return failure(response.Error.Code, response.Error.Message);
  const status = Array.isArray(response.SendStatusSet) ? response.SendStatusSet[0] : undefined;
  if (!status) return { ok: false, retry: true, error: 'tencent: answer without SendStatusSet' };
  if (status.Code !== 'Ok') return failure(status.Code, status.Message);
  return typeof status.SerialNo === 'string' && status.SerialNo ? { ok: true, providerMsgId: status.SerialNo } : { ok: true };
}

export const TENCENT_RECEIPT_ACK = { result: 0, errmsg: 'OK' } as const;

/**
 * Tencent's status callback: a JSON array of
 * `{ user_receive_time, nationcode, mobile, report_status: "SUCCESS" | "FAIL", errmsg, description, sid }`
 * (sid = the SerialNo SendSms answered; `ext` carries the SessionContext where Tencent sends it).
 */
export function parseTencentReceipts(body: unknown): SmsReceipt[] {
  if (!Array.isArray(body)) return [];
  const out: SmsReceipt[] = [];
  for (const item of body) {
    if (!item || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    const sid = typeof r.sid === 'string' ? r.sid : '';
    if (!sid) continue;
    const at = chinaTimeToDate(r.user_receive_time);
    const context = typeof r.ext === 'string' ? r.ext : typeof r.session_context === 'string' ? r.session_context : '';
    out.push({
      providerMsgId: sid.slice(0, 100),
      ...(context ? { outId: context } : {}),
      ...(typeof r.mobile === 'string' ? { phone: r.mobile.slice(0, 20) } : {}),
      delivered: r.report_status === 'SUCCESS',
      ...(typeof r.errmsg === 'string' ? { code: r.errmsg.slice(0, 100) } : {}),
      ...(at ? { at } : {}),
    });
  }
  return out;
}
