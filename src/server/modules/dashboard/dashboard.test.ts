import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import { recordDestination } from '../members/service.ts';
import { getDashboard } from './service.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
});
afterAll(async () => env?.close());

describe('dashboard', () => {
  it('counts the village: totals, destinations by province and city, members by branch', async () => {
    const d = await getDashboard(env.db, await contextFor(env, PHONES.generalSecretary), undefined);
    expect(d.root.name).toBe('新桥村党总支');
    expect(d.totals).toMatchObject({ members: 113, mobile: 13, mobileWithoutMentor: 0 });
    expect(d.totals.full + d.totals.probationary).toBe(113);
    expect(d.totals.shouldTransfer).toBeGreaterThan(0);
    expect(d.totals.lostContactSuspected).toBe(1);
    expect(d.byProvince.reduce((n, p) => n + p.count, 0)).toBe(13);
    expect(d.byProvince.map((p) => p.name)).toEqual(expect.arrayContaining(['江苏省', '浙江省', '上海市']));
    expect(d.byCity.map((c) => c.name)).toEqual(expect.arrayContaining(['苏州市', '宁波市', '上海市']));
    expect(d.byUnit.map((u) => u.name).sort()).toEqual(['流动党员党支部', '第一党支部', '第三党支部（老党员支部）', '第二党支部'].sort());
    expect(d.byUnit.reduce((n, u) => n + u.count, 0)).toBe(113);
  });

  it('follows a move: a new mobile member is counted at once', async () => {
    const secretary = await contextFor(env, PHONES.generalSecretary);
    const before = await getDashboard(env.db, secretary, undefined);
    await recordDestination({ db: env.db, cipher: env.cipher }, secretary, await memberIdByPhone(env, PHONES.mentor), { provinceCode: '44', cityCode: '4403', since: '2026-01-01' });
    const after = await getDashboard(env.db, secretary, undefined);
    expect(after.totals.mobile).toBe(before.totals.mobile + 1);
    expect(after.byProvince.find((p) => p.code === '44')?.count).toBe((before.byProvince.find((p) => p.code === '44')?.count ?? 0) + 1);
  });

  it('shows a branch secretary their branch and refuses other units', async () => {
    const ctx = await contextFor(env, PHONES.branchSecretary);
    const d = await getDashboard(env.db, ctx, undefined);
    expect(d.root.name).toBe('第一党支部');
    expect(d.byUnit.map((u) => u.name).sort()).toEqual(['第一党小组', '第三党小组', '第二党小组'].sort());
    const village = await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
    await expect(getDashboard(env.db, ctx, village.id)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
