import type { Database } from '../db/database.ts';
import { clock, shanghaiDate } from '../clock.ts';
import { previousQuarter, quarterDays, quarterOf, type RubricItem } from '../../shared/api-reviews.ts';
import { DEFAULT_RUBRIC, evidencePeriod, gatherEvidence } from '../modules/reviews/index.ts';

/**
 * The demo village's quarterly reviews (季度一评议): 第一党支部's review of last quarter, scored and
 * published (its mobile members see their result and the comment on the phone), and 流动党员党支部's
 * review of this quarter, open, with a few self-summaries already written. Evidence is gathered
 * from the demo's own records; summaries, opinions and comments are fictional.
 */

const SUMMARIES = [
  '这个季度在工地上比较忙，线上党课基本都参加了，有一次因为加班没赶上，后来看回放补学了。每天抽空看推送，和家里的联系也没断。',
  '在外面跑运输，时间不固定。坚持每周看几篇学习材料，村里的事情在群里也关注着，下个季度争取多参加支部的线上活动。',
  '在厂里担任班组长，带头遵守厂规厂纪。这个季度给村里提了关于农产品网上销售的建议，希望能帮上忙。',
];

const COMMENTS = ['学习认真，按时参加组织生活，望继续保持。', '能克服工作繁忙的困难坚持学习，希望多参与支部互动。', '在外不忘家乡，积极建言献策，值得肯定。'];

const ratio = (done: number, all: number): number => (all === 0 ? 0.8 : done / all);

/** A score for an item from the evidence: the share of what could be done, on the item's points (demo only). */
function demoScore(item: RubricItem, e: { classes: { attended: number; madeUp: number; missed: number }; pushes: { delivered: number; read: number } }, i: number): number {
  const base =
    item.key === 'org_life'
      ? ratio(e.classes.attended + e.classes.madeUp, e.classes.attended + e.classes.madeUp + e.classes.missed)
      : item.key === 'study'
        ? ratio(e.pushes.read, e.pushes.delivered)
        : 0.7 + ((i * 7 + item.points) % 4) / 20;
  return Math.max(0, Math.min(item.points, Math.round(item.points * Math.max(0.6, base))));
}

async function unit(db: Database, tenantId: string, name: string) {
  return db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
}

async function mobileOf(db: Database, tenantId: string, path: string): Promise<string[]> {
  const rows = await db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select('m.id')
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .where('o.path', 'like', `${path}%`)
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('mobility as mo').select('mo.id').whereRef('mo.tenant_id', '=', 'm.tenant_id').whereRef('mo.member_id', '=', 'm.id').where('mo.ended_on', 'is', null)),
    )
    .orderBy('m.name_sort_key')
    .execute();
  return rows.map((r) => r.id);
}

export async function seedReviewsDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const today = shanghaiDate(now);
  const thisQuarter = quarterOf(today);
  const lastQuarter = previousQuarter(thisQuarter);
  const rubric = JSON.stringify(DEFAULT_RUBRIC);

  const branch1 = await unit(db, tenantId, '第一党支部');
  if (branch1) {
    const members = await mobileOf(db, tenantId, branch1.path);
    const evidence = await gatherEvidence(db, tenantId, members, quarterDays(lastQuarter));
    const lastDay = new Date(now.getTime() - 5 * 86_400_000);
    const { id } = await db
      .insertInto('review_round')
      .values({ tenant_id: tenantId, org_id: branch1.id, quarter: lastQuarter, status: 'published', rubric, opened_at: lastDay, scoring_at: lastDay, published_at: lastDay })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, memberId] of members.entries()) {
      const e = evidence.get(memberId);
      if (!e) continue;
      const scores = Object.fromEntries(DEFAULT_RUBRIC.map((item) => [item.key, demoScore(item, e, i)]));
      const total = Object.values(scores).reduce((n, v) => n + v, 0);
      await db
        .insertInto('review_entry')
        .values({
          tenant_id: tenantId,
          round_id: id,
          member_id: memberId,
          evidence: JSON.stringify(e),
          gathered_at: lastDay,
          self_summary: SUMMARIES[i % SUMMARIES.length] ?? null,
          submitted_at: lastDay,
          inflow_opinion: i % 2 === 0 ? JSON.stringify({ orgName: '流入地园区党群服务中心', text: '该同志在流入地积极参加党组织活动，表现良好。' }) : null,
          inflow_at: i % 2 === 0 ? lastDay : null,
          scores: JSON.stringify(scores),
          total,
          comment: COMMENTS[i % COMMENTS.length] ?? null,
          published_at: lastDay,
        })
        .execute();
    }
  }

  const mobileBranch = await unit(db, tenantId, '流动党员党支部');
  if (mobileBranch) {
    const members = await mobileOf(db, tenantId, mobileBranch.path);
    const evidence = await gatherEvidence(db, tenantId, members, evidencePeriod(thisQuarter, today));
    const { id } = await db
      .insertInto('review_round')
      .values({ tenant_id: tenantId, org_id: mobileBranch.id, quarter: thisQuarter, status: 'open', rubric, opened_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, memberId] of members.entries()) {
      await db
        .insertInto('review_entry')
        .values({
          tenant_id: tenantId,
          round_id: id,
          member_id: memberId,
          evidence: JSON.stringify(evidence.get(memberId)),
          gathered_at: now,
          self_summary: i < 2 ? (SUMMARIES[i] ?? null) : null,
          submitted_at: i < 2 ? now : null,
        })
        .execute();
    }
  }
}
