import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { isPushEndpoint } from '../../../shared/api-notify-member.ts';

/** The member's own channels (通知方式) and Web Push subscriptions, through the HTTP API. */
let env: TestEnv;
let member: Session;
let mentor: Session;
let memberId: string;

const keys = () => ({
  p256dh: (() => {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    return ecdh.getPublicKey().toString('base64url');
  })(),
  auth: crypto.randomBytes(16).toString('base64url'),
});
const endpoint = (name: string) => `https://fcm.googleapis.com/fcm/send/${name}-${crypto.randomUUID()}`;

const call = (session: Session, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, lang?: string) =>
  env.app.inject({ method, url, headers: { ...session.headers, ...(lang ? { 'accept-language': lang } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });

const subscriptionsOf = async (phone: string) =>
  env.db
    .selectFrom('push_subscription as s')
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.account_id'))
    .select(['s.endpoint', 's.p256dh'])
    .where('a.phone', '=', phone)
    .execute();

beforeAll(async () => {
  env = await openTestApp();
  member = await login(env.app, PHONES.mobileMember);
  mentor = await login(env.app, PHONES.mentor);
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

describe('the push key', () => {
  it('is the public half of one key pair, the same for every caller', async () => {
    const a = await call(member, 'GET', '/api/me/push/key');
    const b = await call(mentor, 'GET', '/api/me/push/key');
    expect(a.statusCode, a.body).toBe(200);
    expect(b.json()).toEqual(a.json());
    expect(Buffer.from(a.json().publicKey, 'base64url')).toHaveLength(65);
    expect(a.body).not.toContain('privateKey');
  });
});

describe('push subscriptions', () => {
  it('refuses an address that is not an https push service, naming the field in the caller\'s language', async () => {
    for (const bad of ['http://fcm.googleapis.com/x', 'https://127.0.0.1/x', 'https://localhost/x', 'https://push.example.cn:8443/x', 'https://intranet/x', 'https://[::1]/x', 'https://a.internal/x', 'not a url']) {
      expect(isPushEndpoint(bad), bad).toBe(false);
    }
    expect(isPushEndpoint('https://updates.push.services.mozilla.com/wpush/v2/abc')).toBe(true);
    const zh = await call(member, 'POST', '/api/me/push/subscriptions', { endpoint: 'https://10.0.0.1/push', keys: keys() });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().issues).toEqual([expect.objectContaining({ field: 'endpoint', message: '通知地址必须是 https 开头的推送服务地址' })]);
    const en = await call(member, 'POST', '/api/me/push/subscriptions', { endpoint: endpoint('m'), keys: { p256dh: 'short', auth: keys().auth } }, 'en-US');
    expect(en.statusCode).toBe(400);
    expect(en.json().issues).toEqual([expect.objectContaining({ field: 'keys.p256dh', message: 'The key is not in the right format' })]);
    expect(await subscriptionsOf(PHONES.mobileMember)).toEqual([]);
  });

  it('saves this browser for the caller\'s login, renews it on a second post, and audits without the address', async () => {
    const address = endpoint('phone');
    const first = await call(member, 'POST', '/api/me/push/subscriptions', { endpoint: address, keys: keys(), expirationTime: null });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ devices: 1 });
    const renewed = keys();
    const again = await call(member, 'POST', '/api/me/push/subscriptions', { endpoint: address, keys: renewed });
    expect(again.json()).toEqual({ id: first.json().id, devices: 1 });
    expect(await subscriptionsOf(PHONES.mobileMember)).toEqual([{ endpoint: address, p256dh: renewed.p256dh }]);
    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', first.json().id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['push_subscription.save', 'push_subscription.save']);
    expect(JSON.stringify(audit)).not.toContain(address);
    expect(JSON.stringify(audit)).toContain('fcm.googleapis.com');
    // the channel screen counts it
    expect((await call(member, 'GET', '/api/me/notices/channels')).json().webpush).toEqual({ on: true, devices: 1 });
  });

  it('moves a browser to whoever signs in on it, and nobody removes another login\'s subscription', async () => {
    const address = endpoint('shared');
    await call(member, 'POST', '/api/me/push/subscriptions', { endpoint: address, keys: keys() });
    // someone else signs in on the same phone and turns notices on: the browser is theirs now
    const moved = await call(mentor, 'POST', '/api/me/push/subscriptions', { endpoint: address, keys: keys() });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await subscriptionsOf(PHONES.mentor)).map((s) => s.endpoint)).toContain(address);
    expect((await subscriptionsOf(PHONES.mobileMember)).map((s) => s.endpoint)).not.toContain(address);
    // the first member cannot remove it any more
    const refused = await call(member, 'DELETE', '/api/me/push/subscriptions', { endpoint: address });
    expect(refused.json()).toEqual({ removed: 0 });
    expect((await subscriptionsOf(PHONES.mentor)).map((s) => s.endpoint)).toContain(address);
    // its owner can
    const removed = await call(mentor, 'DELETE', '/api/me/push/subscriptions', { endpoint: address });
    expect(removed.json()).toEqual({ removed: 1 });
    expect((await subscriptionsOf(PHONES.mentor)).map((s) => s.endpoint)).not.toContain(address);
    const audit = await env.db.selectFrom('audit_log').select('action').where('action', '=', 'push_subscription.remove').execute();
    expect(audit).toHaveLength(1);
  });

  it('keeps the newest five browsers of a login', async () => {
    await env.db.deleteFrom('push_subscription').execute();
    for (let i = 0; i < 7; i++) {
      const res = await call(member, 'POST', '/api/me/push/subscriptions', { endpoint: endpoint(`d${i}`), keys: keys() });
      expect(res.statusCode).toBe(200);
    }
    expect(await subscriptionsOf(PHONES.mobileMember)).toHaveLength(5);
  });
});

describe('my channels', () => {
  let branchId: string;
  let outsideId: string;

  beforeAll(async () => {
    const own = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['o.path'])
      .where('m.id', '=', memberId)
      .executeTakeFirstOrThrow();
    const units = await env.db.selectFrom('org').select(['id', 'name', 'path']).where('tenant_id', '=', env.tenantId).execute();
    const above = units.filter((u) => own.path.startsWith(u.path) && u.path !== own.path).toSorted((a, b) => b.path.length - a.path.length);
    branchId = above[0]?.id ?? '';
    outsideId = units.find((u) => !own.path.startsWith(u.path) && !u.path.startsWith(own.path))?.id ?? '';
    const robot = (orgId: string, name: string, enabled = true) => ({
      tenant_id: env.tenantId,
      org_id: orgId,
      kind: 'wecom' as const,
      name,
      webhook_cipher: env.services.cipher.encrypt('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key'),
      enabled,
    });
    await env.db.insertInto('notify_robot').values([robot(branchId, '支部群'), robot(outsideId, '别的群'), robot(branchId, '停用的群', false)]).execute();
  });

  it('lists the robots over my units by name, never their webhooks, and my switches with their defaults', async () => {
    const res = await call(member, 'GET', '/api/me/notices/channels');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.robots).toEqual([{ name: '支部群', kind: 'wecom', unitName: expect.any(String) }]);
    expect(res.body).not.toContain('secret-key');
    expect(res.body).not.toContain('v1:');
    expect(body.robot).toEqual({ on: true });
    expect(body.sms).toEqual({ available: false, on: false, consentAt: null, dailyCap: 3, quietHoursStart: '21:00', quietHoursEnd: '08:00' });
    // with an SMS provider the member can be reached by SMS
    await env.db.insertInto('notify_sms_provider').values({ tenant_id: env.tenantId, kind: 'sink' }).execute();
    expect((await call(member, 'GET', '/api/me/notices/channels')).json().sms.available).toBe(true);
  });

  it('records my SMS consent with its time and turns channels off, audited; an empty change is a 400', async () => {
    const res = await call(member, 'PUT', '/api/me/notices/channels', { sms: true, robot: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sms).toMatchObject({ on: true, consentAt: expect.any(String) });
    expect(res.json().robot).toEqual({ on: false });
    const rows = await env.db.selectFrom('notify_preference').select(['channel', 'enabled', 'changed_by']).where('member_id', '=', memberId).orderBy('channel').execute();
    expect(rows.map((r) => [r.channel, r.enabled])).toEqual([['robot', false], ['sms', true]]);
    const account = await env.db.selectFrom('account').select('id').where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow();
    expect(rows.every((r) => r.changed_by === account.id)).toBe(true);
    const audit = await env.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'notify.channels').where('entity_id', '=', memberId).executeTakeFirstOrThrow();
    expect(audit.before).toEqual({ sms: false, robot: true });
    expect(audit.after).toEqual({ sms: true, robot: false });

    const off = await call(member, 'PUT', '/api/me/notices/channels', { sms: false, webpush: false });
    expect(off.json()).toMatchObject({ sms: { on: false, consentAt: null }, webpush: { on: false } });

    const empty = await call(member, 'PUT', '/api/me/notices/channels', {});
    expect(empty.statusCode).toBe(400);
    const wrong = await call(member, 'PUT', '/api/me/notices/channels', { sms: 'yes' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issues).toEqual([expect.objectContaining({ field: 'sms' })]);
  });

  it('the secretary records a member\'s SMS consent, audited; only over their own members', async () => {
    const secretary = await login(env.app, PHONES.branchSecretary);
    const res = await call(secretary, 'PUT', `/api/members/${memberId}/notice-channels`, { sms: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ memberId, sms: true, changedAt: expect.any(String) });
    expect((await call(member, 'GET', '/api/me/notices/channels')).json().sms.on).toBe(true);
    const audit = await env.db.selectFrom('audit_log').select(['account_id', 'after']).where('action', '=', 'notify.sms_consent').where('entity_id', '=', memberId).executeTakeFirstOrThrow();
    expect(audit.after).toEqual({ sms: true });
    // the member themself cannot use the secretary's route, nor a mentor
    expect((await call(member, 'PUT', `/api/members/${memberId}/notice-channels`, { sms: false })).statusCode).toBe(403);
    expect((await call(mentor, 'PUT', `/api/members/${memberId}/notice-channels`, { sms: false })).statusCode).toBe(403);
    expect((await call(secretary, 'PUT', `/api/members/${crypto.randomUUID()}/notice-channels`, { sms: false })).statusCode).toBe(404);
  });
});
