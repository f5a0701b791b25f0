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

describe('a login that reaches beyond the caller', () => {
  let branchSecretary: Session;
  let generalSecretaryMember: string;
  beforeAll(async () => {
    branchSecretary = await login(env.app, PHONES.branchSecretary);
    generalSecretaryMember = await memberIdByPhone(env, PHONES.generalSecretary);
  });

  it("is not issued or reset by a branch secretary whose branch holds the general-branch secretary's member record", async () => {
    // The branch secretary may read and edit the record itself: it is in their subtree.
    expect((await env.app.inject({ url: `/api/members/${generalSecretaryMember}`, headers: branchSecretary.headers })).statusCode).toBe(200);
    const res = await env.app.inject({ method: 'POST', url: `/api/members/${generalSecretaryMember}/login`, headers: branchSecretary.headers });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'forbidden' });
    expect(res.json().message).toContain('管辖范围');
    expect(res.body).not.toContain('initialPassword');
    // The old password still works: nothing was reset.
    await login(env.app, PHONES.generalSecretary);
  });

  it("does not let a branch secretary change the phone, name or unit the general-branch secretary's login follows", async () => {
    const other = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('kind', '=', 'group').where('name', '=', '第二党小组').executeTakeFirstOrThrow();
    for (const payload of [{ phone: '13655550000' }, { name: '改名' }, { orgId: other.id }]) {
      const res = await env.app.inject({ method: 'PATCH', url: `/api/members/${generalSecretaryMember}`, headers: branchSecretary.headers, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(403);
    }
    const after = await env.db.selectFrom('member').select(['phone', 'name']).where('id', '=', generalSecretaryMember).executeTakeFirstOrThrow();
    expect(after.phone).toBe(PHONES.generalSecretary);
    // Fields the login does not use stay editable by the branch secretary.
    const occupation = await env.app.inject({ method: 'PATCH', url: `/api/members/${generalSecretaryMember}`, headers: branchSecretary.headers, payload: { occupation: '村干部' } });
    expect(occupation.statusCode, occupation.body).toBe(200);
  });

  it("lets the general-branch secretary and the tenant admin act on it; never a secretary on the tenant admin's login", async () => {
    const admin = await login(env.app, PHONES.tenantAdmin);
    const byAdmin = await env.app.inject({ method: 'POST', url: `/api/members/${generalSecretaryMember}/login`, headers: admin.headers });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    const general = await login(env.app, PHONES.generalSecretary, byAdmin.json().initialPassword);
    const mobileMember = await memberIdByPhone(env, PHONES.mobileMember);
    expect((await env.app.inject({ method: 'POST', url: `/api/members/${mobileMember}/login`, headers: general.headers })).statusCode).toBe(200);
    // A tenant admin who is also a member of the village: no secretary may touch that login.
    const adminMember = await env.db
      .selectFrom('member as m')
      .select('m.id')
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.left_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('account as a').select('a.id').whereRef('a.member_id', '=', 'm.id'))))
      .executeTakeFirstOrThrow();
    await env.db.updateTable('account').set({ member_id: adminMember.id }).where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.tenantAdmin).execute();
    try {
      expect((await env.app.inject({ method: 'POST', url: `/api/members/${adminMember.id}/login`, headers: general.headers })).statusCode).toBe(403);
    } finally {
      await env.db.updateTable('account').set({ member_id: null }).where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.tenantAdmin).execute();
    }
  });

  it("is refused when the login mentors a member outside the caller's subtree", async () => {
    // A member of the branch mentors someone in another branch: taking over that login would open
    // the other branch's care records.
    const mentorMember = await memberIdByPhone(env, PHONES.mentor);
    // (an earlier test detached the mentor's login from the record)
    await env.db.updateTable('account').set({ member_id: mentorMember }).where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.mentor).execute();
    const mentor = await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select(['o.path']).where('m.id', '=', mentorMember).executeTakeFirstOrThrow();
    const branchScope = await env.db.selectFrom('role_assignment as r').innerJoin('account as a', 'a.id', 'r.account_id').innerJoin('org as o', 'o.id', 'r.org_id').select('o.path').where('a.phone', '=', PHONES.branchSecretary).where('r.role', '=', 'secretary').executeTakeFirstOrThrow();
    expect(mentor.path.startsWith(branchScope.path)).toBe(true);
    const outsider = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select('m.id')
      .where('m.tenant_id', '=', env.tenantId)
      .where('o.path', 'not like', `${branchScope.path}%`)
      .where('m.left_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('mentorship as ms').select('ms.id').whereRef('ms.member_id', '=', 'm.id').where('ms.ended_on', 'is', null))))
      .executeTakeFirstOrThrow();
    const before = await env.app.inject({ method: 'POST', url: `/api/members/${mentorMember}/login`, headers: branchSecretary.headers });
    expect(before.statusCode, before.body).toBe(200);
    await env.db.insertInto('mentorship').values({ tenant_id: env.tenantId, member_id: outsider.id, mentor_member_id: mentorMember, started_on: '2026-01-01' }).execute();
    const res = await env.app.inject({ method: 'POST', url: `/api/members/${mentorMember}/login`, headers: branchSecretary.headers });
    expect(res.statusCode).toBe(403);
  });
});
