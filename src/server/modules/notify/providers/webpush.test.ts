import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memberIdByPhone, openTestDatabase, PHONES } from '../../../../../test/support/harness.ts';
import { FieldCipher } from '../../../secrets.ts';
import { MAX_PAYLOAD_BYTES, payloadJson, sendWebPush } from './webpush.ts';
import { VAPID_SECRET_NAME, vapidKeys, vapidSubject } from './webpush-keys.ts';

/**
 * Web Push against a fake push service on loopback: it checks each request as a push service does
 * (the VAPID Authorization header with an ES256 JWT signed by the server's key, an aes128gcm body)
 * and decrypts the body with the browser's keys (RFC 8291), then answers what the test asks.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let memberId: string;
let accountId: string;

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
let received: Received[] = [];
/** what the fake answers, by path */
let answers: Record<string, { status: number; headers?: Record<string, string>; body?: string }> = {};
let server: http.Server;
let base = '';

/** A browser's subscription keys: the P-256 pair and the auth secret. */
function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authText: auth.toString('base64url') };
}
type BrowserKeys = ReturnType<typeof browserKeys>;

/** RFC 8291 / RFC 8188: the plain text of one aes128gcm record, as the browser decrypts it. */
function decrypt(body: Buffer, keys: BrowserKeys): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idLen = body.readUInt8(20);
  const serverPublic = body.subarray(21, 21 + idLen);
  const record = body.subarray(21 + idLen);
  expect(rs).toBeGreaterThanOrEqual(record.length);
  const shared = keys.ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), serverPublic]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', shared, keys.auth, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // the last record ends with the delimiter 0x02 and zero padding
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString('utf8');
}

/** The VAPID header's JWT, its signature checked with the key it names (k=). */
function vapidClaims(authorization: string | undefined): { aud: string; sub: string; exp: number; k: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  expect(match, `Authorization: ${authorization}`).not.toBeNull();
  const [, token, k] = match as unknown as [string, string, string];
  const [head, claims, signature] = token.split('.') as [string, string, string];
  expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toMatchObject({ typ: 'JWT', alg: 'ES256' });
  const point = Buffer.from(k, 'base64url');
  const publicKey = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const ok = crypto.verify('sha256', Buffer.from(`${head}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  expect(ok, 'the JWT is signed with the named key').toBe(true);
  return { ...(JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; sub: string; exp: number }), k };
}

async function subscribe(path: string, keys: BrowserKeys): Promise<string> {
  const row = await env.db
    .insertInto('push_subscription')
    .values({ tenant_id: env.tenantId, account_id: accountId, endpoint: `${base}${path}`, p256dh: keys.p256dh, auth: keys.authText })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const subscriptionIds = async () =>
  (await env.db.selectFrom('push_subscription').select('id').where('tenant_id', '=', env.tenantId).where('account_id', '=', accountId).execute()).map((r) => r.id);

const runtime = () => ({ cipher: env.cipher, publicUrl: 'https://lianxin.example.cn' });
const payload = { title: '新的学习内容', body: '请在今天读完《学习材料》', url: 'https://lianxin.example.cn/m/study?n=0b0e7c1e-8d4c-4a53-9f69-4a1a0f6bb2c1' };

beforeAll(async () => {
  env = await openTestDatabase();
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
  accountId = (await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('member_id', '=', memberId).executeTakeFirstOrThrow()).id;
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers[path] ?? { status: 201, headers: { location: `${base}/messages/${received.length}` } };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await env?.close();
});
beforeEach(async () => {
  received = [];
  answers = {};
  await env.db.deleteFrom('push_subscription').where('tenant_id', '=', env.tenantId).execute();
});

describe('the VAPID key pair', () => {
  it('is made once on first need, kept encrypted, and the same pair is read again', async () => {
    await env.db.deleteFrom('server_secret').where('name', '=', VAPID_SECRET_NAME).execute();
    const first = await vapidKeys(env.db, env.cipher);
    const again = await vapidKeys(env.db, env.cipher);
    expect(again).toEqual(first);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    const rows = await env.db.selectFrom('server_secret').select('value_cipher').where('name', '=', VAPID_SECRET_NAME).execute();
    expect(rows).toHaveLength(1);
    const stored = rows[0]?.value_cipher ?? '';
    // encrypted at rest: neither key appears in what is stored, and the cipher opens it
    expect(stored).not.toContain(first.privateKey);
    expect(stored).not.toContain(first.publicKey);
    expect(JSON.parse(env.cipher.decrypt(stored))).toEqual(first);
    // another server key cannot read it
    expect(() => new FieldCipher(crypto.randomBytes(32)).decrypt(stored)).toThrow();
  });

  it('two processes making it at once end with the one stored pair', async () => {
    await env.db.deleteFrom('server_secret').where('name', '=', VAPID_SECRET_NAME).execute();
    const [a, b] = await Promise.all([vapidKeys(env.db, env.cipher), vapidKeys(env.db, env.cipher)]);
    expect(a).toEqual(b);
    expect(await env.db.selectFrom('server_secret').select('name').where('name', '=', VAPID_SECRET_NAME).execute()).toHaveLength(1);
  });

  it('signs as the https public address, else a mailto: address', () => {
    expect(vapidSubject('https://lianxin.example.cn/')).toBe('https://lianxin.example.cn');
    expect(vapidSubject('http://localhost:3000')).toMatch(/^mailto:/);
    expect(vapidSubject('http://10.0.0.5:3000')).toBe('mailto:webpush@10.0.0.5');
  });
});

describe('sendWebPush', () => {
  it('sends each subscription of the member an encrypted aes128gcm message with a VAPID signature', async () => {
    const phone = browserKeys();
    const laptop = browserKeys();
    await subscribe('/push/phone', phone);
    await subscribe('/push/laptop', laptop);
    const outcome = await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.ok && outcome.providerMsgId).toMatch(/\/messages\/\d$/);
    expect(received.map((r) => r.path).toSorted()).toEqual(['/push/laptop', '/push/phone']);
    const keys = await vapidKeys(env.db, env.cipher);
    for (const request of received) {
      expect(request.headers['content-encoding']).toBe('aes128gcm');
      expect(request.headers['content-type']).toBe('application/octet-stream');
      expect(Number(request.headers.ttl)).toBeGreaterThan(0);
      const claims = vapidClaims(request.headers.authorization);
      expect(claims.k).toBe(keys.publicKey);
      expect(claims.aud).toBe(base);
      expect(claims.sub).toBe('https://lianxin.example.cn');
      // the plain text never travels: only the browser's keys open it
      expect(request.body.includes(Buffer.from('学习'))).toBe(false);
      expect(JSON.parse(decrypt(request.body, request.path === '/push/phone' ? phone : laptop))).toEqual(payload);
    }
    const rows = await env.db.selectFrom('push_subscription').select(['last_success_at', 'last_error']).where('account_id', '=', accountId).execute();
    expect(rows.every((r) => r.last_success_at !== null && r.last_error === null)).toBe(true);
  });

  it('deletes a subscription the push service says is gone (404, 410) and fails without retry when none is left', async () => {
    await subscribe('/push/gone', browserKeys());
    await subscribe('/push/expired', browserKeys());
    answers['/push/gone'] = { status: 410, body: 'push subscription has unsubscribed or expired' };
    answers['/push/expired'] = { status: 404 };
    const outcome = await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload);
    expect(outcome).toMatchObject({ ok: false, retry: false });
    expect(await subscriptionIds()).toEqual([]);
    // with nothing left it says so and sends nothing
    received = [];
    expect(await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload)).toMatchObject({ ok: false, retry: false, error: expect.stringContaining('no subscription') });
    expect(received).toEqual([]);
  });

  it('retries on 429 and 5xx (after Retry-After when given) and keeps the subscription', async () => {
    const id = await subscribe('/push/busy', browserKeys());
    answers['/push/busy'] = { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' };
    expect(await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload)).toEqual({ ok: false, retry: true, error: 'webpush 429: slow down', retryAfterMs: 120_000 });
    answers['/push/busy'] = { status: 503 };
    expect(await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload)).toMatchObject({ ok: false, retry: true, error: 'webpush 503:' });
    expect(await subscriptionIds()).toEqual([id]);
    const row = await env.db.selectFrom('push_subscription').select('last_error').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.last_error).toBe('webpush 503:');
  });

  it('does not retry a refused signature (400, 401, 403) or a message too large (413)', async () => {
    const id = await subscribe('/push/refused', browserKeys());
    for (const status of [400, 401, 403, 413]) {
      answers['/push/refused'] = { status, body: '{"reason":"BadJwtToken"}' };
      expect(await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload)).toEqual({ ok: false, retry: false, error: `webpush ${status}: {"reason":"BadJwtToken"}` });
    }
    expect(await subscriptionIds()).toEqual([id]);
  });

  it('is ok when one browser took it although another is gone', async () => {
    await subscribe('/push/ok', browserKeys());
    await subscribe('/push/gone', browserKeys());
    answers['/push/gone'] = { status: 410 };
    expect(await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload)).toMatchObject({ ok: true });
    expect(await subscriptionIds()).toHaveLength(1);
  });

  it('retries when the push service does not answer', async () => {
    await env.db
      .insertInto('push_subscription')
      .values({ tenant_id: env.tenantId, account_id: accountId, endpoint: 'http://127.0.0.1:1/push/nobody', p256dh: browserKeys().p256dh, auth: browserKeys().authText })
      .execute();
    expect(await sendWebPush(env.db, runtime(), env.tenantId, memberId, payload)).toMatchObject({ ok: false, retry: true });
  });

  it('sends nothing to the subscriptions of another member', async () => {
    await subscribe('/push/mine', browserKeys());
    const other = await memberIdByPhone(env, PHONES.mentor);
    expect(await sendWebPush(env.db, runtime(), env.tenantId, other, payload)).toMatchObject({ ok: false, retry: false });
    expect(received).toEqual([]);
  });
});

describe('the payload', () => {
  it('stays within 3 KB: the body is shortened first, then the title, the link never', () => {
    const long = '学'.repeat(3000);
    const json = payloadJson({ title: '标题', body: long, url: payload.url }) ?? '';
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const parsed = JSON.parse(json) as { title: string; body: string; url: string };
    expect(parsed.title).toBe('标题');
    expect(parsed.url).toBe(payload.url);
    expect(parsed.body.endsWith('…')).toBe(true);
    expect(parsed.body.length).toBeGreaterThan(900);
    const both = JSON.parse(payloadJson({ title: long, body: long, url: payload.url }) ?? '') as { title: string; body: string };
    expect(both.body).toBe('');
    expect(both.title.endsWith('…')).toBe(true);
    expect(payloadJson({ title: 't', body: 'b', url: `https://x.cn/${'a'.repeat(4000)}` })).toBeNull();
  });
});
