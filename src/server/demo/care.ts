import type { Database } from '../db/database.ts';
import type { TalkChannel } from '../db/tables.ts';
import { clock, shanghaiDate } from '../clock.ts';
import { raiseCareTask } from '../modules/care/index.ts';
import { markContact } from '../modules/members/index.ts';

/**
 * The demo village's heart-to-heart talks (思想动态): each mentor has talked with their mobile
 * member about once a month over the last five months, by phone, WeChat, video or in person when
 * the member was home. The states the mentoring overview is for are all there:
 *
 *  - the demo mentee (13800000003) last talked with their mentor (13800000002) 40 days ago: overdue;
 *  - the member longest away (in 哈尔滨 for years, not heard from for 200 days) never had a talk;
 *  - one member talked 10 days ago about their child's schooling and moving their social insurance:
 *    follow-up needed, a follow-up task for the mentor;
 *  - the others are fine, two of them due within the week, one overdue.
 *
 * Fictional people only: the talks are about the demo's own members. A summary says 他 or 她 as
 * the member is a man or a woman, and no talk is dated before the member went out (their current
 * stay's start): every text is about their life away.
 */

const DAY = 86_400_000;

/** Days ago of each member's latest talk, in the order of their phone numbers after the two special ones. */
const LATEST = [4, 12, 26, 8, 55, 17, 28, 3, 21, 14];
/** Days between a member's talks, going back (then stopping at ~150 days). */
const GAPS = [31, 34, 29, 37, 33];

/** A member's talk days (days ago, newest first): the latest, then a month or so apart back to ~150 days. */
function history(latest: number): number[] {
  const days = [latest];
  for (let k = 0; days.length < 6; k++) {
    const next = (days[days.length - 1] as number) + (GAPS[k % GAPS.length] as number);
    if (next > 150) break;
    days.push(next);
  }
  return days;
}

interface TalkText {
  channel: TalkChannel;
  /** `ta`: 他 or 她, the member's pronoun */
  summary: (place: string, workplace: string, ta: string) => string;
  work: string | null;
  family: string | null;
  health: string | null;
  thoughts: string | null;
  concerns: string | null;
}

const TALKS: TalkText[] = [
  {
    channel: 'phone',
    summary: (place, workplace) => `电话聊了近况。在${place}的${workplace}上班，最近订单多，每天加班两小时，身体还吃得消。每天的推送基本都看了。`,
    work: '订单多，常加班，工作稳定',
    family: '父母在家身体都好，爱人在老家带孩子',
    health: null,
    thoughts: '觉得每天五分钟的推送不占时间，愿意坚持',
    concerns: null,
  },
  {
    channel: 'video',
    summary: (place, _workplace, ta) => `视频通话，看了${ta}在${place}租的房子，和两个老乡合租。说云课堂有时和夜班冲突，打算看回放补学。`,
    work: '倒班，夜班较多',
    family: null,
    health: '睡眠不太好，提醒注意休息',
    thoughts: '对补学的安排很认可',
    concerns: '房租今年涨了两百',
  },
  {
    channel: 'wechat',
    summary: (place, workplace) => `微信语音聊了半个多小时。${workplace}效益不错，年底可能评上班组长。问起村口新桥通车的事，很高兴，说过年回来要去看看。`,
    work: '有望评上班组长',
    family: '孩子今年上初中，成绩不错',
    health: null,
    thoughts: '想在单位带头把活干好，给家乡争光',
    concerns: null,
  },
  {
    channel: 'in_person',
    summary: (place) => `回村探亲时在村委会当面谈。讲了在${place}的见闻，愿意把当地招工信息发回村里，帮村里的年轻人找活干。`,
    work: null,
    family: '母亲年纪大了，这次回来陪了一周',
    health: null,
    thoughts: '愿意参与“四个一”，先从帮乡亲找工作做起',
    concerns: '母亲独自在家，希望网格员多去看看',
  },
  {
    channel: 'phone',
    summary: (place, workplace, ta) => `电话联系。在${place}换了一家${workplace}，工资比原来高一些，刚入职比较忙。提醒${ta}按时交党费、参加这个月的云课堂。`,
    work: '刚换工作，在适应',
    family: null,
    health: null,
    thoughts: null,
    concerns: '新单位离住处远，每天通勤一个多小时',
  },
  {
    channel: 'wechat',
    summary: () => '微信上聊了聊。最近腰不太舒服，去医院看过，医生说是劳损，要多休息。组织生活都能按时参加。',
    work: null,
    family: null,
    health: '腰肌劳损，在做理疗',
    thoughts: '希望身体好了多参加志愿活动',
    concerns: '异地看病报销手续不太清楚',
  },
  {
    channel: 'video',
    summary: (place) => `视频通话，一家人都在。孩子在${place}上幼儿园，爱人在超市上班。聊了学习纲要的体会，说第三章印象最深。`,
    work: null,
    family: '一家三口都在外地，暂时没有回乡打算',
    health: null,
    thoughts: '学习纲要读了三章，有体会愿意在例会上分享',
    concerns: null,
  },
  {
    channel: 'phone',
    summary: (place, workplace, ta) => `电话聊了二十分钟。${workplace}最近在裁员，${ta}所在的班组暂时没受影响，但心里有些担心。鼓励${ta}多学技术，有困难随时说。`,
    work: '单位在裁员，本人暂未受影响',
    family: null,
    health: null,
    thoughts: '有些焦虑，想考个技能证书',
    concerns: '担心明年合同不续签',
  },
];

const FOLLOW_UP: TalkText = {
  channel: 'phone',
  summary: (place, _workplace, ta) => `电话聊了很久。孩子明年要在${place}上小学，积分入学要社保和居住证材料，${ta}想把社保从老家转过去，不知道怎么办手续，有点着急。`,
  work: '工作正常',
  family: '孩子明年上小学，想留在身边读书',
  health: null,
  thoughts: '希望组织帮忙问问政策',
  concerns: '孩子在务工地上学的积分入学材料；社保从老家转到务工地的手续',
};

export async function seedCareDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const dayOf = (daysAgo: number) => shanghaiDate(new Date(now.getTime() - daysAgo * DAY));
  /** The talk's day at 20:30 China time (after work), as the moment it was recorded. */
  const recordedAt = (daysAgo: number) => new Date(Date.parse(`${dayOf(daysAgo)}T12:30:00Z`));
  await db.transaction().execute(async (tx) => {
    // Mobile members with their mentor (and the mentor's login), the one away longest first.
    const mobiles = await tx
      .selectFrom('mobility as mb')
      .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'mb.tenant_id').onRef('m.id', '=', 'mb.member_id'))
      .innerJoin('mentorship as s', (j) => j.onRef('s.tenant_id', '=', 'm.tenant_id').onRef('s.member_id', '=', 'm.id').on('s.ended_on', 'is', null))
      .innerJoin('member as t', (j) => j.onRef('t.tenant_id', '=', 's.tenant_id').onRef('t.id', '=', 's.mentor_member_id'))
      .leftJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.member_id', '=', 't.id'))
      .select(['m.id', 'm.phone', 'm.gender', 'mb.place_name', 'mb.workplace', 'mb.since', 't.id as mentor_id', 't.name as mentor_name', 'a.id as mentor_account'])
      .where('mb.tenant_id', '=', tenantId)
      .where('mb.ended_on', 'is', null)
      .where('m.left_at', 'is', null)
      .orderBy('mb.since')
      .orderBy('m.phone')
      .execute();
    const [longestAway, ...rest] = mobiles;
    if (!longestAway) return;
    const demoMentee = rest.find((m) => m.phone === '13800000003');
    const others = rest.filter((m) => m !== demoMentee).sort((x, y) => (x.phone < y.phone ? -1 : 1));
    const [followed, ...regular] = others;

    // Who talks with whom, and when (days ago, newest first).
    const plans: { member: (typeof mobiles)[number]; days: number[] }[] = [];
    if (demoMentee) plans.push({ member: demoMentee, days: history(40) });
    if (followed) plans.push({ member: followed, days: history(10) });
    for (const [k, member] of regular.entries()) plans.push({ member, days: history(LATEST[k % LATEST.length] as number) });

    let n = 0;
    for (const { member, days: planned } of plans) {
      const place = member.place_name;
      const workplace = member.workplace ?? '单位';
      const ta = member.gender === 'female' ? '她' : '他';
      // Only talks since they went out: each one is about their life where they are now.
      const days = planned.filter((d) => dayOf(d) >= member.since);
      if (days.length === 0) continue;
      // Oldest first, so the latest talk is the last one written.
      for (const daysAgo of [...days].reverse()) {
        const needsFollowUp = member === followed && daysAgo === days[0];
        const text = needsFollowUp ? FOLLOW_UP : (TALKS[n % TALKS.length] as TalkText);
        n++;
        const talk = await tx
          .insertInto('talk')
          .values({
            tenant_id: tenantId,
            member_id: member.id,
            talked_on: dayOf(daysAgo),
            channel: text.channel,
            talker_member_id: member.mentor_id,
            talker_name: member.mentor_name,
            summary: text.summary(place, workplace, ta),
            situation_work: text.work,
            situation_family: text.family,
            situation_health: text.health,
            situation_thoughts: text.thoughts,
            concerns: text.concerns,
            follow_up_needed: needsFollowUp,
            created_by: member.mentor_account,
            created_at: recordedAt(daysAgo),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (!needsFollowUp) continue;
        // The follow-up goes the way a mentor's would: one task for the mentor, due in a week.
        const { taskId } = await raiseCareTask(tx, null, {
          tenantId,
          memberId: member.id,
          kind: 'follow_up',
          reason: `帮${ta}了解孩子在务工地积分入学的材料和社保转移手续，向镇社保所和教育办咨询后回复${ta}`,
          dueOn: dayOf(daysAgo - 7),
          sourceTalkId: talk.id,
        });
        await tx.updateTable('talk').set({ follow_up_task_id: taskId }).where('tenant_id', '=', tenantId).where('id', '=', talk.id).execute();
        await tx.updateTable('care_task').set({ created_at: recordedAt(daysAgo) }).where('tenant_id', '=', tenantId).where('id', '=', taskId).execute();
        await tx.updateTable('care_task_event').set({ at: recordedAt(daysAgo) }).where('tenant_id', '=', tenantId).where('task_id', '=', taskId).execute();
      }
      // A talk is contact: the last contact moves to the latest talk when that is later.
      await markContact(tx, tenantId, member.id, dayOf(days[0] as number));
    }
  });
}
