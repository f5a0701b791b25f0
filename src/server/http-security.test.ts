import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { login, openTestApp, PHONES, TEST_PASSWORD, type TestEnv } from '../../test/support/harness.ts';
import type { Config } from './config.ts';
import { proxyTrust } from './http-security.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestApp();
});
afterAll(async () => {
  await env?.close();
});

/** The test server again, with other settings (and the web apps, when asked). */
function appWith(config: Partial<Config>, serveWeb = false): Promise<FastifyInstance> {
  return env.appWith({ config, serveWeb });
}

/** Signs in with these request options; returns the address the server recorded for the session. */
async function sessionAddress(app: FastifyInstance, phone: string, opts: Partial<InjectOptions>): Promise<string | null> {
  const res = await app.inject({ ...opts, method: 'POST', url: '/api/auth/login', payload: { phone, password: TEST_PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  const row = await env.db.selectFrom('session').select('ip').where('csrf_token', '=', res.json().csrfToken).executeTakeFirstOrThrow();
  return row.ip;
}

const cspOf = (headers: Record<string, unknown>): Map<string, string> =>
  new Map(
    String(headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values.join(' ')]),
  );

describe('security headers', () => {
  it('are sent on the console, the member app, the API and the docs, with no inline scripts allowed', async () => {
    const app = await appWith({}, true);
    for (const url of ['/', '/m/', '/m/today', '/api/auth/me', '/api/files/x', '/docs/', '/openapi.json']) {
      const res = await app.inject({ url });
      const csp = cspOf(res.headers);
      expect(csp.get('script-src'), url).toBe("'self'");
      expect(csp.get('script-src-attr'), url).toBe("'none'");
      expect(csp.get('object-src'), url).toBe("'none'");
      expect(csp.get('frame-ancestors'), url).toBe("'none'");
      expect(csp.get('base-uri'), url).toBe("'self'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['permissions-policy'], url).toContain('camera=()');
      // Only the apps' pages may use the microphone (the console records an article's audio, the member
      // app a shared post's voice): not the API's answers (files opened in the browser) or the docs.
      const apps = url === '/' || url.startsWith('/m/');
      expect(res.headers['permissions-policy'], url).toContain(apps ? 'microphone=(self)' : 'microphone=()');
      // Plain HTTP: no HSTS.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('let the apps show https images and media, data: QR codes and blob: previews; the docs get a narrower policy', async () => {
    const app = await appWith({}, true);
    const page = cspOf((await app.inject({ url: '/' })).headers);
    expect(page.get('img-src')).toBe("'self' data: blob: https:");
    expect(page.get('media-src')).toBe("'self' blob: https:");
    expect(page.get('connect-src')).toBe("'self'");
    const docs = cspOf((await app.inject({ url: '/docs/' })).headers);
    expect(docs.get('img-src')).toBe("'self' data:");
    expect(docs.get('media-src')).toBe("'none'");
  });

  it('answer /favicon.ico with the icon the web apps link to, even before they are built', async () => {
    const app = await appWith({}, true);
    const res = await app.inject({ url: '/favicon.ico' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.body).toMatch(/^<svg /);
    const withoutWeb = await appWith({});
    expect((await withoutWeb.inject({ url: '/favicon.ico' })).statusCode).toBe(404);
  });

  it('send HSTS only when the request came over TLS through a trusted proxy', async () => {
    const app = await appWith({ trustProxy: ['10.0.0.0/8'] });
    const viaProxy = await app.inject({ url: '/api/auth/me', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-proto': 'https' } });
    expect(viaProxy.headers['strict-transport-security']).toBe('max-age=31536000');
    const spoofed = await app.inject({ url: '/api/auth/me', remoteAddress: '203.0.113.5', headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
    const plainViaProxy = await app.inject({ url: '/api/auth/me', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-proto': 'http' } });
    expect(plainViaProxy.headers['strict-transport-security']).toBeUndefined();
    // The default trusts no proxy at all.
    const untrusting = await appWith({});
    expect((await untrusting.inject({ url: '/api/auth/me', headers: { 'x-forwarded-proto': 'https' } })).headers['strict-transport-security']).toBeUndefined();
  });

  it('keep session cookies Secure behind a trusted TLS proxy, and only there', async () => {
    const app = await appWith({ trustProxy: ['10.0.0.0/8'] });
    const payload = { phone: PHONES.mentor, password: TEST_PASSWORD };
    const tls = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-proto': 'https' }, payload });
    expect(tls.cookies.find((c) => c.name === 'lx_session')?.secure).toBe(true);
    const spoofed = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.5', headers: { 'x-forwarded-proto': 'https' }, payload });
    expect(spoofed.cookies.find((c) => c.name === 'lx_session')?.secure).toBeFalsy();
  });
});

describe('client addresses behind proxies', () => {
  const spoof = (chain: string) => ({ 'x-forwarded-for': chain });

  it('ignore X-Forwarded-For when no proxy is trusted', async () => {
    const app = await appWith({ trustProxy: false });
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '127.0.0.1', headers: spoof('1.2.3.4') })).toBe('127.0.0.1');
  });

  it('take the first address the listed proxies did not add, never a made-up left-most one', async () => {
    const app = await appWith({ trustProxy: ['127.0.0.1', '10.0.0.0/8'] });
    // nginx (10.0.0.2) appended the real client to whatever the client claimed.
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '10.0.0.2', headers: spoof('1.2.3.4, 198.51.100.7') })).toBe('198.51.100.7');
    // Two listed proxies in a row are both skipped.
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '127.0.0.1', headers: spoof('1.2.3.4, 198.51.100.7, 10.0.0.2') })).toBe('198.51.100.7');
    // A client that is not a listed proxy cannot pick its address.
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '203.0.113.9', headers: spoof('1.2.3.4') })).toBe('203.0.113.9');
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '::ffff:10.0.0.2', headers: spoof('198.51.100.8') })).toBe('198.51.100.8');
  });

  it('with `true` trust a proxy on the same host only', async () => {
    const app = await appWith({ trustProxy: true });
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '127.0.0.1', headers: spoof('1.2.3.4, 198.51.100.7') })).toBe('198.51.100.7');
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '10.0.0.2', headers: spoof('1.2.3.4') })).toBe('10.0.0.2');
  });

  it('with a hop count trust that many proxies, each on a private network', async () => {
    const app = await appWith({ trustProxy: 1 });
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '100.64.3.4', headers: spoof('1.2.3.4, 198.51.100.7') })).toBe('198.51.100.7');
    // Someone reaching the server straight from the internet is not a proxy, whatever it sends.
    expect(await sessionAddress(app, PHONES.branchSecretary, { remoteAddress: '203.0.113.9', headers: spoof('1.2.3.4') })).toBe('203.0.113.9');
    const two = proxyTrust(2);
    expect(two && [two('10.1.1.1', 0), two('192.168.1.1', 1), two('10.1.1.1', 2), two('8.8.8.8', 0)]).toEqual([true, true, false, false]);
  });

  it('record the real address in the audit log and in the sign-in limits', async () => {
    const app = await appWith({ trustProxy: ['10.0.0.0/8'] });
    const viaNginx = { remoteAddress: '10.0.0.2', headers: spoof('6.6.6.6, 198.51.100.20') };
    const res = await app.inject({ ...viaNginx, method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.groupLeader, password: TEST_PASSWORD } });
    const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const headers = { ...viaNginx.headers, cookie, 'x-csrf-token': res.json().csrfToken };
    const changed = await app.inject({ remoteAddress: viaNginx.remoteAddress, headers, method: 'POST', url: '/api/auth/password', payload: { currentPassword: TEST_PASSWORD, newPassword: 'another-password-1' } });
    expect(changed.statusCode).toBe(200);
    const audit = await env.db.selectFrom('audit_log').select('ip').where('action', '=', 'account.change_password').orderBy('at', 'desc').executeTakeFirstOrThrow();
    expect(audit.ip).toBe('198.51.100.20');
    await app.inject({ ...viaNginx, method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.groupLeader, password: 'wrong-password' } });
    const counted = await env.db.selectFrom('login_attempt').select('subject').where('scope', '=', 'pair').where('subject', 'like', `${PHONES.groupLeader}%`).execute();
    expect(counted.map((r) => r.subject)).toEqual([`${PHONES.groupLeader} 198.51.100.20`]);
  });
});

describe('API docs', () => {
  const urls = ['/docs/', '/docs/json', '/openapi.json'];

  it('are public when configured so (the default outside production)', async () => {
    const app = await appWith({ apiDocs: 'public' });
    for (const url of urls) expect((await app.inject({ url })).statusCode, url).toBe(200);
  });

  it('need a signed-in account with `login` (the default in production)', async () => {
    const app = await appWith({ apiDocs: 'login' });
    for (const url of urls) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ ok: false, error: 'unauthenticated', message: '请先登录后再查看接口文档' });
    }
    const s = await login(app, PHONES.mobileMember);
    for (const url of urls) expect((await app.inject({ url, headers: { cookie: s.cookie } })).statusCode, url).toBe(200);
  });

  it('are not served at all with `off`', async () => {
    const app = await appWith({ apiDocs: 'off' });
    const s = await login(app, PHONES.tenantAdmin);
    for (const url of urls) expect((await app.inject({ url, headers: { cookie: s.cookie } })).statusCode, url).toBe(404);
  });
});
