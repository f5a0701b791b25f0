import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { startFakeSmsServer, type FakeSmsServer } from './providers/sms-fake-server.ts';
import { sendTestSms, smsProviderRowInForce, type SmsContext } from './sms-settings.ts';
import { smsLoginOf } from './sms-routes.ts';
import { CODE_SENT_WORDS, purgeSmsLoginCodes } from './sms-login.ts';

/**
 * SMS end to end on a real database: the administrator's provider settings (the secret written
 * once, encrypted, never answered nor audited), the test message through a fake provider on
 * loopback, delivery receipts keyed per tenant, and signing in with a code (limits, and no answer
 * that tells whether a phone has an account).
 */

let env: TestEnv;
let admin: Session;
let member: Session;
let fake: FakeSmsServer;
const SECRET = 'aliyun-secret-7f3a9c';
const KNOWN = PHONES.mobileMember;
const UNKNOWN = '13999990001';

beforeAll(async () => {
  env = await openTestApp();
  admin = await login(env.app, PHONES.tenantAdmin);
  member = await login(env.app, PHONES.mobileMember);
  fake = await startFakeSmsServer({ Code: 'OK', Message: 'OK', BizId: 'biz-test-1' });
});
afterAll(async () => {
  await fake?.close();
  await env?.close();
});

const put = (body: unknown, session = admin) => env.app.inject({ method: 'PUT', url: '/api/notify/sms', headers: session.headers, payload: body as Record<string, unknown> });
const get = (session = admin) => env.app.inject({ url: '/api/notify/sms', headers: session.headers });
const smsContext = (): SmsContext => ({ cipher: env.services.cipher, env: 'test', http: { endpoints: { aliyun: fake.url, tencent: fake.url } } });

const statusOf = async (id: string) => env.db.selectFrom('notification').select(['status', 'delivered_at', 'failed_at', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
const lastCode = async (phone: string): Promise<string> => {
  await smsLoginOf(env.services)!.idle();
  const rows = await env.db.selectFrom('sms_sink').select('text').where('phone', '=', phone).orderBy('id', 'desc').limit(1).execute();
  const m = /验证码是 (\d{6})/.exec(rows[0]?.text ?? '');
  if (!m) throw new Error(`no code for ${phone}`);
  return m[1]!;
};
const sinkCount = async (phone: string) => (await env.db.selectFrom('sms_sink').select('id').where('phone', '=', phone).execute()).length;

/** The tenant's provider is the local sink, enabled (what development and the demo use). */
async function useSink(): Promise<void> {
  await env.db.deleteFrom('notify_sms_provider').where('tenant_id', '=', env.tenantId).execute();
  await env.db.insertInto('notify_sms_provider').values({ tenant_id: env.tenantId, kind: 'sink', enabled: true }).execute();
}

describe("the tenant's SMS provider settings", () => {
  beforeEach(useSink);

  it('with nothing stored sends no SMS; the local sink never counts in production', async () => {
    expect((await get()).json()).toMatchObject({ configured: true, kind: 'sink', active: true });
    expect(await smsProviderRowInForce(env.db, env.tenantId, 'test')).toMatchObject({ kind: 'sink' });
    expect(await smsProviderRowInForce(env.db, env.tenantId, 'production')).toBeNull();
    await env.db.deleteFrom('notify_sms_provider').where('tenant_id', '=', env.tenantId).execute();
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ configured: false, kind: 'sink', enabled: false, active: false, secretSet: false });
    expect(await smsProviderRowInForce(env.db, env.tenantId, 'test')).toBeNull();
  });

  it('keeps the secret encrypted, never answers it, and audits the change without it', async () => {
    const res = await put({ kind: 'aliyun', enabled: true, accessKeyId: 'LTAI5tTest', secret: SECRET, signName: '新桥村委会', templates: { study: 'SMS_1001', login_code: 'SMS_1002' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(SECRET);
    expect(res.json()).toMatchObject({ configured: true, kind: 'aliyun', enabled: true, active: true, accessKeyId: 'LTAI5tTest', secretSet: true, signName: '新桥村委会', templates: { study: 'SMS_1001', login_code: 'SMS_1002' } });
    const row = await env.db.selectFrom('notify_sms_provider').selectAll().where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow();
    expect(row.secret_cipher).not.toContain(SECRET);
    expect(env.services.cipher.decrypt(row.secret_cipher!)).toBe(SECRET);
    const audit = await env.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'notify.sms_settings').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(audit.after).toMatchObject({ kind: 'aliyun', secretSet: true });
    expect((await get()).body).not.toContain(SECRET);

    // Saving again without a secret keeps it; switching provider drops it.
    const again = await put({ kind: 'aliyun', enabled: true, signName: '新桥村' });
    expect(again.json()).toMatchObject({ secretSet: true, signName: '新桥村', accessKeyId: 'LTAI5tTest' });
    const switched = await put({ kind: 'tencent', enabled: false });
    expect(switched.json()).toMatchObject({ kind: 'tencent', secretSet: false, active: false });
  });

  it('refuses an enabled provider that cannot send, naming the fields, in the caller’s language', async () => {
    const res = await put({ kind: 'tencent', enabled: true, accessKeyId: 'AKIDtest', signName: '新桥村委会' });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues.map((i: { field: string }) => i.field)).toEqual(['secret', 'sdkAppId']);
    const en = await env.app.inject({ method: 'PUT', url: '/api/notify/sms', headers: { ...admin.headers, 'accept-language': 'en-US' }, payload: { kind: 'aliyun', enabled: true } });
    expect(en.statusCode).toBe(400);
    expect(en.json().message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses malformed input with a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'aliyun', enabled: false, signName: '【新桥】' }, 'signName'],
      [{ kind: 'aliyun', enabled: false, templates: { study: 'SMS 1' } }, 'templates.study'],
      [{ kind: 'tencent', enabled: false, sdkAppId: 'abc' }, 'sdkAppId'],
      [{ kind: 'yunpian', enabled: true }, 'kind'],
      [{ kind: 'aliyun' }, 'enabled'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().issues.map((i: { field: string }) => i.field)).toContain(field);
    }
  });

  it('is the administrator’s alone', async () => {
    expect((await get(member)).statusCode).toBe(403);
    expect((await put({ kind: 'sink', enabled: true }, member)).statusCode).toBe(403);
  });
});

describe('the test message', () => {
  beforeEach(async () => {
    await useSink();
    fake.requests.length = 0;
  });

  it("goes to the caller's own phone through the provider, and says what the provider refused in plain words", async () => {
    expect((await put({ kind: 'aliyun', enabled: true, accessKeyId: 'LTAI5tTest', secret: SECRET, signName: '新桥村委会', templates: { study: 'SMS_1001' } })).statusCode).toBe(200);
    const ctx = await contextFor(env, PHONES.tenantAdmin);
    const ok = await sendTestSms(env.db, ctx, smsContext());
    expect(ok).toMatchObject({ ok: true, detail: 'biz-test-1' });
    expect(Object.fromEntries(new URLSearchParams(fake.requests[0]!.body))).toMatchObject({ PhoneNumbers: PHONES.tenantAdmin, TemplateCode: 'SMS_1001', SignName: '新桥村委会' });

    fake.reply(200, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: '签名不合法' });
    const refused = await sendTestSms(env.db, ctx, smsContext());
    expect(refused).toEqual({ ok: false, message: '短信签名不可用：签名未审核通过，或与服务商处登记的不一致', detail: 'isv.SMS_SIGNATURE_ILLEGAL: 签名不合法' });
    const row = await env.db.selectFrom('notify_sms_provider').select(['last_success_at', 'last_error']).where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow();
    expect(row.last_success_at).not.toBeNull();
    expect(row.last_error).toBe('isv.SMS_SIGNATURE_ILLEGAL: 签名不合法');
    expect(await env.db.selectFrom('audit_log').select('id').where('action', '=', 'notify.sms_test').execute()).toHaveLength(2);
  });

  it('through the sink writes the message into sms_sink; with SMS off it says so', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/notify/sms/test', headers: admin.headers, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true });
    const sink = await env.db.selectFrom('sms_sink').select(['phone', 'text']).where('phone', '=', PHONES.tenantAdmin).execute();
    expect(sink.at(-1)?.text).toContain('您有一条新的学习通知');
    await put({ kind: 'aliyun', enabled: false });
    const off = await env.app.inject({ method: 'POST', url: '/api/notify/sms/test', headers: { ...admin.headers, 'accept-language': 'en-US' }, payload: {} });
    expect(off.json()).toMatchObject({ ok: false });
    expect(off.json().message).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('delivery receipts', () => {
  let receiptPaths: { aliyun: string; tencent: string };
  let memberId: string;
  const notification = async (providerMsgId: string | null, status: 'sent' | 'sending' | 'cancelled' = 'sent'): Promise<string> => {
    const row = await env.db
      .insertInto('notification')
      .values({
        tenant_id: env.tenantId,
        source_kind: 'push',
        source_id: crypto.randomUUID(),
        channel: 'sms',
        recipient_id: memberId,
        member_id: memberId,
        template_key: 'study',
        link: 'http://localhost/m/study',
        status,
        provider_msg_id: providerMsgId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };

  beforeAll(async () => {
    await useSink();
    memberId = await memberIdByPhone(env, KNOWN);
    receiptPaths = (await get()).json().receiptPaths;
  });

  it("records Aliyun's receipts once, marks the message delivered and acks as Aliyun expects", async () => {
    const id = await notification('900619746936498440^0');
    const body = [
      { phone_number: KNOWN, send_time: '2026-05-04 10:00:00', report_time: '2026-05-04 10:00:05', success: true, err_code: 'DELIVERED', err_msg: '用户接收成功', sms_size: '1', biz_id: '900619746936498440^0', out_id: id },
    ];
    const res = await env.app.inject({ method: 'POST', url: receiptPaths.aliyun, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ code: 0, msg: '接收成功' });
    expect(await statusOf(id)).toMatchObject({ status: 'delivered', delivered_at: new Date('2026-05-04T02:00:05Z') });
    // Aliyun posts again when unsure: still one receipt, nothing changes.
    expect((await env.app.inject({ method: 'POST', url: receiptPaths.aliyun, payload: body })).statusCode).toBe(200);
    expect(await env.db.selectFrom('sms_receipt').select('status').where('provider_msg_id', '=', '900619746936498440^0').execute()).toHaveLength(1);
  });

  it('finds the message by our id when the receipt outruns the record of its sending', async () => {
    const id = await notification(null, 'sending');
    const body = [{ phone_number: KNOWN, report_time: '2026-05-04 10:00:05', success: true, err_code: 'DELIVERED', biz_id: '900619746936498441^0', out_id: id }];
    expect((await env.app.inject({ method: 'POST', url: receiptPaths.aliyun, payload: body })).statusCode).toBe(200);
    const row = await env.db.selectFrom('notification').select(['status', 'sent_at', 'delivered_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'delivered', sent_at: new Date('2026-05-04T02:00:05Z'), delivered_at: new Date('2026-05-04T02:00:05Z') });
  });

  it("records Tencent's failures; a withdrawn message stays withdrawn", async () => {
    const failed = await notification('2019:538884*tencent');
    const withdrawn = await notification('2019:538885*tencent', 'cancelled');
    const body = [
      { user_receive_time: '2026-05-04 10:00:05', nationcode: '86', mobile: KNOWN, report_status: 'FAIL', errmsg: 'MI:0013', description: '用户短信送达失败', sid: '2019:538884*tencent' },
      { user_receive_time: '2026-05-04 10:00:06', nationcode: '86', mobile: KNOWN, report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功', sid: '2019:538885*tencent' },
    ];
    const res = await env.app.inject({ method: 'POST', url: receiptPaths.tencent, payload: body });
    expect(res.json()).toEqual({ result: 0, errmsg: 'OK' });
    expect(await statusOf(failed)).toMatchObject({ status: 'failed', last_error: 'receipt: MI:0013' });
    expect((await statusOf(withdrawn)).status).toBe('cancelled');
  });

  it('refuses a receipt without the right key (403), and a body that is no array (400)', async () => {
    const id = await notification('stranger-1');
    const body = [{ biz_id: 'stranger-1', success: true, report_time: '2026-05-04 10:00:05' }];
    for (const url of ['/api/notify/receipts/aliyun?key=nope', `/api/notify/receipts/aliyun?key=${env.tenantId}.forged`, receiptPaths.aliyun.replace('aliyun', 'tencent').slice(0, -2)]) {
      const res = await env.app.inject({ method: 'POST', url, payload: body });
      expect(res.statusCode, url).toBe(403);
    }
    expect((await env.app.inject({ method: 'POST', url: '/api/notify/receipts/aliyun', payload: body })).statusCode).toBe(400);
    expect((await statusOf(id)).status).toBe('sent');
    const notArray = await env.app.inject({ method: 'POST', url: receiptPaths.aliyun, payload: { biz_id: 'x' } });
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json().issues[0].field).toBe('body');
  });

  it('a new receipt key stops the old address', async () => {
    await put({ kind: 'sink', enabled: true, rotateReceiptKey: true });
    const fresh = (await get()).json().receiptPaths.aliyun as string;
    expect(fresh).not.toBe(receiptPaths.aliyun);
    expect((await env.app.inject({ method: 'POST', url: receiptPaths.aliyun, payload: [] })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'POST', url: fresh, payload: [] })).statusCode).toBe(200);
    await useSink();
  });
});

describe('signing in with an SMS code', () => {
  let ip = 0;
  /** Each call from its own address, so the password login's per-address limits stay out of the way. */
  const call = (url: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    env.app.inject({ method: payload ? 'POST' : 'GET', url, remoteAddress: `10.9.${Math.floor(++ip / 250)}.${ip % 250}`, headers, ...(payload ? { payload } : {}) });

  beforeEach(async () => {
    await useSink();
    await env.db.deleteFrom('sms_login_code').execute();
    await env.db.deleteFrom('login_attempt').execute();
  });

  it('is offered only where an SMS provider is in force', async () => {
    expect((await call('/api/auth/methods')).json()).toEqual({ smsCode: true });
    await put({ kind: 'aliyun', enabled: false });
    expect((await call('/api/auth/methods')).json()).toEqual({ smsCode: false });
    // No provider: the same answer, and nothing is sent.
    const before = await sinkCount(KNOWN);
    const res = await call('/api/auth/sms-code', { phone: KNOWN });
    expect(res.json()).toMatchObject({ message: CODE_SENT_WORDS });
    await smsLoginOf(env.services)!.idle();
    expect(await sinkCount(KNOWN)).toBe(before);
  });

  it('sends a 6-digit code through the provider and signs in with it once', async () => {
    const res = await call('/api/auth/sms-code', { phone: KNOWN });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ message: CODE_SENT_WORDS, resendAfterSeconds: 60 });
    const code = await lastCode(KNOWN);
    // Only a keyed hash is kept.
    const stored = await env.db.selectFrom('sms_login_code').select('code_hash').where('phone', '=', KNOWN).executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);

    const wrong = await call('/api/auth/sms-login', { phone: KNOWN, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issues[0].field).toBe('code');

    const ok = await call('/api/auth/sms-login', { phone: KNOWN, code, remember: true });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ phone: KNOWN });
    const cookie = ok.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    expect((await env.app.inject({ url: '/api/auth/me', headers: { cookie } })).json()).toMatchObject({ phone: KNOWN });
    expect(await env.db.selectFrom('audit_log').select('id').where('action', '=', 'account.sms_login').execute()).not.toHaveLength(0);

    // Used once.
    expect((await call('/api/auth/sms-login', { phone: KNOWN, code })).statusCode).toBe(400);
  });

  it('answers a phone without an account exactly as one with, and sends nothing to it', async () => {
    const known = await call('/api/auth/sms-code', { phone: KNOWN });
    const unknown = await call('/api/auth/sms-code', { phone: UNKNOWN });
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    await smsLoginOf(env.services)!.idle();
    expect(await sinkCount(UNKNOWN)).toBe(0);
    // The limits hold the same for both.
    const knownAgain = await call('/api/auth/sms-code', { phone: KNOWN });
    const unknownAgain = await call('/api/auth/sms-code', { phone: UNKNOWN });
    expect(knownAgain.statusCode).toBe(429);
    expect(unknownAgain.statusCode).toBe(429);
    expect(unknownAgain.json()).toEqual(knownAgain.json());
    // Signing in with a guess fails the same way.
    const guessKnown = await call('/api/auth/sms-login', { phone: KNOWN, code: '123456' });
    const guessUnknown = await call('/api/auth/sms-login', { phone: UNKNOWN, code: '123456' });
    expect(guessUnknown.statusCode).toBe(guessKnown.statusCode);
    expect(guessUnknown.body).toBe(guessKnown.body);
  });

  it('gives one code a minute and five an hour per phone', async () => {
    expect((await call('/api/auth/sms-code', { phone: KNOWN })).statusCode).toBe(200);
    const soon = await call('/api/auth/sms-code', { phone: KNOWN });
    expect(soon.statusCode).toBe(429);
    expect(Number(soon.headers['retry-after'])).toBeGreaterThan(0);
    // Four more earlier in the hour (older than a minute): the sixth is refused until the hour has passed.
    const now = clock.now().getTime();
    await env.db.updateTable('sms_login_code').set({ created_at: new Date(now - 50 * 60_000) }).where('phone', '=', KNOWN).execute();
    for (const minutes of [40, 30, 20, 10]) {
      await env.db.insertInto('sms_login_code').values({ phone: KNOWN, code_hash: 'x', created_at: new Date(now - minutes * 60_000), expires_at: new Date(now - minutes * 60_000 + 300_000) }).execute();
    }
    const sixth = await call('/api/auth/sms-code', { phone: KNOWN });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().message).toContain('次数过多');
    // Another phone is not held back.
    expect((await call('/api/auth/sms-code', { phone: PHONES.mentor })).statusCode).toBe(200);
  });

  it('gives one address twenty codes an hour, whatever the phones', async () => {
    const from = (phone: string, remoteAddress: string) => env.app.inject({ method: 'POST', url: '/api/auth/sms-code', remoteAddress, payload: { phone } });
    for (let i = 0; i < 20; i++) expect((await from(`1390000${String(i).padStart(4, '0')}`, '10.77.0.1')).statusCode).toBe(200);
    const over = await from('13900009999', '10.77.0.1');
    expect(over.statusCode).toBe(429);
    expect(over.json().message).toContain('次数过多');
    expect((await from('13900009999', '10.77.0.2')).statusCode).toBe(200);
  });

  it('ends a code after five wrong tries, and after five minutes', async () => {
    await call('/api/auth/sms-code', { phone: KNOWN });
    const code = await lastCode(KNOWN);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await call('/api/auth/sms-login', { phone: KNOWN, code: wrong })).statusCode).toBe(400);
    expect((await call('/api/auth/sms-login', { phone: KNOWN, code })).statusCode).toBe(400);

    await env.db.deleteFrom('sms_login_code').execute();
    await env.db.deleteFrom('login_attempt').execute();
    await call('/api/auth/sms-code', { phone: KNOWN });
    const fresh = await lastCode(KNOWN);
    await env.db.updateTable('sms_login_code').set({ expires_at: sql<Date>`lianxin_now() - interval '1 second'` }).where('phone', '=', KNOWN).execute();
    expect((await call('/api/auth/sms-login', { phone: KNOWN, code: fresh })).statusCode).toBe(400);
  });

  it('forgets codes older than a day', async () => {
    const now = clock.now();
    await env.db.insertInto('sms_login_code').values([
      { phone: KNOWN, code_hash: 'old', created_at: new Date(now.getTime() - 25 * 3_600_000), expires_at: new Date(now.getTime() - 25 * 3_600_000 + 300_000) },
      { phone: KNOWN, code_hash: 'recent', created_at: new Date(now.getTime() - 23 * 3_600_000), expires_at: new Date(now.getTime() - 23 * 3_600_000 + 300_000) },
    ]).execute();
    expect(await purgeSmsLoginCodes(env.db, now)).toBe(1);
    expect((await env.db.selectFrom('sms_login_code').select('code_hash').execute()).map((r) => r.code_hash)).toEqual(['recent']);
  });

  it('refuses malformed phones and codes with a 400 naming the field', async () => {
    const phone = await call('/api/auth/sms-code', { phone: '12345' });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().issues[0].field).toBe('phone');
    const code = await call('/api/auth/sms-login', { phone: KNOWN, code: '12ab56' });
    expect(code.statusCode).toBe(400);
    expect(code.json().issues[0].field).toBe('code');
    const en = await call('/api/auth/sms-login', { phone: KNOWN, code: '1' }, { 'accept-language': 'en-US' });
    expect(en.json().message).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
