import crypto from 'node:crypto';
import type { RobotDigest, RobotTarget } from '../types.ts';
import { fitDigest, markdownLabel, omittedNote, utf8Bytes } from './digest.ts';
import { type KnownCode, type RobotProviderOptions, type RobotSender, numberOrNull, postToRobot, stringOf } from './http.ts';

/**
 * 钉钉 自定义机器人: POST {"msgtype":"markdown","markdown":{"title","text"}} to
 * https://oapi.dingtalk.com/robot/send?access_token=T, with `&timestamp=MS&sign=S` when the robot
 * signs ("加签"). The timestamp is taken at each send: 钉钉 refuses one more than an hour away from
 * its clock, so a timestamp kept from start-up fails an hour later. Body ≤ 20000 bytes; 20
 * messages a minute per robot, more blocks the robot for 10 minutes.
 */

/** sign = urlEncode(base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret))). */
export function dingtalkSign(timestampMs: number, secret: string): string {
  const mac = crypto.createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(mac);
}

export const DINGTALK_KNOWN: Record<number, KnownCode> = {
  130101: { zh: '发送太快：钉钉每个机器人每分钟最多 20 条，超出后限流 10 分钟', retry: true, tooFast: true },
  310000: { zh: '签名不对：请检查加签密钥', retry: false },
  460101: { zh: '消息太长：钉钉单条消息最多 20000 字节', retry: false },
  300001: { zh: 'Webhook 地址无效：请在钉钉群的机器人设置里重新复制 Webhook 地址', retry: false },
};

/** 钉钉 answers 310000 for a wrong sign, a stale timestamp, a missing keyword and an IP not allowed alike. */
function refine310000(code: number, message: string): KnownCode | undefined {
  if (code !== 310000) return undefined;
  const m = message.toLowerCase();
  if (m.includes('keyword')) return { zh: '消息里没有机器人“自定义关键词”：请在钉钉机器人安全设置里改用“加签”', retry: false };
  if (m.includes('ip')) return { zh: 'IP 不在钉钉机器人的 IP 地址段里：请检查机器人安全设置', retry: false };
  if (m.includes('timestamp') || m.includes('过期')) return { zh: '时间戳过期：请检查服务器时间是否准确', retry: false };
  return DINGTALK_KNOWN[310000];
}

export function dingtalkBody(digest: RobotDigest): { body: unknown; kept: number; omitted: number } {
  const fit = fitDigest(
    digest,
    20_000,
    (title, lines, omitted) => ({
      msgtype: 'markdown',
      markdown: {
        title,
        text: [
          `#### ${markdownLabel(title)}`,
          '',
          ...lines.map((l) => `- [${markdownLabel(l.text)}](${l.link})`),
          ...(omitted > 0 ? ['', omittedNote(omitted)] : []),
        ].join('\n'),
      },
    }),
    (body) => utf8Bytes(JSON.stringify(body)),
  );
  return { body: fit.message, kept: fit.kept, omitted: fit.omitted };
}

/** The webhook with the signature's query parameters appended (when the robot signs). */
export function dingtalkUrl(target: RobotTarget, now: Date): string {
  if (!target.secret) return target.webhook;
  const timestamp = now.getTime();
  const sep = target.webhook.includes('?') ? '&' : '?';
  return `${target.webhook}${sep}timestamp=${timestamp}&sign=${dingtalkSign(timestamp, target.secret)}`;
}

export function dingtalkProvider(options: RobotProviderOptions = {}): RobotSender {
  const provider: RobotSender = {
    kind: 'dingtalk',
    perMinute: 20,
    blockMs: 10 * 60_000,
    maxBytes: 20_000,
    async sendWithAnswer(target: RobotTarget, digest: RobotDigest, now: Date) {
      return postToRobot({
        kind: 'dingtalk',
        url: dingtalkUrl(target, now),
        body: dingtalkBody(digest).body,
        now,
        blockMs: provider.blockMs,
        options,
        readCode: (json) => ({ code: numberOrNull(json.errcode), message: stringOf(json.errmsg) }),
        known: DINGTALK_KNOWN,
        refine: refine310000,
      });
    },
    async send(target, digest, now) {
      return (await provider.sendWithAnswer(target, digest, now)).outcome;
    },
  };
  return provider;
}
