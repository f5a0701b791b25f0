import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import type { Actor, RequestContext } from '../../src/server/auth/actor.ts';
import { castBallot } from '../../src/server/modules/evaluations/ballot.ts';
import { tallyRound } from '../../src/server/modules/evaluations/repo.ts';
import { changePhase, createRound } from '../../src/server/modules/evaluations/service.ts';
import { EVALUATION_GRADES } from '../../src/shared/enums.ts';
import type { EvaluationGrade, GradeCounts } from '../../src/shared/api-evaluations.ts';
import { elapsed, log, ms, ratio, secs, summarize } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';

/**
 * Counting the 民主评议 ballot of a 200-voter branch (PGlite, a fresh database): a branch of 200 full
 * members (every one a subject and a voter), 200 ballots cast through the real use case (castBallot:
 * voter row locked and flipped, every ballot of the round written again with the new one under new
 * ids in a random order, audit entry — one transaction each, so a vote costs more the more ballots
 * came before it), the ballot closed (changePhase: all ballots reshuffled, voter rows rewritten,
 * both tables vacuumed), then the count
 * through the tally use case (tallyRound: every ballot's grades unnested in one statement, plus paper
 * counts), timed against the same count in hand-written SQL straight through the driver, checked
 * equal first. Target: p95 ≤ 1 s over ≥ 20 runs.
 */
export const BALLOT_TARGET_P95_MS = 1000;
const VOTERS = 200;
const RUNS = 25;

const HAND_SQL = `
  SELECT g.key AS member_id, g.value AS grade, count(*)::int AS n
    FROM evaluation_ballot b, jsonb_each_text(b.grades) g
   WHERE b.tenant_id = $1 AND b.round_id = $2
   GROUP BY g.key, g.value`;

/** A count as text, members in order: two counts are equal when their texts are. */
const canon = (m: Map<string, GradeCounts>): string => JSON.stringify([...m].sort(([a], [b]) => a.localeCompare(b)));

function actor(tenantId: string, accountId: string, memberId: string | null, isTenantAdmin: boolean): RequestContext {
  const a: Actor = { tenantId, accountId, displayName: 'bench', phone: '', memberId, isTenantAdmin, scopes: [], menteeIds: [], csrfToken: '' };
  return { actor: a, ip: null };
}

export async function benchBallot(): Promise<Row[]> {
  const pglite = await PGlite.create();
  const opened = await openDatabase({ pglite });
  try {
    const { db } = opened;
    await migrateToLatest(db);
    const tenant = await db.insertInto('tenant').values({ name: '投票测试镇' }).returning('id').executeTakeFirstOrThrow();
    const tenantId = tenant.id;
    const orgId = crypto.randomUUID();
    await db.insertInto('org').values({ tenant_id: tenantId, id: orgId, kind: 'branch', name: '测试党支部', path: `/${orgId}/` }).execute();
    const members = await db
      .insertInto('member')
      .values(
        Array.from({ length: VOTERS }, (_, i) => ({
          tenant_id: tenantId,
          org_id: orgId,
          name: `党员${String(i + 1).padStart(3, '0')}`,
          name_sort_key: `dangyuan${String(i + 1).padStart(3, '0')}`,
          gender: i % 3 === 0 ? ('female' as const) : ('male' as const),
          phone: `139${String(10000000 + i).padStart(8, '0')}`,
          status: 'full' as const,
        })),
      )
      .returning('id')
      .execute();
    const accounts = await db
      .insertInto('account')
      .values(members.map((m, i) => ({ tenant_id: tenantId, phone: `139${String(10000000 + i).padStart(8, '0')}`, display_name: `党员${i + 1}`, password_hash: 'x', member_id: m.id })))
      .returning(['id', 'member_id'])
      .execute();
    const admin = await db.insertInto('account').values({ tenant_id: tenantId, phone: '13800009999', display_name: '管理员', password_hash: 'x', is_tenant_admin: true }).returning('id').executeTakeFirstOrThrow();
    const secretary = actor(tenantId, admin.id, null, true);

    const round = await createRound(db, secretary, { orgId, year: 2026 });
    for (const phase of ['self', 'peer', 'ballot'] as const) await changePhase(db, secretary, round.id, { phase });
    const subjects = round.subjects.filter((s) => s.graded).map((s) => s.memberId);

    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const castStart = performance.now();
    let lastCastMs = 0;
    for (const a of accounts) {
      const grades: Record<string, EvaluationGrade> = {};
      for (const s of subjects) grades[s] = EVALUATION_GRADES[Math.min(3, Math.floor(next() * next() * 4 * 1.6))] as EvaluationGrade;
      const t = performance.now();
      await castBallot(db, actor(tenantId, a.id, a.member_id, false), round.id, { receipt: crypto.randomUUID(), grades });
      lastCastMs = elapsed(t);
    }
    const castMs = elapsed(castStart);
    const closeStart = performance.now();
    await changePhase(db, secretary, round.id, { phase: 'proposal' });
    const closeMs = elapsed(closeStart);
    const ballots = await db.selectFrom('evaluation_ballot').select(sql<number>`count(*)::int`.as('n')).where('round_id', '=', round.id).executeTakeFirstOrThrow();
    log(`ballot: ${ballots.n} ballots over ${subjects.length} subjects cast in ${secs(castMs / 1000)}`);

    // checked equal first: the use case's counts and the hand-written SQL's
    const hand = async (): Promise<Map<string, GradeCounts>> => {
      const r = await pglite.query<{ member_id: string; grade: EvaluationGrade; n: number }>(HAND_SQL, [tenantId, round.id]);
      const out = new Map<string, GradeCounts>();
      for (const row of r.rows) {
        const c = out.get(row.member_id) ?? { excellent: 0, qualified: 0, basic: 0, unqualified: 0 };
        c[row.grade] += row.n;
        out.set(row.member_id, c);
      }
      return out;
    };
    const viaCase = await tallyRound(db, tenantId, round.id);
    const viaHand = await hand();
    if (canon(viaCase) !== canon(viaHand)) throw new Error('the tally use case and the hand-written SQL disagree');
    const total = [...viaCase.values()].reduce((s, c) => s + c.excellent + c.qualified + c.basic + c.unqualified, 0);
    if (total !== VOTERS * subjects.length) throw new Error(`counted ${total} votes, expected ${VOTERS * subjects.length}`);

    const caseMs: number[] = [];
    const handMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await tallyRound(db, tenantId, round.id);
      caseMs.push(elapsed(t));
      t = performance.now();
      await hand();
      handMs.push(elapsed(t));
    }
    const c = summarize(caseMs);
    const h = summarize(handMs);
    return [
      {
        figure: `ballot (PGlite): count a 200-voter ballot (${ballots.n} ballots × ${subjects.length} members, tally use case), p95 of ${RUNS}`,
        value: `p95 ${ms(c.p95)} (p50 ${ms(c.p50)})`,
        target: `≤ ${BALLOT_TARGET_P95_MS} ms`,
        limit: `hand SQL p95 ${ms(h.p95)}`,
        ratio: ratio(c.p95 / BALLOT_TARGET_P95_MS),
        pass: passMark(c.p95 <= BALLOT_TARGET_P95_MS),
      },
      {
        figure: `ballot (PGlite): cast ${ballots.n} ballots one after another through the use case (each its own transaction)`,
        value: `${secs(castMs / 1000)} (${ms(castMs / ballots.n)} each, the last ${ms(lastCastMs)})`,
        target: '— (information)',
        limit: '—',
        ratio: '—',
        pass: '–',
      },
      {
        figure: `ballot (PGlite): close the ballot of ${ballots.n} ballots (reshuffle, voter rows rewritten, VACUUM of both tables)`,
        value: ms(closeMs),
        target: '— (information)',
        limit: '—',
        ratio: '—',
        pass: '–',
      },
    ];
  } finally {
    await opened.close();
    await pglite.close();
  }
}
