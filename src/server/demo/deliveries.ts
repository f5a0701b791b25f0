import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { clock, shanghaiDate } from '../clock.ts';
import { resolvePlace } from '../modules/regions/index.ts';

/**
 * The demo village's study delivery trips (千里送学): over the last year the general branch went
 * four times to the cities where its mobile members work, met them, handed over the study outline,
 * badges and materials, and wrote down what they said. No photos (the repository ships no images).
 * A trip is contact in person: a member's last contact moves to the trip's day when it is later.
 * A trip meets only the members already living in its city on its day (their current stay began
 * on or before it): nobody is visited where they had not gone yet.
 */

const OUTLINE = '《习近平新时代中国特色社会主义思想学习纲要》';
const ITEM_SETS: string[][] = [[OUTLINE, '党徽'], [OUTLINE, '学习资料'], ['党徽', '学习资料'], [OUTLINE, '党徽', '学习资料']];
const WORDS = [
  '离家再远也是新桥村的党员，云课堂我每次都争取参加。',
  '厂里加班多，学习资料我抽空看，谢谢书记们大老远跑一趟。',
  '希望村里多推送些家乡的新闻，看到新桥通车很高兴。',
  '在这边也想为家乡出份力，有招工信息我第一时间发回村里。',
  '党徽我会一直戴着，回家过年一定参加支部的组织生活。',
  '孩子在老家上学，麻烦网格员多照看一下老人。',
];

interface TripPlan {
  daysAgo: number;
  provinceCode: string;
  cityCode: string;
  /** which secretaries went: 0 the general-branch secretary, 1 the branch secretary, 2 the mentor */
  travellers: number[];
  notes: string;
  followUp: string | null;
}

const PLANS: TripPlan[] = [
  {
    daysAgo: 330,
    provinceCode: '31',
    cityCode: '3101',
    travellers: [0, 2],
    notes: '在浦东召开流动党员座谈会，送去学习纲要和党徽，听取大家在外工作生活情况。',
    followUp: '协助联系当地街道党工委，为长期在沪党员参加属地组织生活牵线。',
  },
  {
    // Recent enough that the demo mentee, in 苏州 for two months, was there to meet.
    daysAgo: 50,
    provinceCode: '32',
    cityCode: '3205',
    travellers: [0, 1],
    notes: '到工业园区和吴中区走访，逐一面对面交流，送学上门。',
    followUp: null,
  },
  {
    daysAgo: 120,
    provinceCode: '33',
    cityCode: '3302',
    travellers: [1, 2],
    notes: '在鄞州区一家企业会议室集中学习一小时，观看家乡变化视频。',
    followUp: '有党员反映子女入学问题，回村后与镇教育办沟通。',
  },
  {
    daysAgo: 45,
    provinceCode: '32',
    cityCode: '3201',
    travellers: [0],
    notes: '顺路到江宁看望在外党员，送去最新学习资料。',
    followUp: null,
  },
];

export async function seedDeliveriesDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const village = await tx.selectFrom('org').select('id').where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').orderBy('path').executeTakeFirstOrThrow();
    const people = await tx
      .selectFrom('member')
      .select(['phone', 'name'])
      .where('tenant_id', '=', tenantId)
      .where('phone', 'in', ['13800000000', '13800000001', '13800000002'])
      .execute();
    const nameOf = (phone: string) => people.find((p) => p.phone === phone)?.name;
    const secretaries = [nameOf('13800000000'), nameOf('13800000001'), nameOf('13800000002')];
    const author = await tx.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirst();
    // The mobile members where they are now (their open stay away).
    const away = await tx
      .selectFrom('mobility as mb')
      .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'mb.tenant_id').onRef('m.id', '=', 'mb.member_id'))
      .select(['m.id', 'mb.province_code', 'mb.city_code', 'mb.since'])
      .where('mb.tenant_id', '=', tenantId)
      .where('mb.ended_on', 'is', null)
      .where('m.left_at', 'is', null)
      .orderBy('m.name')
      .execute();
    let said = 0;
    for (const [t, plan] of PLANS.entries()) {
      const tripOn = shanghaiDate(new Date(now.getTime() - plan.daysAgo * 86_400_000));
      const met = away.filter((a) => a.province_code === plan.provinceCode && a.city_code === plan.cityCode && a.since <= tripOn).slice(0, 4);
      if (met.length === 0) continue;
      const trip = await tx
        .insertInto('delivery')
        .values({
          tenant_id: tenantId,
          org_id: village.id,
          trip_on: tripOn,
          province_code: plan.provinceCode,
          city_code: plan.cityCode,
          place_name: resolvePlace(plan.provinceCode, plan.cityCode),
          travellers: plan.travellers.map((i) => secretaries[i]).filter((n): n is string => Boolean(n)),
          notes: plan.notes,
          follow_up: plan.followUp,
          created_by: author?.id ?? null,
          created_at: new Date(now.getTime() - (plan.daysAgo - 1) * 86_400_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('delivery_member')
        .values(
          met.map((m, k) => ({
            tenant_id: tenantId,
            delivery_id: trip.id,
            member_id: m.id,
            items: ITEM_SETS[(t + k) % ITEM_SETS.length] as string[],
            // One member was at work; the books went to their wife.
            handed_to: t === 1 && k === met.length - 1 && met.length > 1 ? '其爱人' : null,
            words: t === 1 && k === met.length - 1 && met.length > 1 ? null : (WORDS[said++ % WORDS.length] as string),
          })),
        )
        .execute();
      await tx
        .updateTable('member')
        .set({ last_contact_at: sql<string>`GREATEST(COALESCE(last_contact_at, ${tripOn}::date), ${tripOn}::date)` })
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', met.map((m) => m.id))
        .execute();
    }
  });
}
