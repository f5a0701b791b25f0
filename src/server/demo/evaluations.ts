import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { clock, shanghaiDate } from '../clock.ts';
import type { EvaluationGrade } from '../../shared/api-evaluations.ts';

/**
 * The demo's 民主评议党员: last year's round of 第一党支部, finished — self-evaluations, every full
 * member's secret ballot, a few paper ballots, the committee's proposal within the 1/3 cap, a week of
 * 公示 and the final grades. Probationary members took part ungraded. Fictional people and words.
 */
const SELF_TEXTS = [
  '一年来坚持参加支部学习和三会一课，按时交纳党费；不足是理论学习还不够深入，明年要多读原著。',
  '坚持每天在手机上学习推送的内容，主动为群众解读惠民政策；不足是联系群众的方法还不多，今后要多走访。',
  '积极参与村里的环境整治和防汛值守，带头做好邻里调解；不足是用手机学习还不熟练。',
  '认真完成支部分配的任务，帮助困难群众办理医保；不足是批评与自我批评做得不够。',
];

const PAPER_BALLOTS = 3;

/** A small deterministic sequence, so the demo is the same on every start. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

export async function seedEvaluationsDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4)) - 1;
  const rand = seeded(year);
  await db.transaction().execute(async (tx) => {
    const branch = await tx.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', tenantId).where('name', '=', '第一党支部').executeTakeFirst();
    if (!branch) return;
    const members = await sql<{ id: string; status: string }>`
      SELECT m.id, m.status FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
       WHERE m.tenant_id = ${tenantId} AND o.path LIKE ${branch.path + '%'} AND m.left_at IS NULL
       ORDER BY m.name_sort_key, m.id`.execute(tx);
    const full = members.rows.filter((m) => m.status === 'full');
    const maxExcellent = Math.floor(full.length / 3);
    const round = await tx
      .insertInto('evaluation_round')
      .values({
        tenant_id: tenantId,
        org_id: branch.id,
        year,
        phase: 'final',
        excellent_cap_num: 1,
        excellent_cap_den: 3,
        peer_meeting_on: `${year}-12-10`,
        peer_note: '在党员大会上逐一开展批评与自我批评，流动党员通过云课堂参加。',
        notice_until: `${year}-12-22`,
        paper_ballots: Math.min(PAPER_BALLOTS, full.length),
        finalized_at: new Date(`${year}-12-23T10:00:00+08:00`),
        created_at: new Date(`${year}-11-20T09:00:00+08:00`),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // the grades the branch settled on: the first third of the full members 优秀 at most, a few 基本合格
    const finalGrade = (i: number): EvaluationGrade => (i % 4 === 1 && i / 4 < maxExcellent ? 'excellent' : i % 11 === 7 ? 'basic' : 'qualified');
    await tx
      .insertInto('evaluation_subject')
      .values(
        members.rows.map((m, i) => {
          const graded = m.status === 'full';
          const g = graded ? finalGrade(full.indexOf(m)) : null;
          return {
            tenant_id: tenantId,
            round_id: round.id,
            member_id: m.id,
            graded,
            self_text: i % 5 === 4 ? null : (SELF_TEXTS[i % SELF_TEXTS.length] as string),
            self_submitted_at: i % 5 === 4 ? null : new Date(`${year}-12-0${1 + (i % 8)}T20:00:00+08:00`),
            proposed_grade: g,
            final_grade: g,
          };
        }),
      )
      .execute();
    await tx
      .insertInto('evaluation_voter')
      // three voted on paper at the meeting (counted by hand below), the others on their phones
      .values(full.map((m, i) => ({ tenant_id: tenantId, round_id: round.id, member_id: m.id, voted: i >= PAPER_BALLOTS })))
      .execute();
    const voted = Math.max(0, full.length - PAPER_BALLOTS);
    // the ballots: most agree with the grade the branch later settled on, some do not
    const ballots = Array.from({ length: voted }, () => {
      const grades: Record<string, EvaluationGrade> = {};
      full.forEach((m, i) => {
        const r = rand();
        grades[m.id] = r < 0.7 ? finalGrade(i) : r < 0.85 ? 'qualified' : r < 0.95 ? 'excellent' : 'basic';
      });
      return { tenant_id: tenantId, round_id: round.id, grades: JSON.stringify(grades) };
    });
    if (ballots.length) await tx.insertInto('evaluation_ballot').values(ballots).execute();
    await tx
      .insertInto('evaluation_paper_tally')
      .values(full.map((m, i) => ({ tenant_id: tenantId, round_id: round.id, member_id: m.id, grade: finalGrade(i), count: Math.min(PAPER_BALLOTS, full.length) })))
      .execute();
  });
}
