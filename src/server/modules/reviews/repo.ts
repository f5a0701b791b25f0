import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';
import type { InflowOpinion, ReviewEntry, ReviewEvidence, ReviewRoundStatus, ReviewRoundSummary, RubricItem } from '../../../shared/api-reviews.ts';

export interface RoundRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  quarter: string;
  status: ReviewRoundStatus;
  rubric: RubricItem[];
  opened_at: Date;
  published_at: Date | null;
}

export async function findRound(db: Executor, tenantId: string, roundId: string): Promise<RoundRow | undefined> {
  const row = await db
    .selectFrom('review_round as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .select(['r.id', 'r.org_id', 'o.name as org_name', 'o.path as org_path', 'r.quarter', 'r.status', 'r.rubric', 'r.opened_at', 'r.published_at'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  return row ? { ...row, status: row.status as ReviewRoundStatus, rubric: row.rubric as RubricItem[] } : undefined;
}

/** Mobile members of a unit's subtree today: current members with an open mobility record. */
export async function mobileMembersOf(db: Executor, tenantId: string, orgPath: string): Promise<string[]> {
  const rows = await db
    .selectFrom('member as m')
    .select('m.id')
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .where(inSubtrees(tenantId, [orgPath]))
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('mobility as mo').select('mo.id').whereRef('mo.tenant_id', '=', 'm.tenant_id').whereRef('mo.member_id', '=', 'm.id').where('mo.ended_on', 'is', null)),
    )
    .orderBy('m.name_sort_key')
    .execute();
  return rows.map((r) => r.id);
}

export interface EntryRow {
  member_id: string;
  member_name: string;
  place_name: string | null;
  evidence: unknown;
  gathered_at: Date;
  self_summary: string | null;
  submitted_at: Date | null;
  inflow_opinion: unknown;
  scores: unknown;
  total: number | null;
  comment: string | null;
  published_at: Date | null;
  seen_at: Date | null;
}

export function entriesQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('review_entry as e')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'e.tenant_id').onRef('m.id', '=', 'e.member_id'))
    .select([
      'e.round_id',
      'e.member_id',
      'm.name as member_name',
      sql<string | null>`(SELECT mo.place_name FROM mobility mo WHERE mo.tenant_id = e.tenant_id AND mo.member_id = e.member_id ORDER BY mo.ended_on IS NULL DESC, mo.since DESC LIMIT 1)`.as(
        'place_name',
      ),
      'e.evidence',
      'e.gathered_at',
      'e.self_summary',
      'e.submitted_at',
      'e.inflow_opinion',
      'e.scores',
      'e.total',
      'e.comment',
      'e.published_at',
      'e.seen_at',
    ])
    .where('e.tenant_id', '=', tenantId)
    .orderBy('m.name_sort_key');
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentEntry(r: EntryRow): ReviewEntry {
  return {
    memberId: r.member_id,
    memberName: r.member_name,
    placeName: r.place_name,
    evidence: r.evidence as ReviewEvidence,
    gatheredAt: r.gathered_at.toISOString(),
    selfSummary: r.self_summary,
    submittedAt: iso(r.submitted_at),
    inflowOpinion: (r.inflow_opinion as InflowOpinion | null) ?? null,
    scores: (r.scores as Record<string, number>) ?? {},
    total: r.total,
    comment: r.comment,
    publishedAt: iso(r.published_at),
    seenAt: iso(r.seen_at),
  };
}

/** Whether every rubric item has a score. */
export const fullyScored = (rubric: RubricItem[], scores: Record<string, number>): boolean => rubric.every((i) => typeof scores[i.key] === 'number');

/** Rounds of these subtrees ('all': the tenant), newest quarter first, with their counts. */
export async function listRounds(db: Executor, tenantId: string, paths: string[] | 'all'): Promise<ReviewRoundSummary[]> {
  let q = db
    .selectFrom('review_round as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .select([
      'r.id',
      'r.org_id',
      'o.name as org_name',
      'r.quarter',
      'r.status',
      'r.rubric',
      'r.opened_at',
      'r.published_at',
      sql<string>`(SELECT count(*) FROM review_entry e WHERE e.tenant_id = r.tenant_id AND e.round_id = r.id)`.as('members'),
      sql<string>`(SELECT count(*) FROM review_entry e WHERE e.tenant_id = r.tenant_id AND e.round_id = r.id AND e.submitted_at IS NOT NULL)`.as('submitted'),
      sql<unknown>`(SELECT coalesce(jsonb_agg(e.scores), '[]'::jsonb) FROM review_entry e WHERE e.tenant_id = r.tenant_id AND e.round_id = r.id)`.as('all_scores'),
    ])
    .where('r.tenant_id', '=', tenantId);
  if (paths !== 'all') q = q.where(inSubtrees(tenantId, paths, 'r.org_id'));
  const rows = await q.orderBy('r.quarter', 'desc').orderBy('o.path').execute();
  return rows.map((r) => {
    const rubric = r.rubric as RubricItem[];
    return {
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      quarter: r.quarter,
      status: r.status as ReviewRoundStatus,
      openedAt: r.opened_at.toISOString(),
      publishedAt: iso(r.published_at),
      members: Number(r.members),
      submitted: Number(r.submitted),
      scored: (r.all_scores as Record<string, number>[]).filter((s) => fullyScored(rubric, s)).length,
    };
  });
}
