import { z } from 'zod';
import { namesAChange, NOTHING_TO_CHANGE } from './primitives.ts';

/**
 * The member's own channels (通知方式): what reaches them now, their switches, and this phone's Web
 * Push subscription. The in-app open and read stay the proof that a member was reached; these
 * channels only nudge.
 */

/** The VAPID public key (base64url) a browser subscribes with (`applicationServerKey`). */
export const PushKey = z.object({ publicKey: z.string() });

const PRIVATE_HOST = /(^|\.)(localhost|local|internal|lan|home\.arpa)$/i;

/**
 * A push service's address as a browser gives it: https on the default port, a public host name (no
 * IP address, no local name), no user or password. The server posts to it, so an address into the
 * server's own network is refused.
 */
export function isPushEndpoint(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '') return false;
  const host = url.hostname;
  if (host.startsWith('[') || /^[\d.]+$/.test(host) || !host.includes('.')) return false;
  return !PRIVATE_HOST.test(host.replace(/\.$/, ''));
}

const PushEndpoint = z
  .string()
  .trim()
  .max(1000, '通知地址太长')
  .refine(isPushEndpoint, '通知地址必须是 https 开头的推送服务地址');
/** The browser's keys, base64url (padding allowed): p256dh a P-256 point (65 bytes), auth 16 bytes. */
const Base64Url = z.string().trim().regex(/^[A-Za-z0-9_-]+={0,2}$/, '密钥格式不正确');

/** What `PushSubscription.toJSON()` gives (its `expirationTime` is ignored). */
export const PushSubscriptionBody = z.object({
  endpoint: PushEndpoint,
  keys: z.object({
    p256dh: Base64Url.min(80, '密钥格式不正确').max(100, '密钥格式不正确'),
    auth: Base64Url.min(16, '密钥格式不正确').max(32, '密钥格式不正确'),
  }),
  expirationTime: z.number().nullable().optional(),
});

export const RemovePushSubscriptionBody = z.object({ endpoint: z.string().trim().min(1).max(1000, '通知地址太长') });
export const PushSubscriptionSaved = z.object({ id: z.uuid(), devices: z.number().int() });
export const PushSubscriptionRemoved = z.object({ removed: z.number().int() });

export const NOTICE_ROBOT_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;

export const NoticeChannels = z.object({
  /** Group robots of the member's units (企业微信 / 钉钉 / 飞书): each group gets one digest per notice. */
  robots: z.array(z.object({ name: z.string(), kind: z.enum(NOTICE_ROBOT_KINDS), unitName: z.string() })),
  /** The member reads the groups' messages (off: SMS comes sooner, as if no group reached them). */
  robot: z.object({ on: z.boolean() }),
  /** Web Push: the member's switch and how many devices of their login are subscribed. */
  webpush: z.object({ on: z.boolean(), devices: z.number().int() }),
  sms: z.object({
    /** the tenant has an SMS provider and the member a phone number */
    available: z.boolean(),
    /** the member's consent (SMS is sent only with it) */
    on: z.boolean(),
    consentAt: z.string().nullable(),
    dailyCap: z.number().int(),
    quietHoursStart: z.string(),
    quietHoursEnd: z.string(),
  }),
});

export const NoticeChannelsBody = z
  .object({ sms: z.boolean().optional(), webpush: z.boolean().optional(), robot: z.boolean().optional() })
  .refine(namesAChange, NOTHING_TO_CHANGE);

/** The secretary records a member's SMS consent (given on paper or by phone). */
export const MemberNoticeChannelsBody = z.object({ sms: z.boolean() });
export const MemberNoticeChannels = z.object({ memberId: z.uuid(), sms: z.boolean(), changedAt: z.string().nullable() });
