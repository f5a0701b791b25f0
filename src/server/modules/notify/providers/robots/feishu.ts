import crypto from 'node:crypto';
import type { RobotDigest, RobotTarget } from '../types.ts';
import { fitDigest, omittedNote, utf8Bytes } from './digest.ts';
import { type KnownCode, type RobotProviderOptions, type RobotSender, numberOrNull, postToRobot, stringOf } from './http.ts';

/**
 * 飞书 自定义机器人: POST to https://open.feishu.cn/open-apis/bot/v2/hook/{id} a body
 * {"msg_type":"post","content":{"post":{"zh_cn":{title, content}}}}, with "timestamp" (seconds)
 * and "sign" in the body when the robot signs. Body ≤ 20 KB; 100 messages a minute and 5 a second
 * per robot. Success is {"code":0} (older robots: {"StatusCode":0}).
 */

/**
 * sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")). Not 钉钉's formula:
 * the key is the timestamp and secret, the message is empty.
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return crypto.createHmac('sha256', `${timestampSeconds}\n${secret}`).update('', 'utf8').digest('base64');
}

export const FEISHU_KNOWN: Record<number, KnownCode> = {
  11232: { zh: '发送太快：飞书每个机器人每分钟最多 100 条、每秒最多 5 条', retry: true, tooFast: true },
  19021: { zh: '签名不对或时间戳过期：请检查加签密钥和服务器时间', retry: false },
  19022: { zh: 'IP 不在飞书机器人的 IP 白名单里：请检查机器人安全设置', retry: false },
  19024: { zh: '消息里没有机器人设置的关键词：请在飞书机器人安全设置里改用“签名校验”', retry: false },
  9499: { zh: 'Webhook 地址或请求不对：请在飞书群的机器人设置里重新复制 Webhook 地址', retry: false },
};

/** Leaves room for "timestamp" and "sign", added after the fit. */
const SIGN_ROOM = 120;

export function feishuBody(digest: RobotDigest): { body: Record<string, unknown>; kept: number; omitted: number } {
  const fit = fitDigest(
    digest,
    20_000 - SIGN_ROOM,
    (title, lines, omitted) => ({
      msg_type: 'post',
      content: {
        post: {
          zh_cn: {
            title,
            content: [
              ...lines.map((l) => [
                { tag: 'text', text: '• ' },
                { tag: 'a', text: l.text, href: l.link },
              ]),
              ...(omitted > 0 ? [[{ tag: 'text', text: omittedNote(omitted) }]] : []),
            ],
          },
        },
      },
    }),
    (body) => utf8Bytes(JSON.stringify(body)),
  );
  return { body: fit.message, kept: fit.kept, omitted: fit.omitted };
}

export function feishuProvider(options: RobotProviderOptions = {}): RobotSender {
  const provider: RobotSender = {
    kind: 'feishu',
    perMinute: 100,
    blockMs: 60_000,
    maxBytes: 20_000,
    async sendWithAnswer(target: RobotTarget, digest: RobotDigest, now: Date) {
      const { body } = feishuBody(digest);
      if (target.secret) {
        const timestamp = Math.floor(now.getTime() / 1000);
        Object.assign(body, { timestamp: String(timestamp), sign: feishuSign(timestamp, target.secret) });
      }
      return postToRobot({
        kind: 'feishu',
        url: target.webhook,
        body,
        now,
        blockMs: provider.blockMs,
        options,
        readCode: (json) => {
          if ('code' in json) return { code: numberOrNull(json.code), message: stringOf(json.msg) };
          return { code: numberOrNull(json.StatusCode), message: stringOf(json.StatusMessage) };
        },
        known: FEISHU_KNOWN,
      });
    },
    async send(target, digest, now) {
      return (await provider.sendWithAnswer(target, digest, now)).outcome;
    },
  };
  return provider;
}

/** 飞书 also allows at most 5 a second per robot (the dispatcher spaces a robot's sends by this). */
export const FEISHU_PER_SECOND = 5;
