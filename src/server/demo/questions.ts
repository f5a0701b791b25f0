import type { Database, Executor } from '../db/database.ts';
import { addDays, clock, shanghaiDate } from '../clock.ts';
import { dueDay } from '../modules/questions/index.ts';

/**
 * The demo village's 有问必答: the demo mobile member (13800000003, 第一党支部) asked three weeks ago
 * how to pay dues from the city, allowing it to be published; the branch secretary answered and the
 * answer became a published FAQ entry of 第一党支部, its text free of who asked. A mobile member of
 * 流动党员党支部 asked a week ago and is still waiting (overdue, on the dashboard); another asked
 * today. Times are China noon of their day, so the demo reads the same whenever it is loaded.
 */
/** A China day's hour as a moment (China is UTC+8 all year). */
const at = (day: string, hour = 12): Date => new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000);

export async function seedQuestionsDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const today = shanghaiDate(now);
  const person = (phone: string) =>
    db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .leftJoin('mentorship as s', (j) => j.onRef('s.tenant_id', '=', 'm.tenant_id').onRef('s.member_id', '=', 'm.id').on('s.ended_on', 'is', null))
      .select(['m.id', 'm.name', 'm.org_id', 'o.path', 's.mentor_member_id'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.phone', '=', phone)
      .executeTakeFirst();
  const branchOf = async (ex: Executor, path: string) => {
    const ids = path.split('/').filter(Boolean);
    const rows = await ex.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('id', 'in', ids).where('kind', '=', 'branch').execute();
    return rows.sort((a, b) => b.path.length - a.path.length)[0]?.id;
  };
  const asker = await person('13800000003');
  const secretary = await db
    .selectFrom('account as a')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.member_id'))
    .select(['a.id', 'm.id as member_id', 'm.name'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.phone', '=', '13800000001')
    .executeTakeFirst();
  if (!asker || !secretary) return;
  const branch = await branchOf(db, asker.path);
  if (!branch) return;

  await db.transaction().execute(async (tx) => {
    const asked = addDays(today, -21);
    const answeredDay = addDays(asked, 2);
    const dues = await tx
      .insertInto('question')
      .values({
        tenant_id: tenantId,
        member_id: asker.id,
        org_id: asker.org_id,
        branch_org_id: branch,
        mentor_member_id: asker.mentor_member_id,
        body: '我在苏州打工，每个月的党费能不能在手机上交？要不要每次回村里交？',
        publishable: true,
        asked_at: at(asked, 20),
        due_on: dueDay(asked),
        status: 'answered',
        answered_at: at(answeredDay, 9),
        answer_seen_at: at(answeredDay, 19),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const answer = '不用专门回村。流动党员可以按月通过支部的线上方式交纳党费，也可以委托家人代交，每季度支部会把交纳情况发给您核对。有疑问随时在这里问。';
    await tx
      .insertInto('question_answer')
      .values({ tenant_id: tenantId, question_id: dues.id, account_id: secretary.id, answerer_member_id: secretary.member_id, answerer_name: secretary.name, answerer_role: 'secretary', body: answer, answered_at: at(answeredDay, 9) })
      .execute();
    await tx
      .insertInto('faq_entry')
      .values({
        tenant_id: tenantId,
        org_id: branch,
        question_text: '在外地打工，党费能不能在手机上交？需要回村里交吗？',
        answer_text: answer,
        source_question_id: dues.id,
        published_at: at(addDays(answeredDay, 1), 10),
        sort_order: 0,
        created_by: secretary.id,
        created_at: at(addDays(answeredDay, 1), 10),
        updated_at: at(addDays(answeredDay, 1), 10),
      })
      .execute();

    // Mobile members of 流动党员党支部: one waiting past the due day, one who asked today.
    const mobiles = await tx
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .innerJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
      .leftJoin('mentorship as s', (j) => j.onRef('s.tenant_id', '=', 'm.tenant_id').onRef('s.member_id', '=', 'm.id').on('s.ended_on', 'is', null))
      .select(['m.id', 'm.org_id', 'o.path', 's.mentor_member_id'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.id', '!=', asker.id)
      .orderBy('m.phone')
      .limit(2)
      .execute();
    const waiting = [
      { day: addDays(today, -7), body: '我的组织关系还在村里，在这边的社区能不能参加组织生活？参加了算不算数？', publishable: true },
      { day: today, body: '今年的民主评议我回不去，可以在手机上参加吗？', publishable: false },
    ];
    for (const [i, m] of mobiles.entries()) {
      const plan = waiting[i];
      const mBranch = await branchOf(tx, m.path);
      if (!plan || !mBranch) continue;
      await tx
        .insertInto('question')
        .values({
          tenant_id: tenantId,
          member_id: m.id,
          org_id: m.org_id,
          branch_org_id: mBranch,
          mentor_member_id: m.mentor_member_id,
          body: plan.body,
          publishable: plan.publishable,
          asked_at: at(plan.day, 8),
          due_on: dueDay(plan.day),
        })
        .execute();
    }
  });
}
