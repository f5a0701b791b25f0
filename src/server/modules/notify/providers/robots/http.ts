import type { RobotDigest, RobotKind, RobotProvider, RobotTarget, SendOutcome } from '../types.ts';

/**
 * What the three robot services have in common: one JSON POST to the webhook, an answer that is
 * HTTP 200 even when the service refused (a non-zero errcode / code), and a handful of codes worth
 * explaining to a secretary in Chinese.
 */

export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

export interface RobotProviderOptions {
  /** Injected in tests (a loopback fake, a recording fetch); the global fetch otherwise. */
  fetch?: FetchLike;
  /** How long one try may take before it counts as a timeout (retried). */
  timeoutMs?: number;
}

/** What the service answered, for the console's "test" button. */
export interface RobotAnswer {
  /** HTTP status; 0 when no answer came (network error, timeout). */
  httpStatus: number;
  /** The service's errcode / code, when it sent one. */
  code: number | null;
  /** The service's own message, or what went wrong getting it. */
  message: string;
}

export interface RobotSender extends RobotProvider {
  /** `send` with the service's answer kept apart from the outcome (the console shows both). */
  sendWithAnswer(target: RobotTarget, digest: RobotDigest, now: Date): Promise<{ outcome: SendOutcome; answer: RobotAnswer }>;
}

/** A code the service documents, what it means for the secretary, and whether trying again helps. */
export interface KnownCode {
  zh: string;
  retry: boolean;
  /** The service throttles this robot: nothing more goes through it for `blockMs`. */
  tooFast?: boolean;
}

export const KIND_LABEL: Record<RobotKind, string> = { wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书' };

const MAX_SERVICE_MESSAGE = 160;

/** "310000 签名不对：请检查加签密钥（sign not match）" — the code first, so the console can show it plainly. */
export function describeError(code: number | string, zh: string, serviceMessage: string): string {
  const said = serviceMessage.trim().slice(0, MAX_SERVICE_MESSAGE);
  return said ? `${code} ${zh}（${said}）` : `${code} ${zh}`;
}

/**
 * Posts `body` and reads the answer. `readCode` picks the service's code and message out of a
 * parsed JSON answer; `known` explains the codes worth explaining; `unknownZh` words any other.
 */
export async function postToRobot(args: {
  kind: RobotKind;
  url: string;
  body: unknown;
  now: Date;
  blockMs: number;
  options: RobotProviderOptions;
  readCode: (json: Record<string, unknown>) => { code: number | null; message: string };
  known: Record<number, KnownCode>;
  /** Refines a known code by the service's message (钉钉's 310000 covers sign, keywords and IP). */
  refine?: (code: number, message: string) => KnownCode | undefined;
}): Promise<{ outcome: SendOutcome; answer: RobotAnswer }> {
  const fetchFn: FetchLike = args.options.fetch ?? ((input, init) => fetch(input, init));
  const label = KIND_LABEL[args.kind];
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(args.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(args.body),
      signal: AbortSignal.timeout(args.options.timeoutMs ?? 10_000),
    });
    text = await response.text();
  } catch (err) {
    // The error's text may carry the URL and with it the webhook key: only its kind is kept.
    const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const zh = timeout ? `${label}没有及时应答，稍后重试` : `连不上${label}服务器，稍后重试`;
    return { outcome: { ok: false, retry: true, error: zh }, answer: { httpStatus: 0, code: null, message: zh } };
  }

  const httpStatus = response.status;
  if (httpStatus === 429) {
    const after = Number(response.headers.get('retry-after'));
    const retryAfterMs = Number.isFinite(after) && after > 0 ? after * 1000 : 60_000;
    const error = describeError(`HTTP ${httpStatus}`, `${label}限流，稍后重试`, '');
    return { outcome: { ok: false, retry: true, error, retryAfterMs }, answer: { httpStatus, code: null, message: error } };
  }
  if (httpStatus >= 500) {
    const error = describeError(`HTTP ${httpStatus}`, `${label}服务器出错，稍后重试`, '');
    return { outcome: { ok: false, retry: true, error }, answer: { httpStatus, code: null, message: error } };
  }

  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    if (httpStatus >= 400) {
      const error = describeError(`HTTP ${httpStatus}`, `${label}拒绝了请求：请检查 Webhook 地址`, '');
      return { outcome: { ok: false, retry: false, error }, answer: { httpStatus, code: null, message: error } };
    }
    // A proxy's or a captive portal's page instead of the service's JSON: try again later.
    const error = `${label}的应答无法识别，稍后重试`;
    return { outcome: { ok: false, retry: true, error }, answer: { httpStatus, code: null, message: error } };
  }

  const { code, message } = args.readCode(json as Record<string, unknown>);
  if (code === 0 && httpStatus < 400) return { outcome: { ok: true }, answer: { httpStatus, code, message } };
  if (code === null) {
    const error = describeError(`HTTP ${httpStatus}`, `${label}拒绝了请求：请检查 Webhook 地址`, message);
    return { outcome: { ok: false, retry: false, error }, answer: { httpStatus, code, message } };
  }
  const entry = args.refine?.(code, message) ?? args.known[code];
  if (!entry) {
    const error = describeError(code, `${label}拒绝了这条消息`, message);
    return { outcome: { ok: false, retry: false, error }, answer: { httpStatus, code, message } };
  }
  const error = describeError(code, entry.zh, message);
  if (entry.tooFast) {
    const blockedUntil = new Date(args.now.getTime() + args.blockMs);
    return { outcome: { ok: false, retry: true, error, retryAfterMs: args.blockMs, blockedUntil }, answer: { httpStatus, code, message } };
  }
  return { outcome: { ok: false, retry: entry.retry, error }, answer: { httpStatus, code, message } };
}

export const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : null);
export const stringOf = (v: unknown): string => (typeof v === 'string' ? v : '');
