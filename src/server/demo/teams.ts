import type { Database } from '../db/database.ts';
import { GIVEN_FEMALE, SURNAMES } from './names.ts';

/**
 * The demo village's grids and volunteer teams (fictional): each grid gets a households count and a
 * line of description; `爱·陪伴志愿服务队` (companion) on the grid of the mobile member 13800000003,
 * led by the mentor 13800000002, with 13800000003, two more members of that grid and one non-member
 * volunteer, looking after three people (nicknames only); `环境整治突击队` (environment) of the whole
 * village with a grid leader and a few members. The service demo reads these teams by name.
 */
export const DEMO_TEAMS = { companion: '爱·陪伴志愿服务队', environment: '环境整治突击队' } as const;

const GRID_TEXT = ['村委会周边，老人较多', '沿河一带，留守儿童集中', '新村安置区', '山脚自然村，外出务工户多', '集镇沿街商户', '果园片区，农忙时人手紧'];

export async function seedTeamsDemo(db: Database, tenantId: string): Promise<void> {
  const existing = await db.selectFrom('service_team').select('id').where('tenant_id', '=', tenantId).executeTakeFirst();
  if (existing) return;
  const village = await db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').orderBy('created_at').executeTakeFirst();
  const mobile = await db.selectFrom('member').select(['id', 'grid_id']).where('tenant_id', '=', tenantId).where('phone', '=', '13800000003').executeTakeFirst();
  const mentor = await db.selectFrom('member').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000002').executeTakeFirst();
  if (!village || !mobile || !mentor || !mobile.grid_id) return;
  const grids = await db.selectFrom('grid').select(['id', 'name', 'leader_member_id']).where('tenant_id', '=', tenantId).where('org_id', '=', village.id).orderBy('name').execute();

  await db.transaction().execute(async (tx) => {
    for (const [i, g] of grids.entries()) {
      await tx
        .updateTable('grid')
        .set({ households: 40 + ((i * 17) % 35), description: GRID_TEXT[i % GRID_TEXT.length] ?? null })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', g.id)
        .execute();
    }
    // Two more members of the mobile member's grid (not the demo logins), and three for the village's team.
    const gridMembers = await tx
      .selectFrom('member')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('grid_id', '=', mobile.grid_id)
      .where('left_at', 'is', null)
      .where('phone', 'not like', '1380000000_')
      .orderBy('name_sort_key')
      .limit(2)
      .execute();
    const companion = await tx
      .insertInto('service_team')
      .values({
        tenant_id: tenantId,
        org_id: village.id,
        grid_id: mobile.grid_id,
        name: DEMO_TEAMS.companion,
        kind: 'companion',
        leader_member_id: mentor.id,
        description: '陪伴独居老人和留守儿童：上门探访、电话陪聊、帮办小事。',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('service_team_member')
      .values([mobile.id, ...gridMembers.map((m) => m.id)].map((id) => ({ tenant_id: tenantId, team_id: companion.id, member_id: id })))
      .execute();
    await tx
      .insertInto('service_team_member')
      .values({ tenant_id: tenantId, team_id: companion.id, name: `${SURNAMES[5]}${GIVEN_FEMALE[3]}`, phone: '13912340001' })
      .execute();
    await tx
      .insertInto('care_recipient')
      .values([
        { label: '王奶奶(化名)', category: 'elderly_alone' as const, need: '每周上门看看，帮忙买药、读读报', contact_name: '王家大儿子(化名)', contact_phone: '13912340011' },
        { label: '小宇(化名)', category: 'left_behind_child' as const, need: '周末辅导作业，陪他和在外打工的父母视频', contact_name: '小宇奶奶(化名)', contact_phone: null },
        { label: '李爷爷(化名)', category: 'disabled' as const, need: '腿脚不便，每月帮办一次医保和代买生活用品', contact_name: null, contact_phone: null },
      ].map((r) => ({ tenant_id: tenantId, team_id: companion.id, grid_id: mobile.grid_id, ...r })))
      .execute();

    const villageLeader = grids[0]?.leader_member_id ?? mentor.id;
    const environment = await tx
      .insertInto('service_team')
      .values({ tenant_id: tenantId, org_id: village.id, grid_id: null, name: DEMO_TEAMS.environment, kind: 'environment', leader_member_id: villageLeader, description: '村道保洁、河道清理、垃圾分类宣传。' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const locals = await tx
      .selectFrom('member as m')
      .select('m.id')
      .where('m.tenant_id', '=', tenantId)
      .where('m.left_at', 'is', null)
      .where('m.phone', 'not like', '1380000000_')
      .where('m.id', '!=', villageLeader)
      .where('m.grid_id', '!=', mobile.grid_id)
      .orderBy('m.name_sort_key', 'desc')
      .limit(3)
      .execute();
    if (locals.length > 0) {
      await tx.insertInto('service_team_member').values(locals.map((m) => ({ tenant_id: tenantId, team_id: environment.id, member_id: m.id }))).execute();
    }
  });
}
