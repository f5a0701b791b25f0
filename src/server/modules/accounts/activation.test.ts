import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestApp, login, PHONES, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock } from '../../clock.ts';
import type { Activation, ActivationParams } from '../../../shared/api-activation.ts';
import { getActivation, getMemberActivation } from './activation.ts';

/**
 * 开通情况 on the demo village. Every demo member has a login and most have used the app, so the
 * members of 第三党支部 are first set back to "never signed in" (logins disabled, no activity), then
 * given one state each by hand: the expected numbers below are counted from that.
 */
let env: TestEnv;
let secretary: RequestContext;
let branchSecretary: RequestContext;
let groupLeader: RequestContext;
let mentor: RequestContext;
let member: RequestContext;
let admin: RequestContext;
const ids = { village: '', branch1: '', branch3: '', group6: '', group7: '' };
/** members of 第三党支部 in name order, with the state each is given */
let people: { id: string; name: string; org_id: string; account_id: string }[] = [];
const DAY = 86_400_000;
/** the moment the states are set up: every time below is counted from it */
let t0 = 0;
const at = (ms: number) => new Date(t0 + ms);
const isoAt = (ms: number) => at(ms).toISOString();

async function orgId(name: string): Promise<string> {
  return (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
}

async function invite(memberId: string, opts: { expiresInDays: number; used?: boolean; revoked?: boolean; createdDaysAgo?: number }): Promise<void> {
  await env.db
    .insertInto('invitation')
    .values({
      tenant_id: env.tenantId,
      member_id: memberId,
      token_hash: crypto.randomBytes(16).toString('hex'),
      created_at: at(-(opts.createdDaysAgo ?? 1) * DAY),
      expires_at: at(opts.expiresInDays * DAY),
      used_at: opts.used ? at(-DAY / 2) : null,
      revoked_at: opts.revoked ? at(-DAY / 2) : null,
    })
    .execute();
}

async function enable(accountId: string): Promise<void> {
  await env.db.updateTable('account').set({ disabled_at: null }).where('tenant_id', '=', env.tenantId).where('id', '=', accountId).execute();
}

async function session(accountId: string, lastSeen: Date | null): Promise<void> {
  await env.db
    .insertInto('session')
    .values({
      tenant_id: env.tenantId,
      token_hash: crypto.randomBytes(16).toString('hex'),
      account_id: accountId,
      csrf_token: 'x',
      expires_at: at(30 * DAY),
      last_seen_at: lastSeen,
    })
    .execute();
}

const q = (p: Partial<ActivationParams> = {}): ActivationParams => ({ page: 1, pageSize: 200, ...p });
const p = (i: number) => people[i] as (typeof people)[number];

beforeAll(async () => {
  env = await openTestApp();
  t0 = clock.now().getTime();
  secretary = await contextFor(env, PHONES.generalSecretary);
  branchSecretary = await contextFor(env, PHONES.branchSecretary);
  groupLeader = await contextFor(env, PHONES.groupLeader);
  mentor = await contextFor(env, PHONES.mentor);
  member = await contextFor(env, PHONES.mobileMember);
  admin = await contextFor(env, PHONES.tenantAdmin);
  ids.village = await orgId('新桥村党总支');
  ids.branch1 = await orgId('第一党支部');
  ids.branch3 = await orgId('第三党支部（老党员支部）');
  ids.group6 = await orgId('第六党小组');
  ids.group7 = await orgId('第七党小组');
  const rows = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'm.tenant_id').onRef('a.member_id', '=', 'm.id'))
    .select(['m.id', 'm.name', 'm.org_id', 'a.id as account_id'])
    .where('m.tenant_id', '=', env.tenantId)
    .where('m.left_at', 'is', null)
    .where('o.parent_id', '=', ids.branch3)
    .orderBy('m.name_sort_key')
    .orderBy('m.name')
    .execute();
  people = rows;
  expect(people.length).toBeGreaterThanOrEqual(10);
  const memberIds = people.map((r) => r.id);
  // Back to "never signed in": logins disabled, no activity, no session, no invitation.
  await env.db.updateTable('account').set({ disabled_at: clock.now() }).where('tenant_id', '=', env.tenantId).where('member_id', 'in', memberIds).execute();
  await env.db.updateTable('member').set({ last_active_at: null }).where('tenant_id', '=', env.tenantId).where('id', 'in', memberIds).execute();
  await env.db.deleteFrom('session').where('tenant_id', '=', env.tenantId).where('account_id', 'in', people.map((r) => r.account_id)).execute();

  // 0: signed in (a session, seen an hour ago) → active
  await enable(p(0).account_id);
  await session(p(0).account_id, at(-3_600_000));
  // 1: a login never used, an open invitation → invited
  await enable(p(1).account_id);
  await invite(p(1).id, { expiresInDays: 3 });
  // 2: an invitation that expired → none
  await invite(p(2).id, { expiresInDays: -1, createdDaysAgo: 8 });
  // 3: an invitation revoked → none
  await invite(p(3).id, { expiresInDays: 5, revoked: true });
  // 4: an invitation redeemed with its login → active
  await enable(p(4).account_id);
  await invite(p(4).id, { expiresInDays: 5, used: true });
  // 5: a session of a disabled login → none
  await session(p(5).account_id, at(0));
  // 6: activity the app recorded (a read), login enabled → active
  await enable(p(6).account_id);
  await env.db.updateTable('member').set({ last_active_at: at(-2 * DAY) }).where('tenant_id', '=', env.tenantId).where('id', '=', p(6).id).execute();
  // 7: active and also holding an open invitation (a password reset) → active, the invitation shown
  await enable(p(7).account_id);
  await session(p(7).account_id, at(-60_000));
  await invite(p(7).id, { expiresInDays: 6 });
  // 8: an open invitation, no login enabled → invited
  await invite(p(8).id, { expiresInDays: 1 });
});
afterAll(async () => env?.close());

const statusOf = (a: Activation, memberId: string) => a.members.find((m) => m.memberId === memberId)?.status;

describe('开通情况 of a unit', () => {
  it('gives each member of the subtree their state', async () => {
    const a = await getActivation(env.db, secretary, q({ orgId: ids.branch3 }));
    expect(a.orgId).toBe(ids.branch3);
    expect(a.total).toBe(people.length);
    expect(a.members.map((m) => m.memberId).sort()).toEqual(people.map((r) => r.id).sort());
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => statusOf(a, p(i).id))).toEqual(['active', 'invited', 'none', 'none', 'active', 'none', 'active', 'active', 'invited']);
    for (const r of people.slice(9)) expect(statusOf(a, r.id)).toBe('none');
    const m1 = a.members.find((m) => m.memberId === p(1).id);
    expect(m1?.expiresAt).toBe(isoAt(3 * DAY));
    expect(m1?.invitedAt).toBe(isoAt(-DAY));
    expect(m1?.lastSeenAt).toBeNull();
    expect(a.members.find((m) => m.memberId === p(0).id)?.lastSeenAt).toBe(isoAt(-3_600_000));
    expect(a.members.find((m) => m.memberId === p(6).id)?.lastSeenAt).toBe(isoAt(-2 * DAY));
    // active with an open invitation: still active, the invitation shown
    expect(a.members.find((m) => m.memberId === p(7).id)?.expiresAt).toBe(isoAt(6 * DAY));
    // an expired invitation is no open invitation
    expect(a.members.find((m) => m.memberId === p(2).id)?.expiresAt).toBeNull();
    expect(a.canInvite).toBe(true);
  });

  it('counts the unit and each child, rolled up', async () => {
    const a = await getActivation(env.db, secretary, q({ orgId: ids.branch3 }));
    const [root, ...children] = a.units;
    expect(root).toMatchObject({ unitId: ids.branch3, depth: 0, members: people.length, active: 4, invited: 2, none: people.length - 6 });
    expect(children.map((c) => c.unitId)).toEqual([ids.group6, ids.group7]);
    for (const c of children) {
      const mine = people.filter((r) => r.org_id === c.unitId).map((r) => r.id);
      expect(c.members).toBe(mine.length);
      expect(c.active + c.invited + c.none).toBe(c.members);
      expect(c.active).toBe(mine.filter((id) => statusOf(a, id) === 'active').length);
      expect(c.invited).toBe(mine.filter((id) => statusOf(a, id) === 'invited').length);
    }
    expect(children.reduce((s, c) => s + c.members, 0)).toBe(root?.members);
    // the village's line for the branch is the branch's own total
    const village = await getActivation(env.db, secretary, q({ orgId: ids.village, pageSize: 1 }));
    expect(village.units.find((u) => u.unitId === ids.branch3)).toMatchObject({ members: root?.members, active: 4, invited: 2 });
    expect(village.units[0]?.members).toBe(village.total);
    expect(village.units.slice(1).reduce((s, u) => s + u.members, 0)).toBe(village.units[0]?.members);
  });

  it('filters by status, mobile and name, pages, and lists those not yet active first', async () => {
    const invited = await getActivation(env.db, secretary, q({ orgId: ids.branch3, status: 'invited' }));
    expect(invited.members.map((m) => m.memberId).sort()).toEqual([p(1).id, p(8).id].sort());
    expect(invited.total).toBe(2);
    // the counts stay those of the whole unit
    expect(invited.units[0]?.members).toBe(people.length);
    const all = await getActivation(env.db, secretary, q({ orgId: ids.branch3 }));
    const rank = { none: 0, invited: 1, active: 2 } as const;
    const ranks = all.members.map((m) => rank[m.status]);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    const page2 = await getActivation(env.db, secretary, q({ orgId: ids.branch3, page: 2, pageSize: 3 }));
    expect(page2.members.map((m) => m.memberId)).toEqual(all.members.slice(3, 6).map((m) => m.memberId));
    expect(page2.total).toBe(people.length);
    const byName = await getActivation(env.db, secretary, q({ orgId: ids.branch3, q: p(4).name }));
    expect(byName.members.map((m) => m.memberId)).toContain(p(4).id);
    expect(byName.members.every((m) => m.name.includes(p(4).name))).toBe(true);
    const mobileOnly = await getActivation(env.db, secretary, q({ mobile: true }));
    expect(mobileOnly.members.length).toBeGreaterThan(0);
    expect(mobileOnly.members.every((m) => m.isMobile)).toBe(true);
    const home = await getActivation(env.db, secretary, q({ orgId: ids.branch3, mobile: false }));
    expect(home.total).toBe(people.length);
  });

  it('takes the widest unit of the caller when no unit is asked, and refuses units outside it', async () => {
    const own = await getActivation(env.db, branchSecretary, q());
    expect(own.orgId).toBe(ids.branch1);
    await expect(getActivation(env.db, branchSecretary, q({ orgId: ids.branch3 }))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getActivation(env.db, branchSecretary, q({ orgId: ids.village }))).rejects.toMatchObject({ code: 'forbidden' });
    // a group leader reads their group, and may not invite
    const group = await getActivation(env.db, groupLeader, q());
    expect(group.units[0]?.kind).toBe('group');
    expect(group.canInvite).toBe(false);
    expect(group.total).toBe(group.units[0]?.members);
    // mentors and members read single people, no unit
    await expect(getActivation(env.db, mentor, q())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getActivation(env.db, member, q())).rejects.toMatchObject({ code: 'forbidden' });
    const top = await getActivation(env.db, admin, q({ pageSize: 1 }));
    expect(top.units[0]?.depth).toBe(0);
    expect(top.total).toBe(Number((await env.db.selectFrom('member').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', env.tenantId).where('left_at', 'is', null).executeTakeFirstOrThrow()).n));
  });

  it('never counts a member who left', async () => {
    const before = await getActivation(env.db, secretary, q({ orgId: ids.branch3 }));
    const leaver = p(people.length - 1);
    await env.db.updateTable('member').set({ left_at: clock.now() }).where('tenant_id', '=', env.tenantId).where('id', '=', leaver.id).execute();
    try {
      const after = await getActivation(env.db, secretary, q({ orgId: ids.branch3 }));
      expect(after.units[0]?.members).toBe((before.units[0]?.members ?? 0) - 1);
      expect(after.members.some((m) => m.memberId === leaver.id)).toBe(false);
      await expect(getMemberActivation(env.db, secretary, leaver.id)).rejects.toMatchObject({ code: 'not_found' });
    } finally {
      await env.db.updateTable('member').set({ left_at: null }).where('tenant_id', '=', env.tenantId).where('id', '=', leaver.id).execute();
    }
  });
});

describe('one member’s state', () => {
  it('agrees with the unit’s list', async () => {
    const a = await getActivation(env.db, secretary, q({ orgId: ids.branch3 }));
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8]) {
      const one = await getMemberActivation(env.db, secretary, p(i).id);
      const row = a.members.find((m) => m.memberId === p(i).id);
      expect({ status: one.status, expiresAt: one.expiresAt, invitedAt: one.invitedAt, lastSeenAt: one.lastSeenAt }).toEqual({
        status: row?.status,
        expiresAt: row?.expiresAt,
        invitedAt: row?.invitedAt,
        lastSeenAt: row?.lastSeenAt,
      });
    }
    expect((await getMemberActivation(env.db, secretary, p(5).id)).hasAccount).toBe(false);
    expect((await getMemberActivation(env.db, secretary, p(0).id)).canInvite).toBe(true);
  });

  it('is read by whoever may read the member, and only by them', async () => {
    await expect(getMemberActivation(env.db, branchSecretary, p(0).id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getMemberActivation(env.db, mentor, p(0).id)).rejects.toMatchObject({ code: 'forbidden' });
    const self = await getMemberActivation(env.db, member, member.actor.memberId as string);
    expect(self.memberId).toBe(member.actor.memberId);
    expect(self.canInvite).toBe(false);
  });
});

describe('over HTTP', () => {
  it('answers the contract and refuses bad input naming the field', async () => {
    const s = await login(env.app, PHONES.generalSecretary);
    const ok = await env.app.inject({ url: `/api/activation?orgId=${ids.branch3}&status=none&pageSize=5`, headers: s.headers });
    expect(ok.statusCode).toBe(200);
    const body = ok.json() as Activation;
    expect(body.members.length).toBeLessThanOrEqual(5);
    expect(body.members.every((m) => m.status === 'none')).toBe(true);
    const bad = await env.app.inject({ url: '/api/activation?status=maybe', headers: s.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('status');
    const badOrg = await env.app.inject({ url: '/api/activation?orgId=nope', headers: s.headers });
    expect(badOrg.statusCode).toBe(400);
    expect(badOrg.body).toContain('orgId');
    // in the caller's language: Chinese by default, English when asked
    expect((badOrg.json() as { message: string }).message).toMatch(/[\u4e00-\u9fff]/);
    const english = await env.app.inject({ url: '/api/activation?orgId=nope', headers: { ...s.headers, 'accept-language': 'en-US' } });
    expect(english.statusCode).toBe(400);
    expect((english.json() as { message: string; issues: { field: string }[] }).issues.map((i) => i.field)).toContain('orgId');
    expect((english.json() as { message: string }).message).not.toMatch(/[\u4e00-\u9fff]/);
    const outside = await env.app.inject({ url: `/api/activation?orgId=${ids.branch3}`, headers: { ...(await login(env.app, PHONES.branchSecretary)).headers, 'accept-language': 'en-US' } });
    expect(outside.statusCode).toBe(403);
    const one = await env.app.inject({ url: `/api/members/${p(1).id}/activation`, headers: s.headers });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ memberId: p(1).id, status: 'invited' });
  });
});
