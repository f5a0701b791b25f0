import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { EVALUATION_GRADES } from '../../../shared/enums.ts';
import type { EvaluationGrade, GradeCounts } from '../../../shared/api-evaluations.ts';

/** The SQL of the annual evaluation (民主评议党员): rounds, subjects, voters, ballots and their tally. */

export interface RoundRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  year: number;
  phase: string;
  excellent_cap_num: number;
  excellent_cap_den: number;
  peer_meeting_on: string | null;
  peer_note: string | null;
  notice_until: string | null;
  paper_ballots: number;
  finalized_at: Date | null;
  created_at: Date;
  subjects: number;
  graded: number;
  voters: number;
  voted: number;
}

function roundQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('evaluation_round as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .where('r.tenant_id', '=', tenantId)
    .select([
      'r.id',
      'r.org_id',
      'o.name as org_name',
      'o.path as org_path',
      'r.year',
      'r.phase',
      'r.excellent_cap_num',
      'r.excellent_cap_den',
      sql<string | null>`r.peer_meeting_on::text`.as('peer_meeting_on'),
      'r.peer_note',
      sql<string | null>`r.notice_until::text`.as('notice_until'),
      'r.paper_ballots',
      'r.finalized_at',
      'r.created_at',
      sql<number>`(SELECT count(*)::int FROM evaluation_subject s WHERE s.tenant_id = r.tenant_id AND s.round_id = r.id)`.as('subjects'),
      sql<number>`(SELECT count(*)::int FROM evaluation_subject s WHERE s.tenant_id = r.tenant_id AND s.round_id = r.id AND s.graded)`.as('graded'),
      sql<number>`(SELECT count(*)::int FROM evaluation_voter v WHERE v.tenant_id = r.tenant_id AND v.round_id = r.id)`.as('voters'),
      sql<number>`(SELECT count(*)::int FROM evaluation_voter v WHERE v.tenant_id = r.tenant_id AND v.round_id = r.id AND v.voted)`.as('voted'),
    ]);
}

export async function findRound(db: Executor, tenantId: string, roundId: string): Promise<RoundRow | undefined> {
  return roundQuery(db, tenantId).where('r.id', '=', roundId).executeTakeFirst();
}

export async function listRoundRows(
  db: Executor,
  tenantId: string,
  orgFilter: RawBuilder<SqlBool> | null,
  year: number | undefined,
): Promise<RoundRow[]> {
  let q = roundQuery(db, tenantId);
  if (orgFilter) q = q.where(orgFilter);
  if (year !== undefined) q = q.where('r.year', '=', year);
  return q.orderBy('r.year', 'desc').orderBy('o.path').limit(500).execute();
}

export interface SubjectRow {
  member_id: string;
  name: string;
  graded: boolean;
  mobile: boolean;
  self_text: string | null;
  self_submitted_at: Date | null;
  proposed_grade: string | null;
  proposed_reason: string | null;
  final_grade: string | null;
  final_reason: string | null;
}

export async function subjectRows(db: Executor, tenantId: string, roundId: string): Promise<SubjectRow[]> {
  return db
    .selectFrom('evaluation_subject as s')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 's.tenant_id').onRef('m.id', '=', 's.member_id'))
    .where('s.tenant_id', '=', tenantId)
    .where('s.round_id', '=', roundId)
    .select([
      's.member_id',
      'm.name',
      's.graded',
      sql<boolean>`EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)`.as('mobile'),
      's.self_text',
      's.self_submitted_at',
      's.proposed_grade',
      's.proposed_reason',
      's.final_grade',
      's.final_reason',
    ])
    .orderBy('s.graded', 'desc')
    .orderBy('m.name_sort_key')
    .orderBy('m.id')
    .execute();
}

export const emptyCounts = (): GradeCounts => ({ excellent: 0, qualified: 0, basic: 0, unqualified: 0 });

/**
 * The count of a round: per subject, the votes per grade of the online ballots (each ballot's grades
 * object unnested) plus the paper ballots' counts. One statement; the ballots are never read one by one.
 */
export async function tallyRound(db: Executor, tenantId: string, roundId: string): Promise<Map<string, GradeCounts>> {
  const rows = await sql<{ member_id: string; grade: string; n: number }>`
    SELECT member_id, grade, sum(n)::int AS n FROM (
      SELECT g.key AS member_id, g.value AS grade, count(*) AS n
        FROM evaluation_ballot b CROSS JOIN LATERAL jsonb_each_text(b.grades) g
       WHERE b.tenant_id = ${tenantId} AND b.round_id = ${roundId}
       GROUP BY g.key, g.value
      UNION ALL
      SELECT member_id::text, grade, count FROM evaluation_paper_tally
       WHERE tenant_id = ${tenantId} AND round_id = ${roundId}
    ) t GROUP BY member_id, grade`.execute(db);
  const out = new Map<string, GradeCounts>();
  for (const r of rows.rows) {
    if (!(EVALUATION_GRADES as readonly string[]).includes(r.grade)) continue;
    const c = out.get(r.member_id) ?? emptyCounts();
    c[r.grade as EvaluationGrade] += r.n;
    out.set(r.member_id, c);
  }
  return out;
}

export async function countBallots(db: Executor, tenantId: string, roundId: string): Promise<number> {
  const r = await db
    .selectFrom('evaluation_ballot')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('round_id', '=', roundId)
    .executeTakeFirstOrThrow();
  return r.n;
}

/**
 * Writes all of a round's ballots again — deleted and inserted under new random ids, in a random
 * order — together with `added` (the ballot being cast), in the caller's transaction. Casting a vote
 * does this every time, so the live ballot rows all carry the latest vote's transaction id (xmin) and
 * no row's xmin, id or place in the table points at the vote (and so the voter row and audit entry)
 * that wrote it; closing the ballot does it once more (see reshuffleBallots).
 *
 * What this does not hide: someone who reads the table at two moments between votes (or the old row
 * versions a vacuum has not yet removed, with a superuser's page tools) sees what changed, and so one
 * vote's grades. The write-ahead log still holds each vote's rows, in order, in the same transaction
 * as its voter row and audit entry, until its segments are recycled — and for as long as any WAL
 * archive or replica stream keeps them. Guard those as you guard the ballot itself.
 */
export async function rewriteBallots(db: Executor, tenantId: string, roundId: string, added: Record<string, EvaluationGrade> | null): Promise<void> {
  const extra = added ? sql`UNION ALL SELECT ${JSON.stringify(added)}::jsonb` : sql``;
  await sql`
    WITH gone AS (DELETE FROM evaluation_ballot WHERE tenant_id = ${tenantId} AND round_id = ${roundId} RETURNING grades)
    INSERT INTO evaluation_ballot (tenant_id, round_id, id, grades)
    SELECT ${tenantId}, ${roundId}, gen_random_uuid(), g FROM (SELECT grades AS g FROM gone ${extra}) t ORDER BY random()`.execute(db);
}

/**
 * When the ballot closes: the ballots are written again in a random order and every voter row is
 * rewritten, so neither the rows' physical order nor their transaction ids (system columns a
 * database administrator can read) still follow the order in which people voted. The voters'
 * receipt hashes stay (random keys the phone chose, tied to no grade), so a reply lost on the way
 * and sent again after closing is still answered as done. The caller vacuums both tables after
 * committing (vacuumBallots), which drops the old row versions.
 */
export async function reshuffleBallots(db: Executor, tenantId: string, roundId: string): Promise<void> {
  await rewriteBallots(db, tenantId, roundId, null);
  await sql`UPDATE evaluation_voter SET voted = voted WHERE tenant_id = ${tenantId} AND round_id = ${roundId}`.execute(db);
}

/**
 * VACUUM of the ballot and voter tables, outside any transaction (PostgreSQL and PGlite refuse it
 * inside one): the dead row versions left by the votes, with their transaction ids, go. A role that
 * does not own the tables gets a warning from PostgreSQL and nothing is vacuumed; autovacuum then
 * removes them later.
 */
export async function vacuumBallots(db: Executor): Promise<void> {
  await sql`VACUUM evaluation_ballot, evaluation_voter`.execute(db);
}
