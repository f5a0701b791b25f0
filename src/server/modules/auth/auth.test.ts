import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, TEST_PASSWORD, type TestEnv } from '../../../../test/support/harness.ts';
import { LoginLimiter } from '../../auth/rate-limit.ts';
import { AppError } from '../../errors.ts';
import { clock } from '../../clock.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestApp();
});
afterAll(async () => env?.close());

describe('sign in and sessions', () => {
  it('sets an HttpOnly SameSite=Lax session cookie and a readable CSRF cookie', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.generalSecretary, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const session = res.cookies.find((c) => c.name === 'lx_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(session?.secure).toBeFalsy();
    const csrf = res.cookies.find((c) => c.name === 'lx_csrf');
    expect(csrf?.httpOnly).toBeFalsy();
    expect(res.json()).toMatchObject({ phone: PHONES.generalSecretary, roles: [{ role: 'secretary', orgName: '新桥村党总支' }], tenantName: '长河镇党委' });
    // The database keeps only a hash of the token.
    const token = session!.value.split('.')[1]!;
    const rows = await env.db.selectFrom('session').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
  });

  it('marks the cookie Secure behind TLS', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { phone: PHONES.mentor, password: TEST_PASSWORD } });
    // trustProxy is off by default: a forwarded header alone does not make the request TLS.
    expect(res.cookies.find((c) => c.name === 'lx_session')?.secure).toBeFalsy();
  });

  it('answers a wrong password and an unknown phone the same way', async () => {
    const a = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.mentor, password: 'nope-nope' } });
    const b = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '19999999999', password: 'nope-nope' } });
    expect(a.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
    expect(a.json()).toMatchObject({ ok: false, error: 'invalid_credentials', message: '手机号或密码不正确' });
  });

  it('counts only failures: a village office signing in from one address is never limited by its own logins', async () => {
    const office = { remoteAddress: '10.20.0.1' };
    for (let i = 0; i < 35; i++) {
      const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', ...office, payload: { phone: PHONES.branchSecretary, password: TEST_PASSWORD } });
      expect(res.statusCode).toBe(200);
    }
    const rows = await env.db.selectFrom('login_attempt').select(['scope', 'failures']).where('subject', 'like', '%10.20.0.1').execute();
    expect(rows.every((r) => r.failures === 0)).toBe(true);
  });

  it('blocks wrong passwords per phone and address, not the phone from everywhere', async () => {
    const attacker = { remoteAddress: '10.1.1.1' };
    for (let i = 0; i < 5; i++) {
      const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', ...attacker, payload: { phone: PHONES.groupLeader, password: `wrong-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await env.app.inject({ method: 'POST', url: '/api/auth/login', ...attacker, payload: { phone: PHONES.groupLeader, password: TEST_PASSWORD } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ ok: false, error: 'rate_limited', message: expect.stringMatching(/^登录失败次数过多，请 \d+ 分钟后再试$/) });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The owner in her own office is not locked out by someone guessing elsewhere.
    const owner = await env.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.1.1.2', payload: { phone: PHONES.groupLeader, password: TEST_PASSWORD } });
    expect(owner.statusCode).toBe(200);
  });

  it('lets a correct password clear the failures of that phone and address', async () => {
    const from = { remoteAddress: '10.1.2.1' };
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) {
        expect((await env.app.inject({ method: 'POST', url: '/api/auth/login', ...from, payload: { phone: PHONES.mentor, password: 'typo-typo' } })).statusCode).toBe(401);
      }
      expect((await env.app.inject({ method: 'POST', url: '/api/auth/login', ...from, payload: { phone: PHONES.mentor, password: TEST_PASSWORD } })).statusCode).toBe(200);
    }
  });

  it('counts attempts before their passwords are checked, so parallel guesses cannot pass the limit', async () => {
    const from = { remoteAddress: '10.1.3.1' };
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) => env.app.inject({ method: 'POST', url: '/api/auth/login', ...from, payload: { phone: PHONES.tenantAdmin, password: `guess-${i}` } })),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);
  });

  it('limits failures per address across phones', async () => {
    for (let i = 0; i < 50; i++) {
      await env.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { phone: `1990000${String(i).padStart(4, '0')}`, password: 'x' } });
    }
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { phone: PHONES.branchSecretary, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(429);
    const elsewhere = await env.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.10', payload: { phone: PHONES.branchSecretary, password: TEST_PASSWORD } });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('changes the password, signs out other devices, and logs out', async () => {
    const a = await login(env.app, PHONES.mobileMember);
    const b = await login(env.app, PHONES.mobileMember);
    const bad = await env.app.inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: 'wrong', newPassword: 'new-password-1' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual([{ field: 'currentPassword', message: '当前密码不正确' }]);
    const short = await env.app.inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: 'validation_failed', issues: [{ field: 'newPassword', message: '新密码至少 8 位' }] });
    const ok = await env.app.inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: TEST_PASSWORD, newPassword: 'new-password-1' } });
    expect(ok.statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/auth/me', headers: b.headers })).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/auth/me', headers: a.headers })).statusCode).toBe(200);
    await login(env.app, PHONES.mobileMember, 'new-password-1');
    const out = await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: a.headers });
    expect(out.statusCode).toBe(200);
    // the phone's HTTP cache (full profile and today answers) goes with the sign-out
    expect(out.headers['clear-site-data']).toBe('"cache"');
    expect((await env.app.inject({ url: '/api/auth/me', headers: a.headers })).statusCode).toBe(401);
  });
});

describe('sign-in limits kept in the database', () => {
  const T0 = new Date('2031-05-04T08:00:00Z');
  const at = (ms: number) => () => new Date(T0.getTime() + ms);
  /** The wait a refused attempt is told, or 0 when it was let through (and counted). */
  const waitOf = async (limiter: LoginLimiter, phone: string, address: string): Promise<number> => {
    try {
      await limiter.begin(phone, address);
      return 0;
    } catch (err) {
      if (err instanceof AppError && err.code === 'rate_limited') return err.retryAfterSeconds ?? -1;
      throw err;
    }
  };

  it('blocks a phone and address for the rest of the 15 minutes, saying when to try again', async () => {
    const phone = '17100000001';
    for (let i = 0; i < 5; i++) expect(await waitOf(new LoginLimiter(env.db, at(i * 60_000)), phone, '192.0.2.1')).toBe(0);
    const later = new LoginLimiter(env.db, at(5 * 60_000));
    await expect(later.begin(phone, '192.0.2.1')).rejects.toMatchObject({ code: 'rate_limited', message: '登录失败次数过多，请 10 分钟后再试', retryAfterSeconds: 600 });
    expect(await waitOf(new LoginLimiter(env.db, at(15 * 60_000 - 1000)), phone, '192.0.2.1')).toBe(1);
    // A new window: the pair may try again, and its count starts over.
    expect(await waitOf(new LoginLimiter(env.db, at(15 * 60_000)), phone, '192.0.2.1')).toBe(0);
    const row = await env.db.selectFrom('login_attempt').selectAll().where('scope', '=', 'pair').where('subject', '=', `${phone} 192.0.2.1`).executeTakeFirstOrThrow();
    expect(row.failures).toBe(1);
  });

  it('slows a phone guessed from many addresses with a doubling wait, never locking it for long', async () => {
    const phone = '17100000002';
    // Ten failures from ten addresses, a minute apart: none of them is limited on its own.
    for (let i = 0; i < 10; i++) expect(await waitOf(new LoginLimiter(env.db, at(i * 60_000)), phone, `198.51.100.${i}`)).toBe(0);
    const t = 9 * 60_000;
    // From a new address the phone now waits 1 s after the last attempt, then 2 s, then 4 s …
    expect(await waitOf(new LoginLimiter(env.db, at(t)), phone, '203.0.113.1')).toBe(1);
    expect(await waitOf(new LoginLimiter(env.db, at(t + 1000)), phone, '203.0.113.1')).toBe(0);
    expect(await waitOf(new LoginLimiter(env.db, at(t + 1000)), phone, '203.0.113.2')).toBe(2);
    expect(await waitOf(new LoginLimiter(env.db, at(t + 3000)), phone, '203.0.113.2')).toBe(0);
    expect(await waitOf(new LoginLimiter(env.db, at(t + 3000)), phone, '203.0.113.3')).toBe(4);
    // … never more than a minute, however many failures pile up.
    let now = t + 3000;
    for (let i = 0; i < 8; i++) {
      now += 60_000;
      expect(await waitOf(new LoginLimiter(env.db, at(now)), phone, `203.0.113.${10 + i}`)).toBe(0);
    }
    expect(await waitOf(new LoginLimiter(env.db, at(now)), phone, '203.0.113.99')).toBe(60);
    // The message for a short wait counts seconds.
    await expect(new LoginLimiter(env.db, at(now + 58_000)).begin(phone, '203.0.113.99')).rejects.toMatchObject({ message: '登录失败次数过多，请 2 秒后再试' });
  });

  it('counts an IPv6 client by its /64, where it could take a new address for every guess', async () => {
    const phone = '17100000005';
    for (let i = 1; i <= 5; i++) expect(await waitOf(new LoginLimiter(env.db, at(0)), phone, `2001:db8:5:1::${i}`)).toBe(0);
    expect(await waitOf(new LoginLimiter(env.db, at(0)), phone, '2001:db8:5:1:ffff:ffff:ffff:ffff')).toBe(900);
    expect(await waitOf(new LoginLimiter(env.db, at(0)), phone, '2001:db8:5:2::1')).toBe(0);
    // An IPv4 client seen through an IPv6 socket is the same client as without the prefix.
    for (let i = 0; i < 5; i++) expect(await waitOf(new LoginLimiter(env.db, at(0)), '17100000006', '::ffff:192.0.2.77')).toBe(0);
    expect(await waitOf(new LoginLimiter(env.db, at(0)), '17100000006', '192.0.2.77')).toBe(900);
  });

  it('deletes counters whose window has long ended, and keeps the others', async () => {
    await new LoginLimiter(env.db, at(0)).begin('17100000003', '192.0.2.50');
    await new LoginLimiter(env.db, at(2 * 3_600_000)).begin('17100000004', '192.0.2.51');
    await LoginLimiter.purge(env.db, new Date(T0.getTime() + 2 * 3_600_000 + 60_000));
    const left = await env.db.selectFrom('login_attempt').select('subject').where('subject', 'like', '%192.0.2.5_').execute();
    expect(left.map((r) => r.subject).sort()).toEqual(['17100000004 192.0.2.51', '192.0.2.51']);
  });
});

describe('who the caller is', () => {
  it('says whether the caller may change the organization-wide rules, as PUT /api/settings decides', async () => {
    for (const [phone, may] of [
      [PHONES.tenantAdmin, true],
      [PHONES.generalSecretary, false],
      [PHONES.mentor, false],
    ] as const) {
      const s = await login(env.app, phone);
      const me = await env.app.inject({ url: '/api/auth/me', headers: s.headers });
      expect(me.json().canEditSettings).toBe(may);
      const put = await env.app.inject({ method: 'PUT', url: '/api/settings', headers: s.headers, payload: { talkCadenceDays: 30 } });
      expect(put.statusCode).toBe(may ? 200 : 403);
    }
  });
});

describe('session housekeeping', () => {
  it('deletes expired sessions and keeps live ones', async () => {
    const live = await login(env.app, PHONES.branchSecretary);
    const expired = await login(env.app, PHONES.tenantAdmin);
    await env.db.updateTable('session').set({ expires_at: new Date(clock.now().getTime() - 1000) }).where('account_id', 'in', env.db.selectFrom('account').select('id').where('phone', '=', PHONES.tenantAdmin)).execute();
    await env.services.auth.purgeExpired();
    const left = await env.db.selectFrom('session as s').innerJoin('account as a', (j) => j.onRef('a.id', '=', 's.account_id')).select('a.phone').execute();
    expect(left.map((r) => r.phone)).not.toContain(PHONES.tenantAdmin);
    expect((await env.app.inject({ url: '/api/auth/me', headers: expired.headers })).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/auth/me', headers: live.headers })).statusCode).toBe(200);
  });
});

describe('cached callers', () => {
  it('see their new scope at once after their unit moves or a mentee is reassigned', async () => {
    const secretary = await login(env.app, PHONES.branchSecretary);
    const admin = await login(env.app, PHONES.tenantAdmin);
    const mentor = await login(env.app, PHONES.mentor);
    const member = (await env.db.selectFrom('member').select('id').where('phone', '=', PHONES.mentor).executeTakeFirstOrThrow()).id;
    const mentee = (await env.db.selectFrom('member').select('id').where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow()).id;
    expect((await env.app.inject({ url: `/api/members/${member}`, headers: secretary.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: `/api/members/${mentee}`, headers: mentor.headers })).statusCode).toBe(200);
    const orgs = (await env.app.inject({ url: '/api/orgs', headers: admin.headers })).json().items as { id: string; name: string }[];
    const town = orgs.find((o) => o.name === '长河镇党委')!;
    const branch = orgs.find((o) => o.name === '第一党支部')!;
    const created = await env.app.inject({ method: 'POST', url: '/api/orgs', headers: admin.headers, payload: { parentId: town.id, kind: 'general_branch', name: '新设村党总支' } });
    await env.app.inject({ method: 'POST', url: `/api/orgs/${branch.id}/move`, headers: admin.headers, payload: { newParentId: created.json().id } });
    expect((await env.app.inject({ url: `/api/members/${member}`, headers: secretary.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: `/api/members/${mentee}`, headers: mentor.headers })).statusCode).toBe(200);
    await env.app.inject({ method: 'PUT', url: `/api/members/${mentee}/mentor`, headers: admin.headers, payload: { mentorMemberId: null } });
    expect((await env.app.inject({ url: `/api/members/${mentee}`, headers: mentor.headers })).statusCode).toBe(403);
  });
});

describe('HTTP edges', () => {
  it('serves health, the OpenAPI document and the docs page', async () => {
    expect((await env.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const doc = (await env.app.inject({ url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/members', '/api/members/{id}']));
    expect((await env.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it('turns malformed input into a 400 that names the field, never a 500', async () => {
    const s = await login(env.app, PHONES.generalSecretary);
    const res = await env.app.inject({ method: 'POST', url: '/api/members', headers: s.headers, payload: { name: '', gender: 'x', phone: '123', status: 'full', orgId: 'nope' } });
    expect(res.statusCode).toBe(400);
    const fields = (res.json().issues as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'gender', 'phone', 'orgId']));
    const broken = await env.app.inject({ method: 'POST', url: '/api/members', headers: { ...s.headers, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ ok: false });
    const unknown = await env.app.inject({ url: '/api/nothing-here', headers: s.headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ ok: false, error: 'not_found' });
    const missing = await env.app.inject({ url: '/api/members/00000000-0000-4000-8000-000000000000', headers: s.headers });
    expect(missing.statusCode).toBe(404);
  });
});
