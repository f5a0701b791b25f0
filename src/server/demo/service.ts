import type { Database } from '../db/database.ts';
import { addDays, clock, shanghaiDate } from '../clock.ts';
import { DEMO_TEAMS } from './teams.ts';

/**
 * The demo village's 志愿服务 (fictional): the companion team's project `每周探访独居老人` with an
 * on-site task (上门探访, 5 places; the team's leader signed up) and a remote one (电话陪聊, 3 places,
 * open for the mobile member in the city), a village project `村道环境整治` of the environment team,
 * and a few logs of the last weeks (visits to 王奶奶(化名) by the leader and a member). Reads the
 * teams the teams demo made, by name; does nothing without them or when projects exist.
 */
const at = (day: string, hour: number) => new Date(`${day}T${String(hour - 8).padStart(2, '0')}:00:00Z`);

export async function seedServiceDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const existing = await db.selectFrom('service_project').select('id').where('tenant_id', '=', tenantId).executeTakeFirst();
  if (existing) return;
  const teams = await db
    .selectFrom('service_team as t')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 't.tenant_id').onRef('o.id', '=', 't.org_id'))
    .select(['t.id', 't.name', 't.org_id', 't.grid_id', 't.leader_member_id'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.name', 'in', [DEMO_TEAMS.companion, DEMO_TEAMS.environment])
    .execute();
  const companion = teams.find((t) => t.name === DEMO_TEAMS.companion);
  const environment = teams.find((t) => t.name === DEMO_TEAMS.environment);
  if (!companion) return;
  const today = shanghaiDate(now);
  const members = await db
    .selectFrom('service_team_member as tm')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'tm.tenant_id').onRef('m.id', '=', 'tm.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.phone', 'm.org_id', 'o.path'])
    .where('tm.tenant_id', '=', tenantId)
    .where('tm.team_id', '=', companion.id)
    .where('tm.left_at', 'is', null)
    .orderBy('m.name_sort_key')
    .execute();
  const leader = companion.leader_member_id
    ? await db
        .selectFrom('member as m')
        .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
        .select(['m.id', 'm.phone', 'm.org_id', 'o.path'])
        .where('m.tenant_id', '=', tenantId)
        .where('m.id', '=', companion.leader_member_id)
        .executeTakeFirst()
    : undefined;
  const grandma = await db.selectFrom('care_recipient').select('id').where('tenant_id', '=', tenantId).where('team_id', '=', companion.id).where('label', 'like', '王奶奶%').executeTakeFirst();
  const recipientId = grandma?.id ?? null;

  await db.transaction().execute(async (tx) => {
    const created = at(addDays(today, -30), 9);
    const visit = await tx
      .insertInto('service_project')
      .values({
        tenant_id: tenantId,
        org_id: companion.org_id,
        team_id: companion.id,
        grid_id: companion.grid_id,
        title: '每周探访独居老人',
        description: '每周去独居老人家里坐一坐，帮忙买药、打扫；在外地的党员可以打电话陪老人聊聊天。',
        place: '村委会集合',
        starts_on: addDays(today, -30),
        ends_on: addDays(today, 60),
        status: 'open',
        created_at: created,
        updated_at: created,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const onSite = await tx
      .insertInto('service_task')
      .values({ tenant_id: tenantId, project_id: visit.id, title: '上门探访', description: '周六上午上门，陪老人说说话、做点家务。', remote: false, capacity: 5, position: 0, created_at: created })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('service_task')
      .values({ tenant_id: tenantId, project_id: visit.id, title: '电话陪聊', description: '在外地也能做：每周给老人打一次电话，聊聊家常。', remote: true, capacity: 3, position: 1, created_at: created })
      .execute();
    if (environment) {
      await tx
        .insertInto('service_project')
        .values({
          tenant_id: tenantId,
          org_id: environment.org_id,
          team_id: environment.id,
          grid_id: environment.grid_id,
          title: '村道环境整治',
          description: '清理村道两侧的垃圾和杂草。',
          place: '村口广场',
          starts_on: addDays(today, -10),
          ends_on: addDays(today, 20),
          status: 'open',
          created_at: created,
          updated_at: created,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((p) =>
          tx
            .insertInto('service_task')
            .values({ tenant_id: tenantId, project_id: p.id, title: '周末大扫除', description: '', remote: false, capacity: 10, position: 0, created_at: created })
            .execute(),
        );
    }
    // The leader is on the on-site task; a local member of the team too. Nobody on 电话陪聊 yet.
    const local = members.find((m) => m.phone !== '13800000003');
    const logs: { who: typeof leader; task: string; daysAgo: number; minutes: number; what: string; remote: boolean }[] = [];
    if (leader) {
      await tx.insertInto('service_signup').values({ tenant_id: tenantId, task_id: onSite.id, member_id: leader.id, status: 'confirmed', created_at: created }).execute();
      logs.push({ who: leader, task: onSite.id, daysAgo: 14, minutes: 90, what: '上门陪老人说话，帮她把药按周分好。', remote: false });
      logs.push({ who: leader, task: onSite.id, daysAgo: 7, minutes: 60, what: '帮老人打扫院子，换了厨房的灯泡。', remote: false });
    }
    if (local) {
      await tx.insertInto('service_signup').values({ tenant_id: tenantId, task_id: onSite.id, member_id: local.id, status: 'confirmed', created_at: created }).execute();
      logs.push({ who: local, task: onSite.id, daysAgo: 5, minutes: 45, what: '陪老人去村卫生室量血压。', remote: false });
    }
    for (const l of logs) {
      if (!l.who) continue;
      const day = addDays(today, -l.daysAgo);
      await tx
        .insertInto('service_log')
        .values({
          tenant_id: tenantId,
          member_id: l.who.id,
          org_id: l.who.org_id,
          org_path: l.who.path,
          project_id: visit.id,
          task_id: l.task,
          team_id: companion.id,
          grid_id: companion.grid_id,
          recipient_id: recipientId,
          served_on: day,
          minutes: l.minutes,
          remote: l.remote,
          what: l.what,
          created_at: at(day, 18),
        })
        .execute();
    }
  });
}
