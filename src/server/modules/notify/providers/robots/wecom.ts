import type { RobotDigest, RobotTarget } from '../types.ts';
import { fitDigest, markdownLabel, omittedNote, utf8Bytes } from './digest.ts';
import { type KnownCode, type RobotProviderOptions, type RobotSender, numberOrNull, postToRobot, stringOf } from './http.ts';

/**
 * 企业微信 群机器人 (消息推送): POST {"msgtype":"markdown","markdown":{"content":…}} to
 * https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY. Markdown content ≤ 4096 bytes, text
 * ≤ 2048; at most 20 messages a minute per robot. Success is {"errcode":0,"errmsg":"ok"}; a
 * refusal is HTTP 200 with another errcode.
 */

export const WECOM_KNOWN: Record<number, KnownCode> = {
  45009: { zh: '发送太快：企业微信每个机器人每分钟最多 20 条，暂停 10 分钟后再发', retry: true, tooFast: true },
  40058: { zh: '消息太长或格式不对：企业微信 markdown 最多 4096 字节', retry: false },
  93000: { zh: 'Webhook 地址无效：请在企业微信群的“消息推送”里重新复制 Webhook 地址', retry: false },
  [-1]: { zh: '企业微信系统繁忙，稍后重试', retry: true },
};

export type WecomFormat = 'markdown' | 'text';

export function wecomBody(digest: RobotDigest, format: WecomFormat = 'markdown'): { body: unknown; kept: number; omitted: number } {
  if (format === 'text') {
    const fit = fitDigest(
      digest,
      2048,
      (title, lines, omitted) =>
        [title, ...lines.map((l) => `• ${l.text}\n${l.link}`), ...(omitted > 0 ? [omittedNote(omitted)] : [])].join('\n'),
      utf8Bytes,
    );
    return { body: { msgtype: 'text', text: { content: fit.message } }, kept: fit.kept, omitted: fit.omitted };
  }
  const fit = fitDigest(
    digest,
    4096,
    (title, lines, omitted) =>
      [
        `**${markdownLabel(title)}**`,
        ...lines.map((l) => `> [${markdownLabel(l.text)}](${l.link})`),
        ...(omitted > 0 ? [`<font color="comment">${omittedNote(omitted)}</font>`] : []),
      ].join('\n'),
    utf8Bytes,
  );
  return { body: { msgtype: 'markdown', markdown: { content: fit.message } }, kept: fit.kept, omitted: fit.omitted };
}

export function wecomProvider(options: RobotProviderOptions & { format?: WecomFormat } = {}): RobotSender {
  const provider: RobotSender = {
    kind: 'wecom',
    perMinute: 20,
    blockMs: 10 * 60_000,
    maxBytes: options.format === 'text' ? 2048 : 4096,
    async sendWithAnswer(target: RobotTarget, digest: RobotDigest, now: Date) {
      return postToRobot({
        kind: 'wecom',
        url: target.webhook,
        body: wecomBody(digest, options.format).body,
        now,
        blockMs: provider.blockMs,
        options,
        readCode: (json) => ({ code: numberOrNull(json.errcode), message: stringOf(json.errmsg) }),
        known: WECOM_KNOWN,
      });
    },
    async send(target, digest, now) {
      return (await provider.sendWithAnswer(target, digest, now)).outcome;
    },
  };
  return provider;
}
