import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import type { ChannelHealth, Robot, RobotTestResult } from '../../../shared/api-robots.ts';
import { startFakeRobotServer, type FakeRobotServer } from './providers/robots/fake-robot-server.ts';
import { createRobot, type RobotDeps } from './robots.ts';

/**
 * Group robots per unit over HTTP and as use cases, against a loopback fake of the services:
 * who may configure them, that the webhook and secret never come back nor reach the audit log,
 * bad input named by field in both languages, the test message's answer, removal, and the
 * channel health read from the outbox's tables.
 */

let env: TestEnv;
let fake: FakeRobotServer;
let village: Session;
let branch1: Session;
let groupLeader: Session;
const org = async (name: string) =>
  (await env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow());

beforeAll(async () => {
  env = await openTestApp();
  fake = await startFakeRobotServer();
  village = await login(env.app, PHONES.generalSecretary);
  branch1 = await login(env.app, PHONES.branchSecretary);
  groupLeader = await login(env.app, PHONES.groupLeader);
});
afterAll(async () => {
  await fake?.close();
  await env?.close();
});

const KEY = 'SECRETKEY-693a91f6-abcd';
const wecomHook = (answer = 'ok') => `${fake.base}/${answer}/cgi-bin/webhook/send?key=${KEY}`;
const dingHook = (answer = 'ok') => `${fake.base}/${answer}/robot/send?access_token=${KEY}`;

async function create(session: Session, body: Record<string, unknown>, lang?: string) {
  return env.app.inject({ method: 'POST', url: '/api/notify/robots', headers: { ...session.headers, ...(lang ? { 'accept-language': lang } : {}) }, payload: body });
}

describe('configuring robots', () => {
  it('a secretary above the unit adds a robot; the webhook and secret are kept encrypted and never come back', async () => {
    const branch2 = await org('第二党支部');
    const res = await create(village, { orgId: branch2.id, kind: 'dingtalk', name: '第二支部党员群', webhook: dingHook(), secret: 'SECsigning-secret-0001' });
    expect(res.statusCode).toBe(200);
    const robot = res.json() as Robot;
    expect(robot).toMatchObject({ orgId: branch2.id, orgName: '第二党支部', kind: 'dingtalk', name: '第二支部党员群', secretSet: true, enabled: true });
    expect(robot.webhookMasked).toBe(`${new URL(fake.base).host} …abcd`);
    expect(res.body).not.toContain(KEY);
    expect(res.body).not.toContain('SECsigning');

    const row = await env.db.selectFrom('notify_robot').selectAll().where('id', '=', robot.id).executeTakeFirstOrThrow();
    expect(row.webhook_cipher).not.toContain(KEY);
    expect(env.services.cipher.decrypt(row.webhook_cipher)).toBe(dingHook());
    expect(env.services.cipher.decrypt(row.secret_cipher ?? '')).toBe('SECsigning-secret-0001');

    const list = await env.app.inject({ method: 'GET', url: `/api/notify/robots?orgId=${branch2.id}`, headers: village.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: Robot[] }).items.map((r) => r.id)).toContain(robot.id);
    expect(list.body).not.toContain(KEY);

    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', robot.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['notify_robot.create']);
    expect(JSON.stringify(audit)).not.toContain(KEY);
    expect(JSON.stringify(audit)).not.toContain('SECsigning');
  });

  it('a branch secretary configures their own unit only; a group leader none', async () => {
    const own = await org('第一党支部');
    const other = await org('第二党支部');
    expect((await create(branch1, { orgId: own.id, kind: 'wecom', name: '第一支部群', webhook: wecomHook() })).statusCode).toBe(200);
    expect((await create(branch1, { orgId: other.id, kind: 'wecom', name: '越权', webhook: wecomHook() })).statusCode).toBe(403);
    expect((await create(groupLeader, { orgId: own.id, kind: 'wecom', name: '组长', webhook: wecomHook() })).statusCode).toBe(403);
    // Without orgId, a list is the caller's own units: the branch secretary sees only branch 1's robots.
    const mine = (await env.app.inject({ method: 'GET', url: '/api/notify/robots', headers: branch1.headers })).json() as { items: Robot[] };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((r) => r.orgName === '第一党支部')).toBe(true);
    const all = (await env.app.inject({ method: 'GET', url: '/api/notify/robots', headers: village.headers })).json() as { items: Robot[] };
    expect(new Set(all.items.map((r) => r.orgName))).toEqual(new Set(['第一党支部', '第二党支部']));
  });

  it('refuses a webhook of another service or host, naming the field, in Chinese and in English', async () => {
    const branch2 = await org('第二党支部');
    const zh = await create(village, { orgId: branch2.id, kind: 'wecom', name: '错', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=x' });
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toMatchObject({ issues: [{ field: 'webhook', message: expect.stringContaining('企业微信机器人的 Webhook 地址应形如') }] });
    const en = await create(village, { orgId: branch2.id, kind: 'wecom', name: '错', webhook: 'https://evil.example/cgi-bin/webhook/send?key=x' }, 'en-US');
    expect(en.statusCode).toBe(400);
    expect(en.json()).toMatchObject({ issues: [{ field: 'webhook', message: expect.stringContaining("A WeCom robot's webhook address looks like") }] });
    const secret = await create(village, { orgId: branch2.id, kind: 'wecom', name: '错', webhook: wecomHook(), secret: 'x' });
    expect(secret.statusCode).toBe(400);
    expect(secret.json()).toMatchObject({ issues: [{ field: 'secret' }] });
    const noName = await create(village, { orgId: branch2.id, kind: 'feishu', name: '  ', webhook: wecomHook() });
    expect(noName.statusCode).toBe(400);
    expect(noName.json()).toMatchObject({ issues: [expect.objectContaining({ field: 'name' })] });
    const badKind = await create(village, { orgId: branch2.id, kind: 'wechat', name: 'x', webhook: wecomHook() });
    expect(badKind.statusCode).toBe(400);
    expect(JSON.stringify(badKind.json())).toContain('kind');
  });

  it('in production only the service’s own https address is taken, never a loopback one', async () => {
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const branch2 = await org('第二党支部');
    const deps: RobotDeps = { cipher: env.services.cipher, production: true, publicUrl: 'https://lianxin.example.cn' };
    await expect(createRobot(env.db, ctx, deps, { orgId: branch2.id, kind: 'wecom', name: '本机', webhook: wecomHook() })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'webhook' }],
    });
    const ok = await createRobot(env.db, ctx, deps, { orgId: branch2.id, kind: 'wecom', name: '真', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234' });
    expect(ok.webhookMasked).toBe('qyapi.weixin.qq.com …1234');
  });

  it('renames, switches off, takes a new webhook (its old error goes), removes the secret; an empty change is refused', async () => {
    const branch2 = await org('第二党支部');
    const robot = (await create(village, { orgId: branch2.id, kind: 'dingtalk', name: '改', webhook: dingHook(), secret: 'SEC1' })).json() as Robot;
    await env.db.updateTable('notify_robot').set({ last_error: '310000 签名不对', last_error_at: clock.now() }).where('id', '=', robot.id).execute();
    const patch = (body: unknown) => env.app.inject({ method: 'PATCH', url: `/api/notify/robots/${robot.id}`, headers: village.headers, payload: body as Record<string, unknown> });
    expect(((await patch({ name: '第二支部新群', enabled: false })).json() as Robot)).toMatchObject({ name: '第二支部新群', enabled: false, lastError: '310000 签名不对' });
    const renewed = (await patch({ webhook: dingHook('sign'), secret: null })).json() as Robot;
    expect(renewed).toMatchObject({ secretSet: false, lastError: null });
    expect((await patch({})).statusCode).toBe(400);
    // A 钉钉 robot takes only a 钉钉 address.
    expect((await patch({ webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' })).statusCode).toBe(400);
    expect((await env.app.inject({ method: 'PATCH', url: `/api/notify/robots/${robot.id}`, headers: branch1.headers, payload: { name: 'x' } })).statusCode).toBe(403);
  });
});

describe('the test message', () => {
  it('answers the service’s code and message, and keeps them on the robot', async () => {
    const branch2 = await org('第二党支部');
    const good = (await create(village, { orgId: branch2.id, kind: 'dingtalk', name: '测试好', webhook: dingHook(), secret: 'SECgood' })).json() as Robot;
    const before = fake.requests.length;
    const ok = await env.app.inject({ method: 'POST', url: `/api/notify/robots/${good.id}/test`, headers: village.headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true, httpStatus: 200, code: 0, message: 'ok', error: null } satisfies RobotTestResult);
    const sent = fake.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.body)).toContain('连心测试消息');
    // 钉钉's timestamp is the server clock's, taken at this send.
    expect(Math.abs(Number(sent[0]?.query.get('timestamp')) - clock.now().getTime())).toBeLessThan(60_000);
    expect(sent[0]?.query.get('sign')).toBeTruthy();
    const goodRow = await env.db.selectFrom('notify_robot').select(['last_success_at', 'last_error']).where('id', '=', good.id).executeTakeFirstOrThrow();
    expect(goodRow.last_success_at).not.toBeNull();

    const bad = (await create(village, { orgId: branch2.id, kind: 'dingtalk', name: '测试坏', webhook: dingHook('sign'), secret: 'SECwrong' })).json() as Robot;
    const answer = (await env.app.inject({ method: 'POST', url: `/api/notify/robots/${bad.id}/test`, headers: village.headers })).json() as RobotTestResult;
    expect(answer).toMatchObject({ ok: false, httpStatus: 200, code: 310000, message: expect.stringContaining('sign not match') });
    expect(answer.error).toMatch(/^310000 签名不对：请检查加签密钥/);
    const badRow = await env.db.selectFrom('notify_robot').select(['last_error', 'last_error_at']).where('id', '=', bad.id).executeTakeFirstOrThrow();
    expect(badRow.last_error).toMatch(/^310000 签名不对/);
    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', bad.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['notify_robot.create', 'notify_robot.test']);
    expect(JSON.stringify(audit)).not.toContain(KEY);
  });

  it('"too fast" blocks the robot until the service lets it send again', async () => {
    const branch2 = await org('第二党支部');
    const robot = (await create(village, { orgId: branch2.id, kind: 'wecom', name: '太快', webhook: wecomHook('wecom-too-fast') })).json() as Robot;
    const answer = (await env.app.inject({ method: 'POST', url: `/api/notify/robots/${robot.id}/test`, headers: village.headers })).json() as RobotTestResult;
    expect(answer).toMatchObject({ ok: false, code: 45009 });
    const row = await env.db.selectFrom('notify_robot').select('blocked_until').where('id', '=', robot.id).executeTakeFirstOrThrow();
    expect(row.blocked_until?.getTime()).toBeGreaterThan(clock.now().getTime() + 9 * 60_000);
    // While blocked, a test is not sent at all: it would only lengthen the block.
    const before = fake.requests.length;
    const again = (await env.app.inject({ method: 'POST', url: `/api/notify/robots/${robot.id}/test`, headers: village.headers })).json() as RobotTestResult;
    expect(again).toMatchObject({ ok: false, httpStatus: 0, error: expect.stringContaining('发送太快被限流') });
    expect(fake.requests.length).toBe(before);
  });
});

describe('removing a robot', () => {
  it('cancels what it had still to send, keeps what it sent, and forgets its webhook', async () => {
    const branch2 = await org('第二党支部');
    const robot = (await create(village, { orgId: branch2.id, kind: 'wecom', name: '将删除', webhook: wecomHook() })).json() as Robot;
    const notice = (status: 'pending' | 'sent') => ({
      tenant_id: env.tenantId,
      source_kind: 'push',
      source_id: crypto.randomUUID(),
      channel: 'wecom' as const,
      recipient_id: robot.id,
      robot_id: robot.id,
      template_key: 'study',
      link: 'study',
      status,
      ...(status === 'sent' ? { sent_at: clock.now() } : {}),
    });
    const [pending, sent] = await Promise.all([
      env.db.insertInto('notification').values(notice('pending')).returning('id').executeTakeFirstOrThrow(),
      env.db.insertInto('notification').values(notice('sent')).returning('id').executeTakeFirstOrThrow(),
    ]);
    expect((await env.app.inject({ method: 'DELETE', url: `/api/notify/robots/${robot.id}`, headers: branch1.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'DELETE', url: `/api/notify/robots/${robot.id}`, headers: village.headers })).statusCode).toBe(204);
    const rows = await env.db.selectFrom('notification').select(['id', 'status']).where('robot_id', '=', robot.id).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [pending.id]: 'cancelled', [sent.id]: 'sent' });
    expect(await env.db.selectFrom('notify_robot').select('id').where('id', '=', robot.id).executeTakeFirst()).toBeUndefined();
    expect((await env.app.inject({ method: 'POST', url: `/api/notify/robots/${robot.id}/test`, headers: village.headers })).statusCode).toBe(404);
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', robot.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['notify_robot.create', 'notify_robot.remove']);
  });
});

describe('channel health', () => {
  it('counts each robot’s digests today and this minute, the outbox’s backlog and failures, within the caller’s units', async () => {
    const branch3 = await org('第三党支部（老党员支部）');
    const robot = (await create(village, { orgId: branch3.id, kind: 'wecom', name: '健康', webhook: wecomHook() })).json() as Robot;
    const now = clock.now();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const member = await env.db.selectFrom('member').select('id').where('tenant_id', '=', env.tenantId).where('org_id', 'in', env.db.selectFrom('org').select('id').where('path', 'like', `${branch3.path}%`)).executeTakeFirstOrThrow();
    const base = { tenant_id: env.tenantId, template_key: 'study', link: 'study', source_kind: 'push' } as const;
    type Status = 'sent' | 'failed' | 'pending';
    const robotRow = (status: Status, extra: { sent_at?: Date; failed_at?: Date; last_error?: string; attempts?: number }) =>
      ({ ...base, source_id: crypto.randomUUID(), channel: 'wecom' as const, recipient_id: robot.id, robot_id: robot.id, status, ...extra });
    // One digest of two rows 20 s ago (one message), one a minute and a half ago, one failed, one pending.
    const digestAt = ago(20_000);
    const inserted = await env.db
      .insertInto('notification')
      .values([
        robotRow('sent', { sent_at: digestAt, attempts: 1 }),
        robotRow('sent', { sent_at: digestAt, attempts: 1 }),
        robotRow('sent', { sent_at: ago(90_000), attempts: 1 }),
        robotRow('failed', { failed_at: ago(3_600_000), last_error: '93000 Webhook 地址无效', attempts: 1 }),
        robotRow('pending', {}),
        { ...base, source_id: crypto.randomUUID(), channel: 'sms' as const, recipient_id: member.id, member_id: member.id, status: 'failed' as const, failed_at: ago(60_000), last_error: 'isv.BUSINESS_LIMIT_CONTROL' },
      ])
      .returning(['id', 'sent_at'])
      .execute();
    await env.db
      .insertInto('notification_attempt')
      .values(inserted.filter((r) => r.sent_at).map((r) => ({ tenant_id: env.tenantId, notification_id: r.id, n: 1, started_at: r.sent_at as Date, ok: true })))
      .execute();

    const res = await env.app.inject({ method: 'GET', url: `/api/notify/health?orgId=${branch3.id}`, headers: village.headers });
    expect(res.statusCode).toBe(200);
    const health = res.json() as ChannelHealth;
    expect(health.robots).toHaveLength(1);
    expect(health.robots[0]).toMatchObject({ id: robot.id, name: '健康', sentToday: expect.any(Number), lastMinute: 1, perMinute: 20, blockedUntil: null });
    // The two rows of one digest are one message; the one 90 s ago counts today unless the China day began in between.
    expect(health.robots[0]?.sentToday).toBeGreaterThanOrEqual(1);
    expect(health.robots[0]?.sentToday).toBeLessThanOrEqual(2);
    expect(health.outbox.pending).toBe(1);
    expect(health.outbox.failed24h).toBe(2);
    expect(health.outbox.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'wecom', error: '93000 Webhook 地址无效', count: 1 }),
        expect.objectContaining({ channel: 'sms', error: 'isv.BUSINESS_LIMIT_CONTROL', count: 1 }),
      ]),
    );
    const sentByChart = health.daily.filter((d) => d.channel === 'wecom').reduce((s, d) => s + d.sent, 0);
    expect(sentByChart).toBe(3);
    expect(health.webPush).toMatchObject({ subscriptions: expect.any(Number), sentToday: 0, failures: 0 });

    // The branch 1 secretary sees neither this robot nor these notices; a group leader nothing at all.
    const other = (await env.app.inject({ method: 'GET', url: '/api/notify/health', headers: branch1.headers })).json() as ChannelHealth;
    expect(other.robots.map((r) => r.id)).not.toContain(robot.id);
    expect(other.outbox.failures.map((f) => f.error)).not.toContain('93000 Webhook 地址无效');
    expect((await env.app.inject({ method: 'GET', url: `/api/notify/health?orgId=${branch3.id}`, headers: branch1.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'GET', url: '/api/notify/health', headers: groupLeader.headers })).statusCode).toBe(403);
  });
});
