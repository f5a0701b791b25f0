import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, TEST_PASSWORD, type TestEnv } from '../../../../test/support/harness.ts';

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

  it('limits wrong passwords per phone', async () => {
    for (let i = 0; i < 5; i++) {
      await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.groupLeader, password: `wrong-${i}` } });
    }
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.groupLeader, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits attempts per IP across phones', async () => {
    for (let i = 0; i < 30; i++) {
      await env.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { phone: `1990000${String(i).padStart(4, '0')}`, password: 'x' } });
    }
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { phone: PHONES.branchSecretary, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(429);
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
    await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: a.headers });
    expect((await env.app.inject({ url: '/api/auth/me', headers: a.headers })).statusCode).toBe(401);
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
    await env.db.updateTable('session').set({ expires_at: new Date(Date.now() - 1000) }).where('account_id', 'in', env.db.selectFrom('account').select('id').where('phone', '=', PHONES.tenantAdmin)).execute();
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
