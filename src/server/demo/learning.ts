import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { clock } from '../clock.ts';
import { chinaDay, chinaWallClock } from '../../shared/china-time.ts';

/**
 * The demo village's learning life, so a fresh start shows what the product is for: a small
 * library written by the general branch, a daily push for the last two weeks (today's is planned
 * for 07:30 and delivered by the scheduler's first run), four past monthly online classes with
 * attendance and make-ups, and the next class tomorrow evening.
 *
 * Most members read everything; some mobile members and some of the old members' branch leave
 * pushes unread and miss classes, so the coverage view and the follow-up tasks have something to
 * show. 第一、第二党支部's local members have no gaps.
 */

const ARTICLES: { title: string; category: string; author: string; summary: string; paragraphs: string[] }[] = [
  {
    title: '一封家书里的初心',
    category: 'party_history',
    author: '新桥村党总支',
    summary: '一位老党员写给在外务工儿子的信，讲他入党那年的故事。',
    paragraphs: [
      '那年冬天，村里修水渠，父亲第一个跳进冰冷的水里。后来他说，那天他想明白了一件事：党员就是要在别人犹豫的时候先站出来。',
      '他在信里写道：“你在外面打工，离家远了，但组织没有远。每个月的云课堂，你要按时参加；有事参加不了，就请假，回头把课补上。”',
      '信的最后一句话是：“走得再远，也别忘了自己是从哪里出发的。”',
    ],
  },
  {
    title: '读懂“不忘初心、牢记使命”',
    category: 'theory',
    author: '镇党委宣传委员',
    summary: '用身边的事讲清楚初心和使命是什么。',
    paragraphs: [
      '初心，是入党时许下的承诺；使命，是每天要做好的事情。对一名在外务工的党员来说，干好本职工作、遵纪守法、热心帮助身边的人，就是践行初心。',
      '学习不是负担。每天花五分钟读一篇推送，每月参加一次云课堂，就能跟上组织的步伐。',
      '有疑问可以随时问联系人，也可以在课堂上提出来，大家一起讨论。',
    ],
  },
  {
    title: '流动党员外出前后要办哪些事',
    category: 'policy',
    author: '新桥村党总支',
    summary: '外出登记、保持联系、按时交纳党费、参加组织生活，一文说清。',
    paragraphs: [
      '外出务工、经商前，请向所在党支部报告去向和联系方式，领取流动党员活动证。',
      '在外期间，每月至少与联系人联系一次，按时交纳党费，参加家乡党组织的线上组织生活；在一地连续居住六个月以上的，应当及时转接组织关系。',
      '返乡后，请告诉支部书记，恢复参加支部的组织生活。',
    ],
  },
  {
    title: '五分钟讲清党员的权利和义务',
    category: 'micro_lecture',
    author: '第一党支部',
    summary: '一节微党课：党员有哪些权利，要尽哪些义务。',
    paragraphs: [
      '党员的义务包括：认真学习、全心全意为人民服务、带头参加改革开放和社会主义现代化建设、维护党和人民的利益等。',
      '党员的权利包括：参加党的有关会议、阅读党的有关文件、接受党的教育和培训，在党的会议上参加讨论，行使表决权、选举权等。',
      '权利和义务是统一的。按时参加组织生活，既是义务，也是行使权利的机会。',
    ],
  },
  {
    title: '新桥村村务简报：村口的桥修好了',
    category: 'home_news',
    author: '新桥村党总支',
    summary: '家乡的新变化：新桥通车、老年食堂开张、网格志愿服务队成立。',
    paragraphs: [
      '本月，村口的新桥正式通车，在外的乡亲们回家过年再也不用绕远路了。',
      '村里的老年食堂开张，七十岁以上的老人每天中午可以吃上热饭，第三网格的志愿者轮流帮厨。',
      '网格志愿服务队成立，为留守老人和儿童提供帮助。在外的党员也可以通过联系人参与，出主意、献爱心。',
    ],
  },
  {
    title: '城乡居民医保缴费提醒',
    category: 'policy',
    author: '新桥村党总支',
    summary: '明年的城乡居民医保开始缴费了，请提醒家里人按时缴纳。',
    paragraphs: [
      '明年度城乡居民基本医疗保险开始缴费，可以通过手机缴纳，也可以到村便民服务点办理。',
      '在外务工的党员，请提醒家中老人按时缴费；有困难的家庭，请联系网格长或支部书记。',
    ],
  },
];

const html = (paragraphs: string[]) => paragraphs.map((p) => `<p>${p}</p>`).join('');

/** Midnight-based time in China: day offset from today, hour and minute in Asia/Shanghai. */
function chinaTime(dayOffset: number, hour: number, minute: number, now: Date): Date {
  const china = chinaWallClock(now);
  const y = china.getUTCFullYear();
  const m = china.getUTCMonth();
  const d = china.getUTCDate() + dayOffset;
  return new Date(Date.UTC(y, m, d, hour - 8, minute));
}

/** The monthly class `monthsAgo` classes back: the last one 16 days ago (its make-ups still open), 19:30 China time. */
const classStart = (monthsAgo: number, now: Date): Date => chinaTime(-16 - 30 * (monthsAgo - 1), 19, 30, now);

const monthLabel = (d: Date) => `${chinaWallClock(d).getUTCMonth() + 1}月`;

export async function seedLearningDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const village = await tx.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').executeTakeFirstOrThrow();
    const branch1 = await tx.selectFrom('org').select(['id']).where('tenant_id', '=', tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow();
    const secretary = await tx.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirstOrThrow();

    const items: string[] = [];
    for (const [i, a] of ARTICLES.entries()) {
      const row = await tx
        .insertInto('study_item')
        .values({
          tenant_id: tenantId,
          org_id: village.id,
          kind: 'article',
          title: a.title,
          category: a.category as 'party_history',
          tags: [],
          author: a.author,
          summary: a.summary,
          body_html: html(a.paragraphs),
          minutes: 3 + (i % 3),
          created_by: secretary.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      items.push(row.id);
    }

    // Who reads less: members away from home and the old members' branch (every other push).
    const laggards = sql<string>`(
      EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)
      OR m.org_id IN (SELECT id FROM org WHERE tenant_id = m.tenant_id AND path LIKE (SELECT path FROM org WHERE tenant_id = m.tenant_id AND name = '第三党支部（老党员支部）') || '%')
    )`;

    // 每日一推送: the last 13 days delivered, today's at 07:30 and tomorrow's planned.
    for (let day = -13; day <= 1; day++) {
      const itemId = items[(day + 13) % items.length] as string;
      const title = ARTICLES[(day + 13) % ARTICLES.length]?.title ?? '今日学习';
      const plannedAt = chinaTime(day, 7, 30, now);
      const delivered = day < 0;
      const push = await tx
        .insertInto('push')
        .values({
          tenant_id: tenantId,
          org_id: village.id,
          title: `每日一推送：${title}`,
          planned_at: plannedAt,
          audience: 'subtree',
          status: delivered ? 'delivered' : 'planned',
          delivered_at: delivered ? plannedAt : null,
          created_by: secretary.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('push_item').values({ tenant_id: tenantId, push_id: push.id, item_id: itemId, position: 0 }).execute();
      if (!delivered) continue;
      // Laggards read every other day's push (and the demo mentor's mentee only one in four).
      const skip = (day + 13) % 2 === 0;
      const result = await sql`
        INSERT INTO push_delivery (tenant_id, push_id, member_id, delivered_at, opened_at, read_item_ids, read_at)
        SELECT m.tenant_id, ${push.id}::uuid, m.id, ${plannedAt}::timestamptz,
               CASE WHEN r.reads THEN ${plannedAt}::timestamptz + interval '2 hours' END,
               CASE WHEN r.reads THEN ARRAY[${itemId}::uuid] ELSE '{}'::uuid[] END,
               CASE WHEN r.reads THEN ${plannedAt}::timestamptz + interval '2 hours 5 minutes' END
        FROM member m
        CROSS JOIN LATERAL (SELECT NOT (${skip}::boolean AND ${laggards}) AND NOT (m.phone = '13800000003' AND ${(day + 13) % 4 !== 1}) AS reads) r
        WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL
          AND m.org_id IN (SELECT id FROM org WHERE tenant_id = ${tenantId} AND path LIKE ${village.path + '%'})
      `.execute(tx);
      await tx
        .updateTable('push')
        .set({ delivered_count: Number(result.numAffectedRows ?? 0) })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', push.id)
        .execute();
    }

    // 流动党员云课堂: the last four months' classes, closed, with attendance and make-ups.
    const seriesId = crypto.randomUUID();
    for (let monthsAgo = 4; monthsAgo >= 1; monthsAgo--) {
      const startsAt = classStart(monthsAgo, now);
      const endsAt = new Date(startsAt.getTime() + 90 * 60_000);
      const closedAt = endsAt;
      const session = await tx
        .insertInto('study_session')
        .values({
          tenant_id: tenantId,
          org_id: village.id,
          kind: 'online_class',
          title: `流动党员云课堂（${monthLabel(startsAt)}）`,
          starts_at: startsAt,
          ends_at: endsAt,
          mode: 'online',
          meeting_url: 'https://meeting.tencent.com/',
          agenda: '一、学习本月推送的重点文章\n二、流动党员交流在外工作情况\n三、支部书记讲评',
          replay_url: 'https://meeting.tencent.com/',
          checkin_opens_at: new Date(startsAt.getTime() - 30 * 60_000),
          checkin_closes_at: endsAt,
          qr_secret: crypto.randomBytes(32).toString('hex'),
          audience: 'subtree',
          status: 'closed',
          closed_at: closedAt,
          makeup_days: 30,
          makeup_questions: JSON.stringify(['本次课程中对你触动最大的一点是什么？']),
          series_id: seriesId,
          created_by: secretary.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('session_material').values({ tenant_id: tenantId, session_id: session.id, item_id: items[monthsAgo % items.length] as string, position: 0 }).execute();
      // Laggards miss one class in two (alternating by member), the demo mentee misses the last two.
      await sql`
        INSERT INTO attendance (tenant_id, session_id, member_id, status, voting, checked_in_at, method, leave_reason, leave_status, updated_at)
        SELECT m.tenant_id, ${session.id}::uuid, m.id, a.status, m.status = 'full',
               CASE WHEN a.status IN ('present','late') THEN ${startsAt}::timestamptz + CASE WHEN a.status = 'late' THEN interval '15 minutes' ELSE interval '-5 minutes' END END,
               CASE WHEN a.status IN ('present','late') THEN 'self' END,
               CASE WHEN a.status = 'excused' THEN '当天加班，无法参加' END,
               CASE WHEN a.status = 'excused' THEN 'approved' END,
               ${closedAt}::timestamptz
        FROM member m
        CROSS JOIN LATERAL (SELECT CASE
            WHEN m.phone = '13800000003' THEN CASE WHEN ${monthsAgo <= 2} THEN 'absent' ELSE 'present' END
            WHEN ${laggards} AND (abs(hashtext(m.id::text)) + ${monthsAgo}) % 2 = 0
              THEN CASE WHEN abs(hashtext(m.id::text)) % 3 = 0 THEN 'excused' ELSE 'absent' END
            WHEN abs(hashtext(m.id::text)) % 7 = ${monthsAgo} THEN 'late'
            ELSE 'present' END AS status) a
        WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL
          AND m.org_id IN (SELECT id FROM org WHERE tenant_id = ${tenantId} AND path LIKE ${village.path + '%'})
      `.execute(tx);
      // Make-ups: older months' mostly done (attendance then says made up); last month's still open.
      const dueOn = chinaDay(closedAt.getTime() + 30 * 86_400_000);
      await sql`
        INSERT INTO makeup (tenant_id, session_id, member_id, missed_status, due_on, status, reflection, answers, submitted_at, created_at)
        SELECT a.tenant_id, a.session_id, a.member_id, a.status, ${dueOn}::date,
               CASE WHEN d.done THEN 'submitted' WHEN ${dueOn}::date < ${chinaDay(now)}::date THEN 'expired' ELSE 'open' END,
               CASE WHEN d.done THEN '看了课程回放，重温了入党誓词。在外打工更要守规矩、讲诚信，给家乡争光。' END,
               CASE WHEN d.done THEN '["要时刻记得自己是一名党员。"]'::jsonb END,
               CASE WHEN d.done THEN ${closedAt}::timestamptz + interval '3 days' END,
               ${closedAt}::timestamptz
        FROM attendance a
        JOIN member m ON m.tenant_id = a.tenant_id AND m.id = a.member_id
        CROSS JOIN LATERAL (SELECT ${monthsAgo >= 3} AND m.phone <> '13800000003' AND abs(hashtext(m.id::text)) % 4 <> 0 AS done) d
        WHERE a.tenant_id = ${tenantId} AND a.session_id = ${session.id} AND a.status IN ('absent','excused')
      `.execute(tx);
      await sql`
        UPDATE attendance a SET status = 'made_up'
        FROM makeup k
        WHERE k.tenant_id = a.tenant_id AND k.session_id = a.session_id AND k.member_id = a.member_id
          AND a.tenant_id = ${tenantId} AND a.session_id = ${session.id} AND k.status = 'submitted'
      `.execute(tx);
    }

    // The next class: tomorrow evening, the whole village invited.
    const nextStart = chinaTime(1, 19, 30, now);
    const next = await tx
      .insertInto('study_session')
      .values({
        tenant_id: tenantId,
        org_id: village.id,
        kind: 'online_class',
        title: `流动党员云课堂（${monthLabel(now)}）`,
        starts_at: nextStart,
        ends_at: new Date(nextStart.getTime() + 90 * 60_000),
        mode: 'online',
        meeting_url: 'https://meeting.tencent.com/',
        agenda: '一、学习《流动党员外出前后要办哪些事》\n二、在外党员谈家乡新变化\n三、年终岗位承诺',
        checkin_opens_at: new Date(nextStart.getTime() - 30 * 60_000),
        checkin_closes_at: new Date(nextStart.getTime() + 90 * 60_000),
        qr_secret: crypto.randomBytes(32).toString('hex'),
        audience: 'subtree',
        makeup_days: 30,
        makeup_questions: JSON.stringify(['结合自己的工作，谈谈你的岗位承诺。']),
        series_id: seriesId,
        created_by: secretary.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('session_material').values({ tenant_id: tenantId, session_id: next.id, item_id: items[2] as string, position: 0 }).execute();
    await sql`
      INSERT INTO attendance (tenant_id, session_id, member_id, voting)
      SELECT m.tenant_id, ${next.id}::uuid, m.id, m.status = 'full'
      FROM member m
      WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL
        AND m.org_id IN (SELECT id FROM org WHERE tenant_id = ${tenantId} AND path LIKE ${village.path + '%'})
    `.execute(tx);

    // Last month's members' meeting of 第一党支部 (on site), with its quorum reached.
    const meetingStart = chinaTime(-20, 14, 0, now);
    const meeting = await tx
      .insertInto('study_session')
      .values({
        tenant_id: tenantId,
        org_id: branch1.id,
        kind: 'members_meeting',
        title: '第一党支部党员大会',
        starts_at: meetingStart,
        ends_at: new Date(meetingStart.getTime() + 120 * 60_000),
        mode: 'both',
        location: '新桥村党群服务中心二楼会议室',
        meeting_url: 'https://meeting.tencent.com/',
        agenda: '一、讨论发展对象\n二、民主评议党员安排',
        checkin_opens_at: new Date(meetingStart.getTime() - 30 * 60_000),
        checkin_closes_at: new Date(meetingStart.getTime() + 120 * 60_000),
        qr_secret: crypto.randomBytes(32).toString('hex'),
        audience: 'subtree',
        status: 'closed',
        closed_at: new Date(meetingStart.getTime() + 120 * 60_000),
        minutes: '应到党员 47 名，实到过半，会议有效。会议讨论了发展对象人选，安排了年底民主评议党员工作。',
        makeup_days: 30,
        created_by: secretary.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`
      INSERT INTO attendance (tenant_id, session_id, member_id, status, voting, checked_in_at, method, updated_at)
      SELECT m.tenant_id, ${meeting.id}::uuid, m.id, a.status, m.status = 'full',
             CASE WHEN a.status = 'present' THEN ${meetingStart}::timestamptz END, CASE WHEN a.status = 'present' THEN 'marked' END,
             ${meetingStart}::timestamptz
      FROM member m
      -- the demo mentee, far from home, missed it: with the last class, two in a row (a follow-up task)
      CROSS JOIN LATERAL (SELECT CASE WHEN m.phone = '13800000003' THEN 'absent' ELSE 'present' END AS status) a
      WHERE m.tenant_id = ${tenantId} AND m.left_at IS NULL
        AND m.org_id IN (SELECT id FROM org WHERE tenant_id = ${tenantId} AND path LIKE (SELECT path FROM org WHERE tenant_id = ${tenantId} AND id = ${branch1.id}) || '%')
    `.execute(tx);
    const meetingDue = chinaDay(meetingStart.getTime() + 30 * 86_400_000);
    await sql`
      INSERT INTO makeup (tenant_id, session_id, member_id, missed_status, due_on)
      SELECT tenant_id, session_id, member_id, 'absent', ${meetingDue}::date
      FROM attendance WHERE tenant_id = ${tenantId} AND session_id = ${meeting.id} AND status = 'absent'
    `.execute(tx);

    // Last activity in the member app: the latest read or self check-in.
    await sql`
      UPDATE member m SET last_active_at = x.at
      FROM (
        SELECT member_id, max(at) AS at FROM (
          SELECT member_id, read_at AS at FROM push_delivery WHERE tenant_id = ${tenantId} AND read_at IS NOT NULL
          UNION ALL
          SELECT member_id, checked_in_at FROM attendance WHERE tenant_id = ${tenantId} AND method = 'self'
        ) e GROUP BY member_id
      ) x
      WHERE m.tenant_id = ${tenantId} AND m.id = x.member_id
    `.execute(tx);
  });
}
