/**
 * The one shape every channel's provider has. A provider only sends and reads what its service
 * answered; the outbox (dispatch.ts) decides when to send, retries, limits and records.
 *
 * Every provider is tested against a local fake server on loopback (`baseUrl` is injectable) and
 * against the request examples of its service's documentation.
 */

/** Channels a notice can go through. 'wecom' | 'dingtalk' | 'feishu' are group robots. */
export const NOTIFY_CHANNELS = ['sms', 'webpush', 'wecom', 'dingtalk', 'feishu'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];
export const ROBOT_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;
export type RobotKind = (typeof ROBOT_KINDS)[number];
export const SMS_PROVIDER_KINDS = ['aliyun', 'tencent', 'sink'] as const;
export type SmsProviderKind = (typeof SMS_PROVIDER_KINDS)[number];

/**
 * What one try of a send came to. `retry: false` stops the row (a wrong webhook, a number the
 * provider refuses); `retry: true` tries again with backoff (5xx, timeouts, rate limits), no
 * sooner than `retryAfterMs` when the service said so. `blockedUntil`: the service blocks this
 * sender until then (钉钉 and 企业微信 robots after more than 20 a minute) — nothing more is sent
 * through it before. `error` is the service's own code and message, kept for the console.
 */
export type SendOutcome =
  | { ok: true; providerMsgId?: string }
  | { ok: false; retry: boolean; error: string; retryAfterMs?: number; blockedUntil?: Date };

/** A short SMS in neutral service wording ("您有一条新的学习通知，请点击链接查看"). */
export interface SmsMessage {
  /** The mainland mobile number, 11 digits. */
  phone: string;
  /** The template the tenant filed with its provider, by our key ('study', 'meeting', …). */
  templateKey: string;
  /** The template's values, in the template's order. */
  params: Record<string, string>;
  /** The whole text as the member will read it (the local sink stores this). */
  text: string;
  /** Our notification id: the provider's OutId / SessionContext, so receipts find the row. */
  outId: string;
}

export interface SmsReceipt {
  providerMsgId: string;
  outId?: string;
  phone?: string;
  delivered: boolean;
  code?: string;
  at?: Date;
}

export interface SmsProvider {
  readonly kind: SmsProviderKind;
  send(message: SmsMessage): Promise<SendOutcome>;
  /** Reads a delivery-receipt POST body as the provider sends it. */
  parseReceipts(body: unknown): SmsReceipt[];
  /** What to answer the provider's receipt POST with. */
  receiptAck(): unknown;
}

/** One message to a group: a digest of what is new for the members of one unit. */
export interface RobotDigest {
  title: string;
  /** One line per item (a push, a class …), each with its own deep link. */
  lines: { text: string; link: string }[];
}

export interface RobotTarget {
  kind: RobotKind;
  /** The full webhook URL (企业微信: …/webhook/send?key=…; 钉钉: …/robot/send?access_token=…; 飞书: …/bot/v2/hook/…). */
  webhook: string;
  /** 钉钉 / 飞书 signing secret ("加签"), when set. */
  secret: string | null;
}

export interface RobotProvider {
  readonly kind: RobotKind;
  /** Messages per minute the service allows one robot, and how long it blocks one that sends more. */
  readonly perMinute: number;
  readonly blockMs: number;
  /** The largest body the service takes, in bytes; a digest is cut to fit with "…等 N 项". */
  readonly maxBytes: number;
  send(target: RobotTarget, digest: RobotDigest, now: Date): Promise<SendOutcome>;
}
