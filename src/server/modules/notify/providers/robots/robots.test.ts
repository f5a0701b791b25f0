import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldCipher } from '../../../../secrets.ts';
import type { RobotDigest, RobotTarget } from '../types.ts';
import { dingtalkBody, dingtalkSign } from './dingtalk.ts';
import { clampText, cutToBytes, utf8Bytes } from './digest.ts';
import { type FakeRobotServer, startFakeRobotServer } from './fake-robot-server.ts';
import { feishuBody, feishuSign } from './feishu.ts';
import { maskWebhook, robotProvider, robotTarget, webhookProblem } from './index.ts';
import { wecomBody } from './wecom.ts';

// A fixed moment: signatures are checked against values computed once from the documented formulas.
const NOW = new Date('2026-03-02T01:02:03.456Z');
const SECRET = 'SECexample0123456789';

const digest = (n: number, text = (i: number) => `第${i + 1}项：学习《党章》第${i + 1}章`): RobotDigest => ({
  title: '连心：新的学习内容',
  lines: Array.from({ length: n }, (_, i) => ({ text: text(i), link: `https://lianxin.example.cn/m/read/p${i}/i${i}?n=${'0'.repeat(8)}-${i}` })),
});

describe('signatures', () => {
  it('钉钉: urlEncode(base64(HmacSHA256(secret, timestamp + "\\n" + secret)))', () => {
    const ts = 1700000000000;
    const expected = encodeURIComponent(crypto.createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64'));
    expect(dingtalkSign(ts, SECRET)).toBe(expected);
    expect(dingtalkSign(ts, SECRET)).toBe('figG6qqCA%2FlRh0hsGCW2zNtNV5znkAFut5BI0zKhqnQ%3D');
  });

  it('飞书: base64(HmacSHA256(key = timestamp + "\\n" + secret, message = "")), unlike 钉钉', () => {
    const ts = 1700000000;
    const expected = crypto.createHmac('sha256', `${ts}\n${SECRET}`).update('').digest('base64');
    expect(feishuSign(ts, SECRET)).toBe(expected);
    expect(feishuSign(ts, SECRET)).toBe('S7TuSij45SE3ul/eGkJ5Bwcxf8ZNyPIQzqpjNU85VYk=');
    expect(decodeURIComponent(dingtalkSign(ts, SECRET))).not.toBe(feishuSign(ts, SECRET));
  });
});

const long = (i: number) => `${'很长的标题'.repeat(40)}${i}`;

describe('digests fit the services’ limits', () => {
  it('cuts between characters, never inside one', () => {
    const text = '党员🇨🇳学习a';
    for (let max = 0; max <= utf8Bytes(text); max++) {
      const cut = cutToBytes(text, max);
      expect(utf8Bytes(cut)).toBeLessThanOrEqual(max);
      expect(text.startsWith(cut)).toBe(true);
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
      expect(cut).not.toMatch(/\uFFFD/);
    }
    expect(cutToBytes('党员', 5)).toBe('党');
    expect(clampText('一二三四五六', 10)).toBe('一二…');
  });

  it('企业微信 markdown stays within 4096 bytes and says how many were left out', () => {
    const { body, kept, omitted } = wecomBody(digest(200));
    const content = (body as { markdown: { content: string } }).markdown.content;
    expect(utf8Bytes(content)).toBeLessThanOrEqual(4096);
    expect(kept).toBeGreaterThan(5);
    expect(kept + omitted).toBe(200);
    expect(content).toContain(`……等 ${omitted} 项，请打开连心查看`);
    // Every kept line whole, with its own link.
    for (let i = 0; i < kept; i++) expect(content).toContain(`?n=00000000-${i})`);
    expect(content).not.toContain(`?n=00000000-${kept})`);
  });

  it('企业微信 text stays within 2048 bytes', () => {
    const { body, omitted } = wecomBody(digest(100), 'text');
    const content = (body as { text: { content: string } }).text.content;
    expect(utf8Bytes(content)).toBeLessThanOrEqual(2048);
    expect(omitted).toBeGreaterThan(0);
  });

  it('a short digest goes whole, without the closing line', () => {
    const { body, omitted } = wecomBody(digest(3));
    expect(omitted).toBe(0);
    expect((body as { markdown: { content: string } }).markdown.content).not.toContain('……等');
  });

  it('钉钉 and 飞书 bodies stay within 20000 bytes', () => {
    const ding = dingtalkBody(digest(500, long));
    expect(utf8Bytes(JSON.stringify(ding.body))).toBeLessThanOrEqual(20_000);
    expect(ding.omitted).toBeGreaterThan(0);
    const fei = feishuBody(digest(500, long));
    expect(utf8Bytes(JSON.stringify(fei.body))).toBeLessThanOrEqual(20_000 - 120);
    expect(JSON.stringify(fei.body)).toContain(`……等 ${fei.omitted} 项，请打开连心查看`);
  });
});

describe('requests and answers, against a loopback fake', () => {
  let fake: FakeRobotServer;
  beforeAll(async () => {
    fake = await startFakeRobotServer();
  });
  afterAll(async () => {
    await fake.close();
  });
  const last = () => fake.requests[fake.requests.length - 1]!;
  const target = (kind: RobotTarget['kind'], answer: string, secret: string | null = null): RobotTarget => ({
    kind,
    secret,
    webhook:
      kind === 'wecom'
        ? `${fake.base}/${answer}/cgi-bin/webhook/send?key=KEY1234`
        : kind === 'dingtalk'
          ? `${fake.base}/${answer}/robot/send?access_token=TOKEN1234`
          : `${fake.base}/${answer}/open-apis/bot/v2/hook/abcd-1234`,
  });

  it('企业微信: markdown body, errcode 0 is a success', async () => {
    const outcome = await robotProvider('wecom').send(target('wecom', 'ok'), digest(2), NOW);
    expect(outcome).toEqual({ ok: true });
    const req = last();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/ok/cgi-bin/webhook/send');
    expect(req.query.get('key')).toBe('KEY1234');
    expect(req.headers['content-type']).toContain('application/json');
    expect(req.body).toMatchObject({ msgtype: 'markdown', markdown: { content: expect.stringContaining('**连心：新的学习内容**') } });
  });

  it('钉钉: timestamp (ms, this send) and sign in the query, markdown {title, text}', async () => {
    const outcome = await robotProvider('dingtalk').send(target('dingtalk', 'ok', SECRET), digest(2), NOW);
    expect(outcome.ok).toBe(true);
    const req = last();
    expect(req.query.get('access_token')).toBe('TOKEN1234');
    expect(req.query.get('timestamp')).toBe(String(NOW.getTime()));
    // URLSearchParams decodes once: what arrives is the base64 HMAC itself.
    const expected = crypto.createHmac('sha256', SECRET).update(`${NOW.getTime()}\n${SECRET}`).digest('base64');
    expect(req.query.get('sign')).toBe(expected);
    expect(req.body).toMatchObject({ msgtype: 'markdown', markdown: { title: '连心：新的学习内容', text: expect.stringContaining('- [第1项') } });

    const later = new Date(NOW.getTime() + 3_600_000);
    await robotProvider('dingtalk').send(target('dingtalk', 'ok', SECRET), digest(1), later);
    expect(last().query.get('timestamp')).toBe(String(later.getTime()));
  });

  it('钉钉 without a secret: no timestamp, no sign', async () => {
    await robotProvider('dingtalk').send(target('dingtalk', 'ok'), digest(1), NOW);
    expect(last().query.has('sign')).toBe(false);
    expect(last().query.has('timestamp')).toBe(false);
  });

  it('飞书: timestamp (seconds) and sign in the body, a post with links', async () => {
    const outcome = await robotProvider('feishu').send(target('feishu', 'feishu-ok', SECRET), digest(2), NOW);
    expect(outcome.ok).toBe(true);
    const body = last().body as Record<string, unknown>;
    const ts = Math.floor(NOW.getTime() / 1000);
    expect(body.timestamp).toBe(String(ts));
    expect(body.sign).toBe(crypto.createHmac('sha256', `${ts}\n${SECRET}`).update('').digest('base64'));
    expect(body.msg_type).toBe('post');
    expect(JSON.stringify(body.content)).toContain('"tag":"a"');
  });

  it('40058 (too long) fails without retry, explained in Chinese with the code', async () => {
    const outcome = await robotProvider('wecom').send(target('wecom', 'size'), digest(1), NOW);
    expect(outcome).toMatchObject({ ok: false, retry: false });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.error).toMatch(/^40058 消息太长/);
    expect(outcome.error).toContain('exceed max length');
  });

  it('310000 (sign) fails without retry: 签名不对', async () => {
    const outcome = await robotProvider('dingtalk').send(target('dingtalk', 'sign', 'wrong'), digest(1), NOW);
    expect(outcome).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/^310000 签名不对：请检查加签密钥/) });
  });

  it('19021 (飞书 sign or timestamp) fails without retry', async () => {
    const outcome = await robotProvider('feishu').send(target('feishu', 'feishu-sign', 'wrong'), digest(1), NOW);
    expect(outcome).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/^19021 签名不对/) });
  });

  it('130101 / 45009 (too fast) block the robot for 10 minutes and retry after', async () => {
    for (const [kind, answer] of [
      ['dingtalk', 'too-fast'],
      ['wecom', 'wecom-too-fast'],
    ] as const) {
      const outcome = await robotProvider(kind).send(target(kind, answer), digest(1), NOW);
      expect(outcome).toMatchObject({ ok: false, retry: true, retryAfterMs: 600_000 });
      if (outcome.ok) throw new Error('unreachable');
      expect(outcome.blockedUntil?.toISOString()).toBe(new Date(NOW.getTime() + 600_000).toISOString());
      expect(outcome.error).toContain('发送太快');
    }
  });

  it('an answer that is not JSON, or HTTP 500, is retried', async () => {
    const garbage = await robotProvider('wecom').send(target('wecom', 'garbage'), digest(1), NOW);
    expect(garbage).toMatchObject({ ok: false, retry: true, error: expect.stringContaining('无法识别') });
    const failed = await robotProvider('dingtalk').send(target('dingtalk', 'error500'), digest(1), NOW);
    expect(failed).toMatchObject({ ok: false, retry: true, error: expect.stringContaining('HTTP 500') });
  });

  it('nobody listening is retried, and the error never carries the webhook key', async () => {
    const closed = await startFakeRobotServer();
    const base = closed.base;
    await closed.close();
    const outcome = await robotProvider('wecom').send({ kind: 'wecom', webhook: `${base}/cgi-bin/webhook/send?key=SECRETKEY`, secret: null }, digest(1), NOW);
    expect(outcome).toMatchObject({ ok: false, retry: true });
    expect(JSON.stringify(outcome)).not.toContain('SECRETKEY');
  });

  it('sendWithAnswer gives the service’s code and message for the console', async () => {
    const { answer } = await robotProvider('dingtalk').sendWithAnswer(target('dingtalk', 'sign', 'x'), digest(1), NOW);
    expect(answer).toMatchObject({ httpStatus: 200, code: 310000, message: expect.stringContaining('sign not match') });
  });
});

describe('stored robots', () => {
  it('robotTarget decrypts the webhook and the secret', () => {
    const cipher = new FieldCipher(Buffer.alloc(32, 7));
    const row = { kind: 'dingtalk', webhook_cipher: cipher.encrypt('https://oapi.dingtalk.com/robot/send?access_token=t'), secret_cipher: cipher.encrypt('SEC1') };
    expect(robotTarget(row, cipher)).toEqual({ kind: 'dingtalk', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SEC1' });
    expect(robotTarget({ ...row, secret_cipher: null }, cipher).secret).toBeNull();
  });

  it('webhooks must be the service’s own https address; loopback only outside production', () => {
    expect(webhookProblem('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', true)).toBeNull();
    expect(webhookProblem('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=abc', true)).toBeNull();
    expect(webhookProblem('feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b-2c', true)).toBeNull();
    expect(webhookProblem('wecom', 'https://oapi.dingtalk.com/robot/send?access_token=abc', true)).toContain('企业微信机器人的 Webhook 地址应形如');
    expect(webhookProblem('dingtalk', 'http://oapi.dingtalk.com/robot/send?access_token=abc', true)).not.toBeNull();
    expect(webhookProblem('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send', true)).toContain('key=');
    expect(webhookProblem('feishu', 'https://evil.example/open-apis/bot/v2/hook/x', true)).not.toBeNull();
    expect(webhookProblem('wecom', 'not a url', true)).not.toBeNull();
    expect(webhookProblem('wecom', 'http://127.0.0.1:4000/ok', false)).toBeNull();
    expect(webhookProblem('wecom', 'http://127.0.0.1:4000/ok', true)).not.toBeNull();
  });

  it('the console sees only the host and the last 4 characters', () => {
    const masked = maskWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
    expect(masked).toBe('qyapi.weixin.qq.com …5aaa');
    expect(masked).not.toContain('693a91f6');
  });
});
