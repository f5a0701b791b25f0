import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { UnitLeader } from '../../../shared/api.ts';

let env: TestEnv;
let secretary: Session;
const orgId = async (name: string) => (await env.db.selectFrom('org').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
});
afterAll(async () => env?.close());

describe('appointing and dismissing unit leaders', () => {
  it('gives a newly appointed branch secretary their branch at once, and takes it away on dismissal', async () => {
    const branch2 = await orgId('第二党支部');
    const someone = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.id', '=', 'm.org_id').onRef('o.tenant_id', '=', 'm.tenant_id'))
      .select(['m.id', 'm.phone', 'm.name'])
      .where('o.name', '=', '第四党小组')
      .orderBy('m.name')
      .executeTakeFirstOrThrow();
    const appointee = await login(env.app, someone.phone);
    expect((await env.app.inject({ url: `/api/dashboard?orgId=${branch2}`, headers: appointee.headers })).statusCode).toBe(403);

    const appointed = await env.app.inject({ method: 'POST', url: `/api/orgs/${branch2}/leaders`, headers: secretary.headers, payload: { memberId: someone.id, role: 'secretary' } });
    expect(appointed.statusCode, appointed.body).toBe(200);
    const leaders = appointed.json().items as UnitLeader[];
    expect(leaders).toEqual([expect.objectContaining({ role: 'secretary', memberId: someone.id, name: someone.name })]);
    expect((await env.app.inject({ url: `/api/dashboard?orgId=${branch2}`, headers: appointee.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/auth/me', headers: appointee.headers })).json().roles).toEqual([expect.objectContaining({ role: 'secretary', orgName: '第二党支部' })]);

    const again = await env.app.inject({ method: 'POST', url: `/api/orgs/${branch2}/leaders`, headers: secretary.headers, payload: { memberId: someone.id, role: 'secretary' } });
    expect(again.statusCode).toBe(409);

    // The appointee cannot dismiss themself; the secretary above can.
    const self = await env.app.inject({ method: 'DELETE', url: `/api/orgs/${branch2}/leaders/${leaders[0]!.id}`, headers: appointee.headers });
    expect(self.statusCode).toBe(409);
    const dismissed = await env.app.inject({ method: 'DELETE', url: `/api/orgs/${branch2}/leaders/${leaders[0]!.id}`, headers: secretary.headers });
    expect(dismissed.json().items).toEqual([]);
    expect((await env.app.inject({ url: `/api/dashboard?orgId=${branch2}`, headers: appointee.headers })).statusCode).toBe(403);

    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', branch2).where('action', 'like', 'role.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['role.appoint', 'role.dismiss']);
  });

  it('appoints group leaders only to party groups, secretaries only to other units', async () => {
    const group = await orgId('第一党小组');
    const branch = await orgId('第一党支部');
    const mentor = await memberIdByPhone(env, PHONES.mentor);
    const wrong1 = await env.app.inject({ method: 'POST', url: `/api/orgs/${group}/leaders`, headers: secretary.headers, payload: { memberId: mentor, role: 'secretary' } });
    expect(wrong1.json()).toMatchObject({ error: 'validation_failed', issues: [{ field: 'role' }] });
    const wrong2 = await env.app.inject({ method: 'POST', url: `/api/orgs/${branch}/leaders`, headers: secretary.headers, payload: { memberId: mentor, role: 'group_leader' } });
    expect(wrong2.statusCode).toBe(400);
    const list = await env.app.inject({ url: `/api/orgs/${group}/leaders`, headers: secretary.headers });
    expect((list.json().items as UnitLeader[]).map((l) => l.phone)).toEqual([PHONES.groupLeader]);
  });

  it('asks for a login first when the member has none', async () => {
    const branch2 = await orgId('第二党支部');
    const someone = await memberIdByPhone(env, PHONES.mentor);
    await env.db.updateTable('account').set({ member_id: null }).where('member_id', '=', someone).execute();
    const res = await env.app.inject({ method: 'POST', url: `/api/orgs/${branch2}/leaders`, headers: secretary.headers, payload: { memberId: someone, role: 'secretary' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('开通登录');
  });
});
