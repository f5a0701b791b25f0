import type { Database } from '../db/database.ts';
import { addDays, clock, lastDayOfMonth, shanghaiDate } from '../clock.ts';

/**
 * The demo village's 每月一互动: the general branch secretary set this month's topic for the whole
 * village (说说家乡这一年的变化); a dozen posts of the last three weeks — mobile members writing from
 * the cities, locals at home — for their branch or the whole village, with comments and likes; one
 * comment hidden with its reason. All within the last weeks, so the drift radar's "no sharing"
 * reason (which waits until sharing has gone on for a while) shows no one yet. Times are China
 * afternoons of their day.
 */
const POSTS: { who: 'mentee' | 'mobile' | 'local'; n: number; daysAgo: number; kind: 'study' | 'work' | 'home_advice' | 'city' | 'other'; audience: 'branch' | 'village'; topic?: boolean; body: string }[] = [
  { who: 'mentee', n: 0, daysAgo: 1, kind: 'home_advice', audience: 'village', topic: true, body: '回村看到新修的水泥路通到了家门口，老人出门方便多了。建议在村口再装两盏路灯。' },
  { who: 'mobile', n: 0, daysAgo: 2, kind: 'work', audience: 'branch', body: '厂里这个月开展安全生产月活动，我报名当了班组安全员，把支部学的“安全无小事”讲给工友听。' },
  { who: 'mobile', n: 1, daysAgo: 3, kind: 'study', audience: 'branch', body: '下班路上听了支部推送的党史音频，讲的是红船精神，很受触动。' },
  { who: 'local', n: 0, daysAgo: 4, kind: 'home_advice', audience: 'village', topic: true, body: '村里的文化礼堂晚上常常空着，可以请在外的年轻党员回来时给孩子们讲讲城里的见闻。' },
  { who: 'mobile', n: 2, daysAgo: 5, kind: 'city', audience: 'village', body: '在上海地铁里看到垃圾分类宣传做得很细，回来可以学一学。' },
  { who: 'local', n: 1, daysAgo: 6, kind: 'work', audience: 'branch', body: '今年合作社的葡萄卖得不错，网上订单比去年多了一倍。' },
  { who: 'mobile', n: 3, daysAgo: 8, kind: 'study', audience: 'branch', body: '用午休时间补学了上个月的党课，心得已经写好交给支部。' },
  { who: 'mobile', n: 4, daysAgo: 10, kind: 'other', audience: 'branch', body: '春节回不去了，祝家乡的老党员们身体健康！' },
  { who: 'local', n: 2, daysAgo: 12, kind: 'home_advice', audience: 'village', topic: true, body: '这一年村里的自来水改造完成了，水压稳定多了，感谢村两委。' },
  { who: 'mobile', n: 5, daysAgo: 15, kind: 'city', audience: 'branch', body: '杭州的社区有“党员先锋岗”，周末我也去报名当了志愿者。' },
  { who: 'local', n: 3, daysAgo: 18, kind: 'study', audience: 'branch', body: '跟着手机上的学习资料读完了一本书，字大好认，老年人也能用。' },
  { who: 'mobile', n: 6, daysAgo: 20, kind: 'work', audience: 'village', body: '在深圳做软件开发，公司党支部组织我们去了党史馆参观。' },
];
/** A China hour of a day as an instant. */
const at = (day: string, hour: number) => new Date(`${day}T${String(hour - 8).padStart(2, '0')}:00:00Z`);
const COMMENTS = ['说得好！', '为家乡点赞', '路灯的事我跟村委会反映一下。', '在外注意身体。', '学习了。', '欢迎回村给孩子们讲讲。'];

export async function seedSharesDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const today = shanghaiDate(now);
  const members = await db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .select(['m.id', 'm.org_id', 'm.phone', 'o.path', 'mb.id as mobility_id'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .orderBy('m.name_sort_key')
    .execute();
  const orgs = await db.selectFrom('org').select(['id', 'path', 'kind']).where('tenant_id', '=', tenantId).execute();
  const village = orgs.find((o) => o.kind === 'general_branch');
  const secretary = await db.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirst();
  const mentee = members.find((m) => m.phone === '13800000003');
  if (!village || !secretary || !mentee) return;
  const mobiles = members.filter((m) => m.mobility_id !== null && m.id !== mentee.id);
  const locals = members.filter((m) => m.mobility_id === null && !m.phone.startsWith('1380000000'));
  const branchOf = (path: string) =>
    orgs.filter((o) => o.kind === 'branch' && path.startsWith(o.path)).sort((a, b) => b.path.length - a.path.length)[0] ?? village;

  const month = today.slice(0, 7);
  const due = addDays(today, 10) < lastDayOfMonth(today) ? addDays(today, 10) : lastDayOfMonth(today);
  const topic = await db
    .insertInto('share_topic')
    .values({
      tenant_id: tenantId,
      org_id: village.id,
      month,
      title: '说说家乡这一年的变化',
      description: '在外的、在家的都来说说：这一年家乡有什么新变化？还有什么建议？文字、照片、语音都可以。',
      due_on: due,
      created_by: secretary.id,
      created_at: at(addDays(today, -21), 9),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const postIds: { id: string; path: string }[] = [];
  for (const p of POSTS) {
    const author = p.who === 'mentee' ? mentee : (p.who === 'mobile' ? mobiles : locals)[p.n];
    if (!author) continue;
    const unit = p.audience === 'village' ? village : branchOf(author.path);
    const row = await db
      .insertInto('share_post')
      .values({
        tenant_id: tenantId,
        member_id: author.id,
        org_id: author.org_id,
        topic_id: p.topic ? topic.id : null,
        kind: p.kind,
        body: p.body,
        audience: p.audience,
        audience_org_id: unit.id,
        audience_path: unit.path,
        created_at: at(addDays(today, -p.daysAgo), 15),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    postIds.push({ id: row.id, path: unit.path });
  }

  // Comments and likes by members who see each post (their unit is under its audience unit).
  let c = 0;
  for (const [i, post] of postIds.entries()) {
    const audience = members.filter((m) => m.path.startsWith(post.path));
    const likers = audience.filter((_, k) => (k + i) % 5 === 0).slice(0, 6);
    if (likers.length) await db.insertInto('share_like').values(likers.map((m) => ({ tenant_id: tenantId, post_id: post.id, member_id: m.id, created_at: at(addDays(today, -POSTS[i]!.daysAgo), 18) }))).execute();
    if (i % 2 === 0 && audience.length > 2) {
      const writer = audience[(i * 7) % audience.length] as (typeof audience)[number];
      await db
        .insertInto('share_comment')
        .values({ tenant_id: tenantId, post_id: post.id, member_id: writer.id, body: COMMENTS[c++ % COMMENTS.length] as string, created_at: at(addDays(today, -POSTS[i]!.daysAgo), 20) })
        .execute();
    }
  }
  // One comment hidden by the general branch secretary, with the reason its author sees.
  const first = postIds[0];
  const writer = first ? members.find((m) => m.path.startsWith(first.path) && m.id !== mentee.id) : undefined;
  if (first && writer) {
    await db
      .insertInto('share_comment')
      .values({
        tenant_id: tenantId,
        post_id: first.id,
        member_id: writer.id,
        body: '有事打我电话 139xxxx',
        created_at: at(addDays(today, -1), 20),
        hidden_at: at(addDays(today, -1), 21),
        hidden_reason: '评论里有个人电话号码，已隐藏',
        hidden_by: secretary.id,
      })
      .execute();
  }
}
