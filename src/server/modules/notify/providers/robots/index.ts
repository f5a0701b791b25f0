import type { FieldCipher } from '../../../../secrets.ts';
import type { RobotKind, RobotTarget } from '../types.ts';
import { dingtalkProvider } from './dingtalk.ts';
import { feishuProvider } from './feishu.ts';
import type { RobotProviderOptions, RobotSender } from './http.ts';
import { wecomProvider } from './wecom.ts';

/**
 * Group robots — 企业微信, 钉钉, 飞书 — as the outbox uses them: a provider per kind and the
 * decrypted target of a `notify_robot` row. Nothing here reads the database or the clock: the
 * dispatcher passes "now" to each send.
 */

export type { RobotAnswer, RobotProviderOptions, RobotSender, FetchLike } from './http.ts';
export { KIND_LABEL } from './http.ts';
export { cutToBytes, fitDigest, omittedNote, utf8Bytes } from './digest.ts';
export { dingtalkSign } from './dingtalk.ts';
export { feishuSign, FEISHU_PER_SECOND } from './feishu.ts';

export function robotProvider(kind: RobotKind, opts: RobotProviderOptions = {}): RobotSender {
  switch (kind) {
    case 'wecom':
      return wecomProvider(opts);
    case 'dingtalk':
      return dingtalkProvider(opts);
    case 'feishu':
      return feishuProvider(opts);
  }
}

/** The webhook and secret of a stored robot, decrypted for one send; never logged nor returned. */
export function robotTarget(
  row: { kind: string; webhook_cipher: string; secret_cipher: string | null },
  cipher: FieldCipher,
): RobotTarget {
  if (row.kind !== 'wecom' && row.kind !== 'dingtalk' && row.kind !== 'feishu') throw new Error(`unknown robot kind ${row.kind}`);
  return {
    kind: row.kind,
    webhook: cipher.decrypt(row.webhook_cipher),
    secret: row.secret_cipher ? cipher.decrypt(row.secret_cipher) : null,
  };
}

/** Where each service's webhooks live: host and path start, and how the console says it. */
const WEBHOOK_SHAPES: Record<RobotKind, { hosts: string[]; path: RegExp; param: string | null; hint: string }> = {
  wecom: {
    hosts: ['qyapi.weixin.qq.com'],
    path: /^\/cgi-bin\/webhook\/send$/,
    param: 'key',
    hint: '企业微信机器人的 Webhook 地址应形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  },
  dingtalk: {
    hosts: ['oapi.dingtalk.com'],
    path: /^\/robot\/send$/,
    param: 'access_token',
    hint: '钉钉机器人的 Webhook 地址应形如 https://oapi.dingtalk.com/robot/send?access_token=…',
  },
  feishu: {
    hosts: ['open.feishu.cn', 'open.larksuite.com'],
    path: /^\/open-apis\/bot\/v2\/hook\/[\w-]+$/,
    param: null,
    hint: '飞书机器人的 Webhook 地址应形如 https://open.feishu.cn/open-apis/bot/v2/hook/…',
  },
};

/**
 * Why `url` cannot be a webhook of `kind` (the shape it should have, in Chinese), or null when it
 * can: https on the service's own host and path, so a key is never sent elsewhere. Outside
 * production a loopback http://127.0.0.1 address is also taken, for the local fakes tests and
 * demos use.
 */
export function webhookProblem(kind: RobotKind, url: string, production: boolean): string | null {
  const shape = WEBHOOK_SHAPES[kind];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return shape.hint;
  }
  if (!production && parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1') return null;
  const wellFormed =
    parsed.protocol === 'https:' &&
    shape.hosts.includes(parsed.hostname) &&
    parsed.port === '' &&
    !parsed.username &&
    !parsed.password &&
    shape.path.test(parsed.pathname) &&
    (shape.param === null || Boolean(parsed.searchParams.get(shape.param)));
  return wellFormed ? null : shape.hint;
}

/** What the console shows of a webhook: its host and its last 4 characters ("qyapi.weixin.qq.com …a1b2"). */
export function maskWebhook(url: string): string {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    host = '';
  }
  const tail = url.length > 12 ? url.slice(-4) : '';
  return tail ? `${host} …${tail}` : host;
}
