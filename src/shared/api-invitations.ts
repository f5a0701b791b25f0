import { z } from 'zod';
import { ChangePasswordBody, Uuid } from './api.ts';

/**
 * Getting in without a password read over the phone: invitation links (one-time, expiring,
 * revocable; also a member's password reset), and one's own signed-in devices.
 */

/** A link's token: 32 random bytes in base64url (43 characters). */
export const InvitationToken = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, '邀请链接不完整，请重新打开完整链接');

/** What issuing an invitation answers: the link is shown once (as text and as a QR code), never stored. */
export const IssuedInvitation = z.object({
  invitationId: Uuid,
  link: z.string(),
  expiresAt: z.string(),
});
export type IssuedInvitation = z.infer<typeof IssuedInvitation>;

/** The invitation sheet of a unit: its members (every one, or those without a login yet, or the ones picked). */
export const BulkInvitationBody = z.object({
  orgId: Uuid,
  memberIds: z.array(Uuid).min(1).max(500, '一次最多 500 人').optional(),
  only: z.enum(['without_account', 'all']).optional(),
});
export type BulkInvitationBody = z.infer<typeof BulkInvitationBody>;

export const InvitationSheetItem = z.object({
  memberId: Uuid,
  name: z.string(),
  unitName: z.string(),
  link: z.string(),
  expiresAt: z.string(),
});
export type InvitationSheetItem = z.infer<typeof InvitationSheetItem>;
export const InvitationSheet = z.object({ items: z.array(InvitationSheetItem) });
export type InvitationSheet = z.infer<typeof InvitationSheet>;

export const InvitationStatus = z.enum(['open', 'used', 'expired', 'revoked', 'locked']);
export type InvitationStatus = z.infer<typeof InvitationStatus>;

/**
 * What the invitation page shows before anyone signs in: the name masked (张*明), the unit, what the
 * member is asked to prove who they are, and whom to ask when the link no longer works.
 */
export const InvitationView = z.object({
  status: InvitationStatus,
  name: z.string(),
  unitName: z.string(),
  /** the last 4 characters of the ID number when one is on record, else the birth date */
  ask: z.enum(['id_last4', 'birth_date']),
  contact: z.object({ name: z.string(), phone: z.string() }).nullable(),
  /** when a locked invitation opens again */
  lockedUntil: z.string().nullable(),
});
export type InvitationView = z.infer<typeof InvitationView>;

export const RedeemInvitationBody = z.object({
  answer: z.string().trim().min(1, '请填写答案').max(20),
  password: ChangePasswordBody.shape.newPassword,
  remember: z.boolean().default(true),
});
export type RedeemInvitationBody = z.infer<typeof RedeemInvitationBody>;

/** What a device's browser is, in words the member app turns into plain language. */
export const DeviceBrowser = z.enum(['wechat', 'wecom', 'dingtalk', 'feishu', 'qq', 'uc', 'quark', 'edge', 'chrome', 'firefox', 'safari', 'other']);
export type DeviceBrowser = z.infer<typeof DeviceBrowser>;
export const DeviceKind = z.enum(['android_phone', 'iphone', 'ipad', 'android_tablet', 'harmony_phone', 'windows', 'mac', 'linux', 'other']);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** One of one's own sessions, never its token. */
export const Device = z.object({
  id: Uuid,
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  expiresAt: z.string(),
  browser: DeviceBrowser,
  device: DeviceKind,
  /** signed in with 记住这台手机 */
  remember: z.boolean(),
  /** the device asking */
  current: z.boolean(),
});
export type Device = z.infer<typeof Device>;
export const DeviceList = z.object({ items: z.array(Device) });
export type DeviceList = z.infer<typeof DeviceList>;

// In order: an app's own browser names the system's browser too (WeChat's says "Chrome" and "Safari").
const BROWSERS: [RegExp, DeviceBrowser][] = [
  [/wxwork/i, 'wecom'],
  [/MicroMessenger/i, 'wechat'],
  [/DingTalk/i, 'dingtalk'],
  [/Lark|Feishu/i, 'feishu'],
  [/MQQBrowser|QQ\//i, 'qq'],
  [/UCBrowser|UCWEB/i, 'uc'],
  [/Quark/i, 'quark'],
  [/Edg(e|A|iOS)?\//i, 'edge'],
  [/Firefox|FxiOS/i, 'firefox'],
  [/Chrome|CriOS|Chromium/i, 'chrome'],
  [/Safari/i, 'safari'],
];
const DEVICES: [RegExp, DeviceKind][] = [
  [/HarmonyOS|OpenHarmony/i, 'harmony_phone'],
  [/iPad/i, 'ipad'],
  [/iPhone|iPod/i, 'iphone'],
  [/Android.*Mobile/i, 'android_phone'],
  [/Android/i, 'android_tablet'],
  [/Windows/i, 'windows'],
  [/Macintosh|Mac OS X/i, 'mac'],
  [/Linux|X11/i, 'linux'],
];

/** Reads a user agent into the browser and the kind of device it came from. */
export function describeUserAgent(userAgent: string | null): { browser: DeviceBrowser; device: DeviceKind } {
  const ua = userAgent ?? '';
  return {
    browser: BROWSERS.find(([re]) => re.test(ua))?.[1] ?? 'other',
    device: DEVICES.find(([re]) => re.test(ua))?.[1] ?? 'other',
  };
}
