import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { Coverage } from '../../../shared/api-learning.ts';
import { exportCoverage, getCoverage } from './service.ts';
import { nameSortKey } from '../../name-sort-key.ts';

/**
 * Coverage numbers for a hand-built history of 第二党小组 (第一党支部): sessions and pushes written
 * straight into the tables, so the expected numbers are counted by hand below. The period is
 * 2025-03..2025-04, in which the demo village has no other history.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let secretary: RequestContext;
let admin: RequestContext;
let branchSecretary: RequestContext;
let ids: { village: string; branch1: string; branch2: string; group2: string };
let groupMembers: { id: string; name: string }[];
let n = 0;

async function orgId(name: string): Promise<string> {
  return (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
}

async function addSession(org: string, title: string, startsAt: string, status: 'planned' | 'closed' | 'cancelled' = 'planned'): Promise<string> {
  const starts = new Date(startsAt);
  const ends = new Date(starts.getTime() + 2 * 3_600_000);
  const row = await env.db
    .insertInto('study_session')
    .values({
      tenant_id: env.tenantId,
      org_id: org,
      kind: 'group_meeting',
      title,
      starts_at: starts,
      ends_at: ends,
      mode: 'online',
      checkin_opens_at: new Date(starts.getTime() - 1_800_000),
      checkin_closes_at: ends,
      qr_secret: 'test',
      audience: 'list',
      status,
      closed_at: status === 'closed' ? ends : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Invites the members (as planned), then records their statuses and closes it, as the sessions module does. */
async function holdSession(org: string, title: string, startsAt: string, statuses: Record<string, string>, close = true): Promise<string> {
  const id = await addSession(org, title, startsAt);
  await env.db
    .insertInto('attendance')
    .values(Object.keys(statuses).map((m) => ({ tenant_id: env.tenantId, session_id: id, member_id: m, voting: true })))
    .execute();
  for (const [m, status] of Object.entries(statuses)) {
    if (status === 'invited') continue;
    await sql`UPDATE attendance SET status = ${status} WHERE tenant_id = ${env.tenantId} AND session_id = ${id} AND member_id = ${m}`.execute(env.db);
  }
  if (close) await sql`UPDATE study_session SET status = 'closed', closed_at = ends_at WHERE id = ${id}`.execute(env.db);
  return id;
}

/** One push delivered to the members at `at`; `readers` read it. */
async function deliver(org: string, at: string, memberIds: string[], readers: string[]): Promise<void> {
  const push = await env.db
    .insertInto('push')
    .values({ tenant_id: env.tenantId, org_id: org, title: `推送${n++}`, planned_at: new Date(at), audience: 'list', status: 'delivered', delivered_at: new Date(at) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.db
    .insertInto('push_delivery')
    .values(memberIds.map((m) => ({ tenant_id: env.tenantId, push_id: push.id, member_id: m, delivered_at: new Date(at) })))
    .execute();
  if (readers.length) {
    await env.db.updateTable('push_delivery').set({ read_at: new Date(at) }).where('push_id', '=', push.id).where('member_id', 'in', readers).execute();
  }
}

const q = (extra: Record<string, unknown> = {}) => ({ from: '2025-03', to: '2025-04', page: 1, pageSize: 200, ...extra });
const unit = (c: Coverage, id: string) => {
  const u = c.units.find((x) => x.orgId === id);
  if (!u) throw new Error(`unit ${id} not in the view`);
  return u;
};

beforeAll(async () => {
  env = await openTestDatabase();
  secretary = await contextFor(env, PHONES.generalSecretary);
  admin = await contextFor(env, PHONES.tenantAdmin);
  branchSecretary = await contextFor(env, PHONES.branchSecretary);
  ids = { village: await orgId('新桥村党总支'), branch1: await orgId('第一党支部'), branch2: await orgId('第二党支部'), group2: await orgId('第二党小组') };
  groupMembers = await env.db.selectFrom('member').select(['id', 'name']).where('tenant_id', '=', env.tenantId).where('org_id', '=', ids.group2).where('left_at', 'is', null).orderBy('name').execute();
  expect(groupMembers.length).toBeGreaterThanOrEqual(8);
  const [m0, m1, m2, m3, m4] = groupMembers.map((m) => m.id) as [string, string, string, string, string];
  const all = groupMembers.map((m) => m.id);
  const each = (status: string, overrides: Record<string, string>) => Object.fromEntries(all.map((m) => [m, overrides[m] ?? status]));

  // m4 is away (an open destination): the mobile side of the split.
  await env.db.insertInto('mobility').values({ tenant_id: env.tenantId, member_id: m4, province_code: '32', city_code: '3205', place_name: '江苏省苏州市', since: '2024-06-01' }).execute();

  // March: m0 absent, m1 excused, m2 made it up later, m3 late, the rest present.
  await holdSession(ids.group2, '3月党小组会', '2025-03-10T19:00:00+08:00', each('present', { [m0]: 'absent', [m1]: 'excused', [m2]: 'absent', [m3]: 'late' }));
  const march = (await env.db.selectFrom('study_session').select('id').where('title', '=', '3月党小组会').executeTakeFirstOrThrow()).id;
  await sql`UPDATE attendance SET status = 'made_up' WHERE session_id = ${march} AND member_id = ${m2}`.execute(env.db);
  // 30 April 23:30 in Shanghai (15:30 UTC): April. m0 absent again.
  await holdSession(ids.group2, '4月党小组会', '2025-04-30T23:30:00+08:00', each('present', { [m0]: 'absent' }));
  // Outside the period in Shanghai although the UTC day is inside: 1 May 00:30 (30 April 16:30 UTC); 28 Feb 23:30.
  await holdSession(ids.group2, '5月党小组会', '2025-05-01T00:30:00+08:00', each('absent', {}));
  await holdSession(ids.group2, '2月党小组会', '2025-02-28T23:30:00+08:00', each('absent', {}));
  // Planned (not yet held) and cancelled sessions are not gaps.
  await holdSession(ids.group2, '4月党课（未开）', '2025-04-20T19:00:00+08:00', each('invited', {}), false);
  const cancelled = await holdSession(ids.group2, '4月主题党日（取消）', '2025-04-05T19:00:00+08:00', each('absent', {}));
  await sql`UPDATE study_session SET status = 'cancelled' WHERE id = ${cancelled}`.execute(env.db);

  // Pushes: two in March; m0 reads none, m4 one of two, the rest both. One on 1 May (Shanghai), unread by all.
  const readers = all.filter((m) => m !== m0);
  await deliver(ids.group2, '2025-03-02T07:30:00+08:00', all, readers);
  await deliver(ids.group2, '2025-03-03T07:30:00+08:00', all, readers.filter((m) => m !== m4));
  await deliver(ids.group2, '2025-05-01T07:30:00+08:00', all, []);
  await env.db.updateTable('member').set({ last_active_at: new Date('2025-04-01T10:00:00+08:00') }).where('id', '=', m3).execute();
});
afterAll(async () => env?.close());

describe('coverage of a unit for a period', () => {
  it('counts a party group exactly: attended, made up, missed, reads, full coverage', async () => {
    const c = await getCoverage(env.db, secretary, q({ orgId: ids.group2 }));
    const size = groupMembers.length;
    expect(c.units).toHaveLength(1);
    const g = unit(c, ids.group2);
    expect(g.depth).toBe(0);
    expect(g.all).toEqual({
      members: size,
      sessionsInvited: 2 * size,
      attended: 2 * size - 4, // March: all but m0, m1, m2 (m3 late counts); April: all but m0
      madeUp: 1,
      missed: 3,
      pushesDelivered: 2 * size,
      pushesRead: 2 * size - 3,
      attendanceRate: Math.round(((2 * size - 3) / (2 * size)) * 10_000) / 10_000,
      readRate: Math.round(((2 * size - 3) / (2 * size)) * 10_000) / 10_000,
      fullCoverageRate: Math.round(((size - 3) / size) * 10_000) / 10_000,
    });
    // Mobile and local side by side.
    expect(g.mobile).toMatchObject({ members: 1, sessionsInvited: 2, attended: 2, missed: 0, pushesDelivered: 2, pushesRead: 1, readRate: 0.5, fullCoverageRate: 0 });
    expect(g.local.members).toBe(size - 1);
    expect(g.local.attended + g.mobile.attended).toBe(g.all.attended);

    // Members: gaps first (missed desc, then read rate asc), then by name in pinyin order.
    const [m0, m1, m2, m3, m4] = groupMembers;
    expect(c.membersTotal).toBe(size);
    expect(c.members.slice(0, 3).map((m) => m.memberId)).toEqual([m0?.id, m1?.id, m4?.id]);
    expect(c.members[0]).toMatchObject({ sessionsInvited: 2, attended: 0, madeUp: 0, missed: 2, pushesDelivered: 2, pushesRead: 0, readRate: 0, hasGap: true, mobile: false });
    expect(c.members[2]).toMatchObject({ missed: 0, readRate: 0.5, hasGap: true, mobile: true });
    const made = c.members.find((m) => m.memberId === m2?.id);
    expect(made).toMatchObject({ attended: 1, madeUp: 1, missed: 0, hasGap: false });
    expect(c.members.slice(3).every((m) => !m.hasGap)).toBe(true);
    // The rest in pinyin order: their stored sort keys, compared byte by byte.
    const restKeys = c.members.slice(3).map((m) => nameSortKey(m.name));
    expect(restKeys).toEqual([...restKeys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(c.members.find((m) => m.memberId === m3?.id)?.lastActiveAt).toBe('2025-04-01T02:00:00.000Z');
  });

  it('takes months in Asia/Shanghai: a session on 1 May 00:30 belongs to May, one on 28 Feb 23:30 to February', async () => {
    const may = await getCoverage(env.db, secretary, q({ orgId: ids.group2, from: '2025-05', to: '2025-05' }));
    const size = groupMembers.length;
    expect(unit(may, ids.group2).all).toMatchObject({ sessionsInvited: size, missed: size, pushesDelivered: size, pushesRead: 0 });
    const feb = await getCoverage(env.db, secretary, q({ orgId: ids.group2, from: '2025-02', to: '2025-02' }));
    expect(unit(feb, ids.group2).all).toMatchObject({ sessionsInvited: size, missed: size, pushesDelivered: 0, readRate: null });
    const april = await getCoverage(env.db, secretary, q({ orgId: ids.group2, from: '2025-04', to: '2025-04' }));
    expect(unit(april, ids.group2).all).toMatchObject({ sessionsInvited: size, missed: 1, pushesDelivered: 0 });
    const empty = await getCoverage(env.db, secretary, q({ orgId: ids.group2, from: '2024-01', to: '2024-12' }));
    expect(unit(empty, ids.group2).all).toMatchObject({ members: size, sessionsInvited: 0, attendanceRate: null, readRate: null, fullCoverageRate: 1 });
  });

  it('rolls units up over their subtrees: the village equals its branches, a branch its groups', async () => {
    const c = await getCoverage(env.db, secretary, q({ orgId: ids.village }));
    expect(c.units[0]?.orgId).toBe(ids.village);
    const depths = c.units.map((u) => u.depth);
    expect(depths.filter((d) => d === 1)).toHaveLength(4);
    expect(depths.filter((d) => d === 2)).toHaveLength(9);
    // Each branch is followed by its own groups.
    const b1 = c.units.findIndex((u) => u.orgId === ids.branch1);
    expect(c.units.slice(b1 + 1, b1 + 4).every((u) => u.depth === 2)).toBe(true);
    const keys = ['members', 'sessionsInvited', 'attended', 'madeUp', 'missed', 'pushesDelivered', 'pushesRead'] as const;
    const village = unit(c, ids.village);
    const branches = c.units.filter((u) => u.depth === 1);
    const groups = c.units.filter((u) => u.depth === 2);
    for (const k of keys) {
      for (const side of ['all', 'mobile', 'local'] as const) {
        expect(branches.reduce((s, u) => s + u[side][k], 0), `${side}.${k}`).toBe(village[side][k]);
      }
      const b1Groups = c.units.slice(b1 + 1, b1 + 4);
      expect(b1Groups.reduce((s, u) => s + u.all[k], 0), k).toBe(unit(c, ids.branch1).all[k]);
    }
    expect(groups.reduce((s, u) => s + u.all.members, 0)).toBe(village.all.members);
    expect(village.all.members).toBe(113);
    expect(unit(c, ids.group2).all).toEqual(unit(await getCoverage(env.db, secretary, q({ orgId: ids.group2 })), ids.group2).all);
    expect(unit(c, ids.branch2).all).toMatchObject({ sessionsInvited: 0, missed: 0, fullCoverageRate: 1 });
  });

  it('gives the same numbers through the whole-tenant query (the admin, from the top unit)', async () => {
    const top = await getCoverage(env.db, admin, q());
    expect(top.units[0]?.kind).toBe('committee');
    const village = await getCoverage(env.db, secretary, q());
    expect(village.orgId).toBe(ids.village); // the secretary's own top unit by default
    expect(top.units[0]?.all).toEqual(village.units[0]?.all);
    expect(top.units.find((u) => u.orgId === ids.village)?.all).toEqual(village.units[0]?.all);
    expect(top.members.map((m) => m.memberId)).toEqual(village.members.map((m) => m.memberId));
    expect(top.membersTotal).toBe(113);
  });

  it('filters the members list by mobile and pages it', async () => {
    const mobile = await getCoverage(env.db, secretary, q({ mobile: true }));
    const village = unit(mobile, ids.village);
    expect(mobile.membersTotal).toBe(village.mobile.members);
    expect(mobile.members.every((m) => m.mobile)).toBe(true);
    const local = await getCoverage(env.db, secretary, q({ mobile: false }));
    expect(local.membersTotal).toBe(village.local.members);
    expect(local.members.every((m) => !m.mobile)).toBe(true);
    const all = await getCoverage(env.db, secretary, q());
    const page2 = await getCoverage(env.db, secretary, q({ page: 2, pageSize: 10 }));
    expect(page2.members.map((m) => m.memberId)).toEqual(all.members.slice(10, 20).map((m) => m.memberId));
    expect(page2.membersTotal).toBe(113);
  });

  it('refuses a period that ends before it starts, and units outside the caller’s subtree', async () => {
    await expect(getCoverage(env.db, secretary, q({ from: '2025-05', to: '2025-04' }))).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(getCoverage(env.db, branchSecretary, q({ orgId: ids.branch2 }))).rejects.toMatchObject({ code: 'forbidden' });
    const groupLeader = await contextFor(env, PHONES.groupLeader);
    await expect(getCoverage(env.db, groupLeader, q())).rejects.toMatchObject({ code: 'forbidden' });
    const own = await getCoverage(env.db, branchSecretary, q());
    expect(own.orgId).toBe(ids.branch1);
  });

  it('exports two sheets, 单位 and 党员, with rates as percentages', async () => {
    const file = await exportCoverage(env.db, secretary, q({ orgId: ids.branch1 }));
    expect(file.fileName).toContain('第一党支部');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as unknown as ArrayBuffer);
    const units = wb.getWorksheet('单位');
    const members = wb.getWorksheet('党员');
    if (!units || !members) throw new Error('sheets missing');
    const view = await getCoverage(env.db, secretary, q({ orgId: ids.branch1 }));
    expect(units.actualRowCount).toBe(1 + 3 * view.units.length);
    expect(members.actualRowCount).toBe(1 + view.membersTotal);
    expect(units.getRow(1).getCell(1).value).toBe('单位');
    expect(members.getRow(1).getCell(1).value).toBe('姓名');
    const first = members.getRow(2);
    expect(first.getCell(1).value).toBe(view.members[0]?.name);
    expect(first.getCell(7).value).toBe(2); // missed
    const group2Row = units.getRows(2, units.actualRowCount - 1)?.find((r) => String(r.getCell(1).value).trim() === '第二党小组' && r.getCell(4).value === '全部');
    expect(group2Row?.getCell(14).numFmt).toBe('0.0%');
    expect(group2Row?.getCell(14).value).toBe(unit(view, ids.group2).all.fullCoverageRate);
  });
});

const raw = async () =>
  (
    await sql<{ invited: number; attended: number; made_up: number; missed: number }>`
      SELECT count(*)::int AS invited, count(*) FILTER (WHERE a.status IN ('present','late'))::int AS attended,
             count(*) FILTER (WHERE a.status = 'made_up')::int AS made_up, count(*) FILTER (WHERE a.status IN ('absent','excused'))::int AS missed
      FROM attendance a JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id AND s.status = 'closed'`.execute(env.db)
  ).rows[0];
const rolled = async () =>
  (
    await sql<{ invited: number; attended: number; made_up: number; missed: number }>`
      SELECT coalesce(sum(sessions_invited), 0)::int AS invited, coalesce(sum(sessions_attended), 0)::int AS attended,
             coalesce(sum(sessions_made_up), 0)::int AS made_up, coalesce(sum(sessions_missed), 0)::int AS missed
      FROM learning_month`.execute(env.db)
  ).rows[0];

describe('the monthly rollup behind it', () => {
  it('agrees with the attendance table through closing, corrections, cancelling, moving and deleting sessions', async () => {
    expect(await rolled()).toEqual(await raw());
    const [a, b] = groupMembers.map((m) => m.id) as [string, string];
    const s = await holdSession(ids.group2, '6月党小组会', '2025-06-10T19:00:00+08:00', { [a]: 'present', [b]: 'absent' });
    expect(await rolled()).toEqual(await raw());
    await sql`UPDATE attendance SET status = 'made_up' WHERE session_id = ${s} AND member_id = ${b}`.execute(env.db);
    expect(await rolled()).toEqual(await raw());
    // Moved to another month: the counts follow it.
    await sql`UPDATE study_session SET starts_at = starts_at + interval '40 days', ends_at = ends_at + interval '40 days' WHERE id = ${s}`.execute(env.db);
    const july = await getCoverage(env.db, secretary, q({ orgId: ids.group2, from: '2025-07', to: '2025-07' }));
    expect(unit(july, ids.group2).all).toMatchObject({ sessionsInvited: 2, attended: 1, madeUp: 1 });
    expect(await rolled()).toEqual(await raw());
    await sql`UPDATE study_session SET status = 'cancelled' WHERE id = ${s}`.execute(env.db);
    expect(await rolled()).toEqual(await raw());
    await sql`UPDATE study_session SET status = 'closed' WHERE id = ${s}`.execute(env.db);
    expect(await rolled()).toEqual(await raw());
    await sql`DELETE FROM attendance WHERE session_id = ${s} AND member_id = ${a}`.execute(env.db);
    expect(await rolled()).toEqual(await raw());
    await sql`DELETE FROM study_session WHERE id = ${s}`.execute(env.db);
    expect(await rolled()).toEqual(await raw());
    const after = await getCoverage(env.db, secretary, q({ orgId: ids.group2, from: '2025-07', to: '2025-07' }));
    expect(unit(after, ids.group2).all.sessionsInvited).toBe(0);
  });
});
