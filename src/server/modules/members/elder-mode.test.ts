import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { setMemberElderMode } from './elder-mode.ts';

let env: TestEnv;
let secretary: Session;
let mobileMemberId: string;
beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  mobileMemberId = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

const deps = () => ({ db: env.db, cipher: env.services.cipher });
const auditOf = (memberId: string) =>
  env.db.selectFrom('audit_log').select(['action', 'before', 'after', 'account_id']).where('entity_id', '=', memberId).where('action', '=', 'member.elder_mode').orderBy('id').execute();

describe('长辈模式 set by the secretary', () => {
  it('is off by default, and the member’s profile and page follow what the secretary sets, with an audit entry per change', async () => {
    const member = await login(env.app, PHONES.mobileMember);
    const profile = () => env.app.inject({ url: '/api/me/profile', headers: member.headers });
    expect((await profile()).json()).toMatchObject({ elderMode: false, member: { elderMode: false } });

    const on = await env.app.inject({ method: 'PUT', url: `/api/members/${mobileMemberId}/elder-mode`, headers: secretary.headers, payload: { elderMode: true } });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({ elderMode: true });
    expect((await profile()).json()).toMatchObject({ elderMode: true });
    const page = await env.app.inject({ url: `/api/members/${mobileMemberId}`, headers: secretary.headers });
    expect(page.json()).toMatchObject({ elderMode: true });

    // The same value again changes nothing and writes no second entry.
    const ctx = await contextFor(env, PHONES.generalSecretary);
    expect(await setMemberElderMode(deps(), ctx, mobileMemberId, true)).toEqual({ elderMode: true });
    await setMemberElderMode(deps(), ctx, mobileMemberId, false);
    expect((await profile()).json()).toMatchObject({ elderMode: false });

    const audit = await auditOf(mobileMemberId);
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [{ elderMode: false }, { elderMode: true }],
      [{ elderMode: true }, { elderMode: false }],
    ]);
    expect(audit[0]?.account_id).toBe(ctx.actor.accountId);
  });

  it('refuses a body without a yes or no, naming the field, in Chinese and in English, and writes nothing', async () => {
    const bad = await env.app.inject({ method: 'PUT', url: `/api/members/${mobileMemberId}/elder-mode`, headers: secretary.headers, payload: { elderMode: 'yes' } });
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { message: string; issues: { field: string }[] };
    expect(body.issues.map((i) => i.field)).toEqual(['elderMode']);
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    const english = await env.app.inject({
      method: 'PUT',
      url: `/api/members/${mobileMemberId}/elder-mode`,
      headers: { ...secretary.headers, 'accept-language': 'en-US' },
      payload: {},
    });
    expect(english.statusCode).toBe(400);
    expect((english.json() as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['elderMode']);
    expect((english.json() as { message: string }).message).not.toMatch(/[\u4e00-\u9fff]/);
    const row = await env.db.selectFrom('member').select('elder_mode').where('id', '=', mobileMemberId).executeTakeFirstOrThrow();
    expect(row.elder_mode).toBe(false);
  });

  it('refuses a secretary outside the member’s unit and the member themself, and says 党员 not found for an unknown id', async () => {
    const branchSecretary = await contextFor(env, PHONES.branchSecretary);
    const target = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select('m.id')
      .where('m.tenant_id', '=', env.tenantId)
      .where('o.name', '=', '第四党小组')
      .executeTakeFirstOrThrow();
    await expect(setMemberElderMode(deps(), branchSecretary, target.id, true)).rejects.toMatchObject({ code: 'forbidden' });
    const self = await contextFor(env, PHONES.mobileMember);
    await expect(setMemberElderMode(deps(), self, mobileMemberId, true)).rejects.toMatchObject({ code: 'forbidden' });
    const secretaryCtx = await contextFor(env, PHONES.generalSecretary);
    await expect(setMemberElderMode(deps(), secretaryCtx, '00000000-0000-4000-8000-000000000000', true)).rejects.toMatchObject({ code: 'not_found' });
    expect(await auditOf(target.id)).toEqual([]);
  });
});
