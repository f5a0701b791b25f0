import type { Database } from '../db/database.ts';
import { clock } from '../clock.ts';

/**
 * The demo village's news (公众号 "闪亮红星"): two items the general branch secretary approved and
 * published, and one its 通讯员 (the secretary of 第一党支部, named for the village) submitted and
 * waits in review — so the console's 新闻发布 shows a review to do and /news/<village> has a list.
 * Fictional content; bodies are plain paragraphs (no images).
 */

const DAY = 86_400_000;

const ITEMS = [
  {
    title: '新桥村党总支开展“回家看看”主题党日活动',
    summary: '在外务工的党员通过云课堂连线家乡，和留守老人一起过主题党日。',
    body: [
      '本月主题党日，新桥村党总支组织在家党员走访村里的留守老人，帮助打扫院子、检查电线。',
      '在外务工的流动党员通过云课堂连线参加，有的在工地休息间隙发来视频问候，有的给老人们念了一段家书。',
      '“人在外面，心还在村里。”一位在外地做装修的党员说，每月的组织生活让他觉得自己没有离开支部。',
    ],
    publishedDaysAgo: 9,
    state: 'published' as const,
  },
  {
    title: '村道亮化工程完工，党员志愿者晚间巡查',
    summary: '新装的路灯亮了，党员志愿者每周两晚沿村道巡查。',
    body: [
      '新桥村村道亮化工程近日完工，从村口到小学的路段新装了路灯，晚上接送孩子更安全了。',
      '第一党支部组织党员志愿者，每周两个晚上沿村道巡查，发现路灯损坏及时上报。',
      '外出的党员也在群里出主意：有人建议在路口加装反光标志，已经列入下一步计划。',
    ],
    publishedDaysAgo: 3,
    state: 'published' as const,
  },
  {
    title: '流动党员返乡座谈会召开',
    summary: '年前返乡的流动党员座谈，为家乡发展提建议。',
    body: [
      '春节前，部分流动党员陆续返乡。村党总支召开座谈会，听取大家在外的工作生活情况。',
      '党员们结合在城市的见闻，围绕农产品销售、村里的垃圾分类提出了建议。',
    ],
    publishedDaysAgo: null,
    state: 'in_review' as const,
  },
];

const html = (paragraphs: string[]): string => paragraphs.map((p) => `<p>${p}</p>`).join('');

export async function seedNewsDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const village = await db.selectFrom('org').select('id').where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').orderBy('sort_order').executeTakeFirst();
  const account = (phone: string) => db.selectFrom('account').select(['id', 'display_name']).where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst();
  const secretary = await account('13800000000');
  const correspondent = await account('13800000001');
  if (!village || !secretary || !correspondent) return;
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('news_editor').values({ tenant_id: tenantId, org_id: village.id, account_id: correspondent.id, granted_by: secretary.id, granted_at: new Date(now.getTime() - 30 * DAY) }).execute();
    for (const it of ITEMS) {
      const author = it.state === 'in_review' ? correspondent : secretary;
      const submittedAt = new Date(now.getTime() - ((it.publishedDaysAgo ?? 0) * DAY + 3 * 3600_000));
      const publishedAt = it.publishedDaysAgo === null ? null : new Date(now.getTime() - it.publishedDaysAgo * DAY);
      const body = html(it.body);
      const { id } = await tx
        .insertInto('news_item')
        .values({
          tenant_id: tenantId,
          org_id: village.id,
          status: it.state === 'published' ? 'approved' : 'in_review',
          title: it.title,
          summary: it.summary,
          body_html: body,
          author_account_id: author.id,
          author_name: author.display_name,
          submitted_at: submittedAt,
          created_at: submittedAt,
          updated_at: publishedAt ?? submittedAt,
          ...(publishedAt
            ? {
                reviewed_by: secretary.id,
                reviewed_by_name: secretary.display_name,
                reviewed_at: publishedAt,
                published_version: 1,
                published_title: it.title,
                published_summary: it.summary,
                published_body_html: body,
                published_at: publishedAt,
                first_published_at: publishedAt,
              }
            : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('news_review')
        .values({ tenant_id: tenantId, item_id: id, version: 1, decision: 'submit', actor_account_id: author.id, actor_name: author.display_name, at: submittedAt })
        .execute();
      if (publishedAt) {
        await tx
          .insertInto('news_review')
          .values({ tenant_id: tenantId, item_id: id, version: 1, decision: 'approve', self_review: author.id === secretary.id, actor_account_id: secretary.id, actor_name: secretary.display_name, at: publishedAt })
          .execute();
      }
    }
  });
}
