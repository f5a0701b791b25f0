import { z } from 'zod';
import { NOTHING_TO_CHANGE, namesAChange, Uuid } from './primitives.ts';
import { HEALTH_CHANNELS } from './enums.ts';

/**
 * Group robots (企业微信 / 钉钉 / 飞书 群机器人) per unit, and the health of every channel the
 * outbox sends through. A robot's webhook and signing secret are credentials: the server keeps them
 * encrypted and never answers them — the console sees the webhook's host and last 4 characters and
 * whether a secret is set.
 */

export const ROBOT_KIND_VALUES = ['wecom', 'dingtalk', 'feishu'] as const;
export const RobotKindSchema = z.enum(ROBOT_KIND_VALUES);
export type RobotKindValue = z.infer<typeof RobotKindSchema>;

const RobotName = z.string().trim().min(1, '请填写机器人名称').max(60, '名称最多 60 字');
const Webhook = z.string().trim().min(1, '请填写 Webhook 地址').max(500, 'Webhook 地址太长');
const Secret = z.string().trim().min(1, '加签密钥不能为空').max(200, '加签密钥太长');

export const RobotQuery = z.object({ orgId: Uuid.optional() });
export type RobotQuery = z.infer<typeof RobotQuery>;

export const RobotInput = z.object({
  orgId: Uuid,
  kind: RobotKindSchema,
  name: RobotName,
  webhook: Webhook,
  /** 钉钉 "加签" / 飞书 "签名校验"; 企业微信 robots have none. */
  secret: Secret.optional(),
});
export type RobotInput = z.infer<typeof RobotInput>;

export const RobotPatch = z
  .object({
    name: RobotName.optional(),
    enabled: z.boolean().optional(),
    webhook: Webhook.optional(),
    /** a new secret; null removes it */
    secret: Secret.nullable().optional(),
  })
  .refine(namesAChange, NOTHING_TO_CHANGE);
export type RobotPatch = z.infer<typeof RobotPatch>;

export const Robot = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  kind: RobotKindSchema,
  name: z.string(),
  /** "qyapi.weixin.qq.com …a1b2": the host and the last 4 characters, never the key */
  webhookMasked: z.string(),
  secretSet: z.boolean(),
  enabled: z.boolean(),
  blockedUntil: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export type Robot = z.infer<typeof Robot>;

export const RobotList = z.object({ items: z.array(Robot) });
export type RobotList = z.infer<typeof RobotList>;

/** What the service answered the test message ("连心测试消息"). */
export const RobotTestResult = z.object({
  ok: z.boolean(),
  /** HTTP status; 0 when nothing answered */
  httpStatus: z.number(),
  /** the service's errcode / code */
  code: z.number().nullable(),
  /** the service's own message */
  message: z.string(),
  /** our reading of it, in Chinese ("310000 签名不对：请检查加签密钥（sign not match）"); null on success */
  error: z.string().nullable(),
});
export type RobotTestResult = z.infer<typeof RobotTestResult>;

// ── channel health ─────────────────────────────────────────────────────────────────────────────

export const HealthQuery = z.object({ orgId: Uuid.optional() });
export type HealthQuery = z.infer<typeof HealthQuery>;

export const RobotHealth = z.object({
  id: z.string(),
  name: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  kind: RobotKindSchema,
  enabled: z.boolean(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** digests sent since the start of the China day */
  sentToday: z.number(),
  /** messages sent in the last 60 seconds, against the service's limit */
  lastMinute: z.number(),
  perMinute: z.number(),
  blockedUntil: z.string().nullable(),
});
export type RobotHealth = z.infer<typeof RobotHealth>;

export const SmsHealth = z.object({
  kind: z.enum(['aliyun', 'tencent', 'sink']),
  enabled: z.boolean(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  sentToday: z.number(),
  /** at most this many a member a China day (settings.smsDailyCap) */
  dailyCap: z.number(),
});
export type SmsHealth = z.infer<typeof SmsHealth>;

export const WebPushHealth = z.object({
  subscriptions: z.number(),
  sentToday: z.number(),
  /** failed in the last 24 hours */
  failures: z.number(),
});
export type WebPushHealth = z.infer<typeof WebPushHealth>;

export { HEALTH_CHANNELS };
export const HealthChannel = z.enum(HEALTH_CHANNELS);
export type HealthChannel = z.infer<typeof HealthChannel>;

export const OutboxFailure = z.object({
  channel: HealthChannel,
  error: z.string(),
  count: z.number(),
  lastAt: z.string(),
});
export type OutboxFailure = z.infer<typeof OutboxFailure>;

export const ChannelHealth = z.object({
  robots: z.array(RobotHealth),
  /** null when the tenant has no SMS provider */
  sms: SmsHealth.nullable(),
  webPush: WebPushHealth,
  outbox: z.object({
    pending: z.number(),
    /** failed in the last 24 hours, grouped by channel and error */
    failed24h: z.number(),
    failures: z.array(OutboxFailure),
  }),
  /** sends per China day and channel, the last 14 days, oldest first */
  daily: z.array(z.object({ day: z.string(), channel: HealthChannel, sent: z.number(), failed: z.number() })),
});
export type ChannelHealth = z.infer<typeof ChannelHealth>;
