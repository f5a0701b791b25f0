import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import { createOrg, listOrgs, moveOrg, renameOrg, retireOrg, createGrid, listGrids, updateGrid } from './service.ts';
import { UpdateGridBody } from '../../../shared/api.ts';
import { AppError } from '../../errors.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
});
afterAll(async () => env?.close());

const byName = async (name: string) =>
  env.db.selectFrom('org').selectAll().where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();

describe('org tree', () => {
  it('shows a secretary only their subtree, the admin everything', async () => {
    const admin = await listOrgs(env.db, await contextFor(env, PHONES.tenantAdmin));
    const village = await listOrgs(env.db, await contextFor(env, PHONES.generalSecretary));
    const branch = await listOrgs(env.db, await contextFor(env, PHONES.branchSecretary));
    expect(admin.map((o) => o.name)).toContain('长河镇党委');
    expect(village.map((o) => o.name)).not.toContain('长河镇党委');
    expect(village.find((o) => o.kind === 'general_branch')?.memberCount).toBe(113);
    expect(branch.map((o) => o.name)).toEqual(['第一党支部', '第一党小组', '第二党小组', '第三党小组']);
  });

  it('adds, renames, moves and retires a unit, refusing what the rules forbid', async () => {
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const branch2 = await byName('第二党支部');
    const branch1 = await byName('第一党支部');
    const group = await createOrg(env.db, ctx, { parentId: branch2.id, kind: 'group', name: '新建党小组' });
    expect(group.parentId).toBe(branch2.id);
    await expect(createOrg(env.db, ctx, { parentId: branch2.id, kind: 'branch', name: '错' })).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await renameOrg(env.db, ctx, group.id, '青年党小组')).name).toBe('青年党小组');
    const moved = await moveOrg(env.db, ctx, group.id, branch1.id);
    expect(moved.parentId).toBe(branch1.id);
    const row = await byName('青年党小组');
    expect(row.path).toBe(`${branch1.path}${group.id}/`);
    // A unit cannot go under its own subtree.
    await expect(moveOrg(env.db, ctx, branch1.id, group.id)).rejects.toMatchObject({ code: 'invalid_move' });
    expect((await retireOrg(env.db, ctx, group.id)).retired).toBe(true);
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', group.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['org.create', 'org.rename', 'org.move', 'org.retire']);
  });

  it('moves a whole subtree: members follow into the new parent scope', async () => {
    const ctx = await contextFor(env, PHONES.tenantAdmin);
    const town = await byName('长河镇党委');
    const newVillage = await createOrg(env.db, ctx, { parentId: town.id, kind: 'general_branch', name: '东港村党总支' });
    const branch2 = await byName('第二党支部');
    // tables keeping a copy of a unit's path: a share's audience and a service log's unit
    const author = await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select(['m.id', 'm.org_id', 'o.path']).where('m.tenant_id', '=', env.tenantId).where('o.path', 'like', `${branch2.path}%`).executeTakeFirstOrThrow();
    const post = await env.db
      .insertInto('share_post')
      .values({ tenant_id: env.tenantId, member_id: author.id, org_id: author.org_id, kind: 'home_advice', body: '修一条环村步道', audience: 'branch', audience_org_id: branch2.id, audience_path: branch2.path })
      .returning('id')
      .executeTakeFirstOrThrow();
    const log = await env.db
      .insertInto('service_log')
      .values({ tenant_id: env.tenantId, member_id: author.id, org_id: author.org_id, org_path: author.path, served_on: '2026-01-05', minutes: 30, what: '打扫村道' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await moveOrg(env.db, ctx, branch2.id, newVillage.id);
    const groups = await env.db.selectFrom('org').select('path').where('tenant_id', '=', env.tenantId).where('parent_id', '=', branch2.id).execute();
    for (const g of groups) expect(g.path.startsWith(`${town.path}${newVillage.id}/${branch2.id}/`)).toBe(true);
    const authorPath = (await env.db.selectFrom('org').select('path').where('id', '=', author.org_id).executeTakeFirstOrThrow()).path;
    expect((await env.db.selectFrom('share_post').select('audience_path').where('id', '=', post.id).executeTakeFirstOrThrow()).audience_path).toBe(`${town.path}${newVillage.id}/${branch2.id}/`);
    expect((await env.db.selectFrom('service_log').select('org_path').where('id', '=', log.id).executeTakeFirstOrThrow()).org_path).toBe(authorPath);
    // the month roll-up followed through its trigger: nothing left under the old path
    const rolled = await env.db.selectFrom('service_minutes_month').select(['org_path', 'minutes']).where('tenant_id', '=', env.tenantId).where('month', '=', '2026-01-01').where('minutes', '<>', 0).execute();
    expect(rolled).toEqual([{ org_path: authorPath, minutes: 30 }]);
    const villageView = await listOrgs(env.db, await contextFor(env, PHONES.generalSecretary));
    expect(villageView.map((o) => o.name)).not.toContain('第二党支部');
  });

  it('refuses to retire a unit that still has members, with the reason', async () => {
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const group1 = await byName('第一党小组');
    const err = await retireOrg(env.db, ctx, group1.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('org_has_members');
    expect((err as AppError).message).toMatch(/名党员/);
    const branch1 = await byName('第一党支部');
    await expect(retireOrg(env.db, ctx, branch1.id)).rejects.toMatchObject({ code: 'org_has_children' });
  });

  it('lets a branch secretary change only inside their branch, never move their own unit', async () => {
    const ctx = await contextFor(env, PHONES.branchSecretary);
    const branch1 = await byName('第一党支部');
    const branch3 = await byName('第三党支部（老党员支部）');
    await expect(createOrg(env.db, ctx, { parentId: branch3.id, kind: 'group', name: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(retireOrg(env.db, ctx, branch1.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(renameOrg(env.db, ctx, branch1.id, '第一党支部（网格）')).resolves.toMatchObject({ name: '第一党支部（网格）' });
  });

  it('creates grids with a leader and counts their members', async () => {
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const grids = await listGrids(env.db, ctx);
    expect(grids).toHaveLength(6);
    expect(grids.every((g) => g.leaderName)).toBe(true);
    expect(grids.reduce((n, g) => n + g.memberCount, 0)).toBe(113);
    const village = await byName('新桥村党总支');
    const g = await createGrid(env.db, ctx, { orgId: village.id, name: '第7网格' });
    expect(g.memberCount).toBe(0);
    expect(g.households).toBeNull();
  });

  it('keeps a grid’s households and description, and takes its leader only from the grid’s unit', async () => {
    const ctx = await contextFor(env, PHONES.tenantAdmin);
    const branch2 = await byName('第二党支部');
    const grid = await createGrid(env.db, ctx, { orgId: branch2.id, name: '第二支部网格', households: 42, description: '沿河一带' });
    expect(grid).toMatchObject({ households: 42, description: '沿河一带' });
    const updated = await updateGrid(env.db, ctx, grid.id, { households: 0, description: null });
    expect(updated).toMatchObject({ households: 0, description: null });
    // a member of another branch may not lead it; one of 第二党支部's subtree may
    const outside = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select('m.id')
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.left_at', 'is', null)
      .where('o.path', 'not like', `${branch2.path}%`)
      .executeTakeFirstOrThrow();
    const inside = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select(['m.id', 'm.name'])
      .where('m.tenant_id', '=', env.tenantId)
      .where('m.left_at', 'is', null)
      .where('o.path', 'like', `${branch2.path}%`)
      .executeTakeFirstOrThrow();
    await expect(updateGrid(env.db, ctx, grid.id, { leaderMemberId: outside.id })).rejects.toMatchObject({ code: 'validation_failed', issues: [{ field: 'leaderMemberId' }] });
    await expect(createGrid(env.db, ctx, { orgId: branch2.id, name: '越界网格', leaderMemberId: outside.id })).rejects.toMatchObject({ issues: [{ field: 'leaderMemberId' }] });
    expect((await updateGrid(env.db, ctx, grid.id, { leaderMemberId: inside.id })).leaderName).toBe(inside.name);
    // households are a whole number, not negative; a description at most 500 characters
    expect(UpdateGridBody.safeParse({ households: -1 }).success).toBe(false);
    expect(UpdateGridBody.safeParse({ households: 1.5 }).success).toBe(false);
    expect(UpdateGridBody.safeParse({ description: 'x'.repeat(501) }).success).toBe(false);
    expect(UpdateGridBody.safeParse({ households: 120, description: '概况' }).success).toBe(true);
  });
});

describe('order of units', () => {
  it('lists the demo branches and groups in their numbers’ order', async () => {
    const all = await listOrgs(env.db, await contextFor(env, PHONES.tenantAdmin));
    const groups = all.filter((o) => o.kind === 'group' && !o.retired).map((o) => o.name);
    const numbered = ['第一', '第二', '第三', '第四', '第五', '第六', '第七', '第八', '第九'].map((n) => `${n}党小组`);
    expect(groups.filter((n) => numbered.includes(n))).toEqual(numbered);
    expect(all.filter((o) => o.kind === 'branch').map((o) => o.name)).toEqual([
      expect.stringMatching(/^第一党支部/), // renamed by a test above
      '第二党支部',
      '第三党支部（老党员支部）',
      '流动党员党支部',
    ]);
  });

  it('orders siblings with the same sort order by the numbers in their names, not by code point', async () => {
    const ctx = await contextFor(env, PHONES.tenantAdmin);
    const village = await byName('新桥村党总支');
    const branch = await createOrg(env.db, ctx, { parentId: village.id, kind: 'branch', name: '排序测试党支部' });
    for (const name of ['第十二党小组', '第三党小组', '第10网格党小组', '第十党小组', '第一党小组', '第2网格党小组']) {
      await createOrg(env.db, ctx, { parentId: branch.id, kind: 'group', name });
    }
    const children = (await listOrgs(env.db, ctx)).filter((o) => o.parentId === branch.id).map((o) => o.name);
    expect(children).toEqual(['第一党小组', '第2网格党小组', '第三党小组', '第十党小组', '第10网格党小组', '第十二党小组']);
  });
});
