import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';

let env: TestEnv;
let secretary: Session;
beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
});
afterAll(async () => env?.close());

describe('member app logins', () => {
  it('opens the member app to a new member with a one-time password, and resets it', async () => {
    const group = await env.db.selectFrom('org').select('id').where('name', '=', '第一党小组').executeTakeFirstOrThrow();
    const created = await env.app.inject({ method: 'POST', url: '/api/members', headers: secretary.headers, payload: { name: '新党员', gender: 'male', phone: '13611112222', status: 'probationary', orgId: group.id } });
    const id = created.json().id as string;
    expect(created.json().hasLogin).toBe(false);
    const issued = await env.app.inject({ method: 'POST', url: `/api/members/${id}/login`, headers: secretary.headers });
    expect(issued.statusCode).toBe(200);
    const first = issued.json() as { phone: string; initialPassword: string; created: boolean };
    expect(first).toMatchObject({ phone: '13611112222', created: true });
    expect(first.initialPassword).toMatch(/^[a-zA-Z2-9]{10}$/);
    const member = await login(env.app, '13611112222', first.initialPassword);
    expect((await env.app.inject({ url: '/api/me/profile', headers: member.headers })).json().member.name).toBe('新党员');
    expect((await env.app.inject({ url: `/api/members/${id}`, headers: secretary.headers })).json().hasLogin).toBe(true);

    const reset = (await env.app.inject({ method: 'POST', url: `/api/members/${id}/login`, headers: secretary.headers })).json() as { initialPassword: string; created: boolean };
    expect(reset.created).toBe(false);
    expect((await env.app.inject({ url: '/api/auth/me', headers: member.headers })).statusCode).toBe(401);
    await login(env.app, '13611112222', reset.initialPassword);
    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', id).where('action', 'like', 'account.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['account.open', 'account.reset_password']);
    expect(JSON.stringify(audit)).not.toContain(reset.initialPassword);
  });

  it("refuses when the member's phone already belongs to another account", async () => {
    const mentorId = await memberIdByPhone(env, PHONES.mentor);
    await env.db.updateTable('account').set({ member_id: null }).where('phone', '=', PHONES.mentor).execute();
    const res = await env.app.inject({ method: 'POST', url: `/api/members/${mentorId}/login`, headers: secretary.headers });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain(PHONES.mentor);
  });

  it('lets the member sign in with a new phone number after the secretary changes it', async () => {
    const id = await memberIdByPhone(env, PHONES.groupLeader);
    const res = await env.app.inject({ method: 'PATCH', url: `/api/members/${id}`, headers: secretary.headers, payload: { phone: '13699990000' } });
    expect(res.statusCode, res.body).toBe(200);
    await login(env.app, '13699990000');
    const clash = await env.app.inject({ method: 'PATCH', url: `/api/members/${id}`, headers: secretary.headers, payload: { phone: PHONES.tenantAdmin } });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toBe('duplicate_phone');
  });
});
