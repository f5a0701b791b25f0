import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { addDays, clock, mondayOf, shanghaiDate } from '../clock.ts';
import { anniversaryYears } from '../modules/cards/index.ts';

/**
 * The demo village's holiday cards and political birthdays:
 *  - the last 中秋 campaign (about two months back) to the 13 mobile members: every one got the
 *    e-card (most opened it), six also a posted card to their current destination — three
 *    delivered, two posted, one returned "地址不详，退回";
 *  - the next 春节 campaign, planned for 除夕 (the day before 春节), not sent yet, e-card and post;
 *  - a political birthday this week: the demo members all joined on 1 July, so unless this week
 *    holds 1 July, the demo mentee (13800000003) gets today's month and day as their joining day
 *    (year kept) — the secretary's birthday list shows them and their app greets them today.
 */

/** 中秋 (15th of the 8th lunar month) and 春节 (1st of the 1st) in the Gregorian calendar. */
const MID_AUTUMN = ['2024-09-17', '2025-10-06', '2026-09-25', '2027-09-15', '2028-10-03', '2029-09-22', '2030-09-12', '2031-10-01', '2032-09-19'];
const SPRING_FESTIVAL = ['2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13', '2030-02-03', '2031-01-23', '2032-02-11', '2033-01-31'];

const MID_AUTUMN_GREETING =
  '又是一年月圆时。您在外辛勤工作，家乡的党组织时刻挂念着您。无论走得多远，都请记得按时参加学习、常和联系人通个电话。祝您和家人中秋快乐、阖家幸福！';
const SPRING_GREETING =
  '辞旧迎新之际，新桥村党总支向在外工作的您致以新春的问候。过去一年，您离乡不离党，为家乡争了光。新的一年，愿您身体健康、工作顺利，常回家看看！';

/** The postal address of a current destination, as the campaign use case makes it. */
const addressOf = (m: { place_name: string; workplace: string | null }) => [m.place_name, m.workplace?.trim()].filter(Boolean).join(' ');

/** China time at `hour` on a day. */
const at = (day: string, hour: number): Date => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);

export async function seedCardsDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const today = shanghaiDate(now);
  // The last 中秋 at least a month back (cards posted, delivered and returned since); the next 除夕 still ahead.
  const midAutumn = [...MID_AUTUMN].reverse().find((d) => d <= addDays(today, -30)) ?? addDays(today, -60);
  const newYearsEve = SPRING_FESTIVAL.map((d) => addDays(d, -1)).find((d) => d > today) ?? addDays(today, 60);

  await db.transaction().execute(async (tx) => {
    const village = await tx.selectFrom('org').select(['id', 'name', 'path']).where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').executeTakeFirstOrThrow();
    const secretary = await tx.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirstOrThrow();
    const mobile = await tx
      .selectFrom('member as m')
      .innerJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
      .select(['m.id', 'm.phone', 'm.join_date', 'mb.place_name', 'mb.workplace'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.left_at', 'is', null)
      .orderBy('m.phone')
      .execute();

    // 中秋: sent on the day; six posted a week before, the others e-card only.
    const sentAt = at(midAutumn, 8);
    const autumn = await tx
      .insertInto('card_campaign')
      .values({
        tenant_id: tenantId,
        org_id: village.id,
        occasion: 'mid_autumn',
        title: '中秋快乐',
        greeting: MID_AUTUMN_GREETING,
        signature: village.name,
        send_on: midAutumn,
        sent_at: sentAt,
        created_by: secretary.id,
        created_at: at(addDays(midAutumn, -10), 10),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const postedOn = at(addDays(midAutumn, -7), 15);
    const posting: Record<number, { status: 'delivered' | 'posted' | 'returned'; note?: string }> = {
      0: { status: 'delivered' },
      2: { status: 'delivered' },
      4: { status: 'delivered' },
      6: { status: 'posted' },
      8: { status: 'posted' },
      10: { status: 'returned', note: '地址不详，退回' },
    };
    await tx
      .insertInto('card')
      .values(
        mobile.map((m, i) => {
          const post = posting[i];
          // Two members have not opened theirs (one of them the far-away member not heard from).
          const opened = i !== 9 && i !== mobile.length - 1 ? new Date(sentAt.getTime() + (1 + (i % 5)) * 3_600_000) : null;
          return {
            tenant_id: tenantId,
            campaign_id: autumn.id,
            member_id: m.id,
            channel: post ? ('both' as const) : ('ecard' as const),
            address: post ? addressOf(m) : null,
            post_status: post?.status ?? 'none',
            post_note: post?.note ?? null,
            sent_at: sentAt,
            opened_at: opened,
            posted_at: post ? postedOn : null,
            delivered_at: post?.status === 'delivered' ? at(addDays(midAutumn, -3 + (i % 3)), 11) : null,
            returned_at: post?.status === 'returned' ? at(addDays(midAutumn, 6), 16) : null,
          };
        }),
      )
      .execute();

    // 春节: planned for 除夕, e-card and a posted card to everyone with a destination.
    const spring = await tx
      .insertInto('card_campaign')
      .values({
        tenant_id: tenantId,
        org_id: village.id,
        occasion: 'spring_festival',
        title: '新春快乐',
        greeting: SPRING_GREETING,
        signature: village.name,
        send_on: newYearsEve,
        created_by: secretary.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('card')
      .values(mobile.map((m) => ({ tenant_id: tenantId, campaign_id: spring.id, member_id: m.id, channel: 'both' as const, address: addressOf(m), post_status: 'pending' as const })))
      .execute();

    // A political birthday this week.
    const monday = mondayOf(today);
    const week = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
    const joined = await tx
      .selectFrom('member')
      .select('join_date')
      .where('tenant_id', '=', tenantId)
      .where('left_at', 'is', null)
      .where('join_date', 'is not', null)
      .where(sql<boolean>`org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${tenantId} AND path LIKE ${`${village.path}%`}))`)
      .execute();
    const hasOne = joined.some((m) => week.some((d) => anniversaryYears(m.join_date as string, d) !== null));
    const mentee = mobile.find((m) => m.phone === '13800000003');
    if (!hasOne && mentee) {
      const md = today.slice(5, 10);
      const year = Math.min(Number((mentee.join_date ?? '2015-07-01').slice(0, 4)), Number(today.slice(0, 4)) - 1);
      // 29 February: a leap year, so the anniversary is today.
      const joinYear = md === '02-29' ? year - (year % 4) : year;
      await tx.updateTable('member').set({ join_date: `${joinYear}-${md}` }).where('tenant_id', '=', tenantId).where('id', '=', mentee.id).execute();
    }
  });
}
