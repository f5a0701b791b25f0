import type { Database } from '../db/database.ts';
import { clock, shanghaiDate } from '../clock.ts';
import { addDays, chinaDayStart } from '../../shared/china-time.ts';

/**
 * The demo village's 四个一承诺 and 岗位对接, at the clock's now: four members of 第一党支部 other than
 * the people of the demo's logins (who still have theirs to make) pledged this year. Several pledges are
 * followed up by the mentor 13800000002 (a member of the same branch); one suggestion is done this
 * month (its outcome recorded today), one wealth tip adopted, one good deed in progress, the rest
 * wait for follow-up. Two mobile members of the village offer jobs from their cities; a villager
 * looking for work is matched to one of them.
 */
const PLEDGES: { kind: 'suggestion' | 'wealth_tip' | 'good_deed' | 'job_help'; body: string }[][] = [
  [
    { kind: 'suggestion', body: '建议在村口路段加装太阳能路灯，方便晚上下地回家的乡亲' },
    { kind: 'wealth_tip', body: '县城冷链物流中心收购本地黄桃，可以合作社统一送货' },
    { kind: 'good_deed', body: '每月给村里两位独居老人打一次电话，节假日回村看望' },
    { kind: 'job_help', body: '帮一户介绍到我所在的物流公司做分拣员' },
  ],
  [
    { kind: 'suggestion', body: '建议村里开一个农产品网店，统一品牌和包装' },
    { kind: 'wealth_tip', body: '蜂蜜在网上好卖，我可以帮忙联系电商平台' },
    { kind: 'good_deed', body: '春节回村时为老人义务理发' },
  ],
  [
    { kind: 'suggestion', body: '建议把村小学旧校舍改成老年活动室' },
    { kind: 'job_help', body: '帮一户家里的孩子找汽修学徒的活' },
  ],
  [{ kind: 'good_deed', body: '清明前帮村里清理河道垃圾' }],
];

export async function seedPledgesDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  // made some weeks ago, but within this year (China time)
  const made = new Date(Math.min(now.getTime(), Math.max(chinaDayStart(`${year}-01-01`).getTime(), chinaDayStart(addDays(today, -40)).getTime() + 20 * 3_600_000)));
  const followed = new Date(Math.min(now.getTime(), made.getTime() + 3 * 86_400_000));
  const mentor = await db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'o.path'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.phone', '=', '13800000002')
    .executeTakeFirst();
  const branch = await db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('name', '=', '第一党支部').executeTakeFirst();
  const village = await db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('name', '=', '新桥村党总支').executeTakeFirst();
  if (!mentor || !branch || !village || !mentor.path.startsWith(branch.path)) return;
  // not the people of the demo's logins (13800000000…09): they make their own
  const withoutLogin = (path: string) =>
    db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['m.id', 'm.org_id', 'm.name'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.left_at', 'is', null)
      .where('m.phone', 'not like', '1380000000%')
      .where('o.path', 'like', `${path}%`)
      .orderBy('m.name')
      .orderBy('m.id');
  const pledgers = await withoutLogin(branch.path).limit(PLEDGES.length).execute();
  const mobile = await withoutLogin(village.path)
    .where((eb) => eb.exists(eb.selectFrom('mobility as mb').select('mb.id').whereRef('mb.tenant_id', '=', 'm.tenant_id').whereRef('mb.member_id', '=', 'm.id').where('mb.ended_on', 'is', null)))
    .limit(2)
    .execute();

  await db.transaction().execute(async (tx) => {
    for (const [i, member] of pledgers.entries()) {
      for (const p of PLEDGES[i] ?? []) {
        const first = i === 0;
        const outcome =
          first && p.kind === 'suggestion' ? 'done' : first && p.kind === 'wealth_tip' ? 'adopted' : first && p.kind === 'good_deed' ? 'in_progress' : i === 1 && p.kind === 'suggestion' ? 'in_progress' : 'pending';
        const followUp = outcome !== 'pending' || (i === 1 && p.kind === 'wealth_tip');
        await tx
          .insertInto('pledge')
          .values({
            tenant_id: tenantId,
            member_id: member.id,
            org_id: member.org_id,
            year,
            kind: p.kind,
            body: p.body,
            created_at: made,
            updated_at: made,
            ...(followUp ? { follow_up_member_id: mentor.id, follow_up_due_on: addDays(today, 14), follow_up_assigned_at: followed } : {}),
            outcome,
            ...(outcome === 'done' ? { outcome_note: '村两委已采纳，路灯本月安装完成', outcome_at: now } : {}),
            ...(outcome === 'adopted' ? { outcome_note: '合作社已与冷链中心对接', outcome_at: followed } : {}),
            ...(outcome === 'in_progress' ? { outcome_at: followed } : {}),
          })
          .execute();
      }
    }
    const offers: string[] = [];
    const JOBS = [
      { employer: '苏州某电子科技有限公司', city: '苏州', wage_min_yuan: 4800, wage_max_yuan: 6500, contact: '人事部 周女士 0512-00000000', description: '流水线普工，包住，白班夜班轮换' },
      { employer: '杭州某物流园', city: '杭州', wage_min_yuan: 5000, wage_max_yuan: 7000, contact: '站点负责人 陈先生 0571-00000000', description: '分拣员、叉车工，有证优先' },
    ];
    for (const [i, m] of mobile.entries()) {
      const job = JOBS[i];
      if (!job) continue;
      const row = await tx
        .insertInto('job_offer')
        .values({ tenant_id: tenantId, member_id: m.id, org_id: m.org_id, ...job, created_at: made })
        .returning('id')
        .executeTakeFirstOrThrow();
      offers.push(row.id);
    }
    const seeker = await tx
      .insertInto('job_seeker')
      .values({ tenant_id: tenantId, org_id: village.id, name: '李大嫂（化名）', phone: '13900009999', wanted_work: '流水线普工或包装工', created_at: followed })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('job_seeker')
      .values({ tenant_id: tenantId, org_id: village.id, name: '张大哥（化名）', phone: '13900009998', wanted_work: '货车司机', created_at: followed })
      .execute();
    if (offers[0]) await tx.insertInto('job_match').values({ tenant_id: tenantId, offer_id: offers[0], seeker_id: seeker.id, note: '已约好下周面试', created_at: followed, updated_at: followed }).execute();
  });
}
