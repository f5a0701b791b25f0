import { sql } from 'kysely';
import type { Database, Executor, Tx } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import type { MemberKey } from './attendance-repo.ts';
import { materialsOf } from './repo.ts';

// 补学: make-ups of members who missed a meeting, handed in by the member and reviewed by the secretary.

/**
 * Hands in a make-up, in one transaction: one statement moves the make-up to 'submitted' only while
 * it is open or returned and its last day (`today`, Asia/Shanghai) has not passed, and only then
 * makes the attendance 'made_up'; the audit entry follows when it moved. False when nothing moved
 * (nothing written).
 */
export async function submitMakeupRow(
  db: Database,
  ctx: RequestContext,
  p: { tenantId: string; meetingId: string; memberId: string; reflection: string; answers: string[]; today: string; now: Date },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ member_id: string }>`
      WITH done AS (
        UPDATE makeup SET status = 'submitted', reflection = ${p.reflection}, answers = ${JSON.stringify(p.answers)}::jsonb, submitted_at = ${p.now}
        WHERE tenant_id = ${p.tenantId} AND session_id = ${p.meetingId} AND member_id = ${p.memberId}
          AND status IN ('open', 'returned') AND due_on >= ${p.today}::date
        RETURNING tenant_id, session_id, member_id
      ), made_up AS (
        UPDATE attendance a SET status = 'made_up', updated_at = ${p.now}
        FROM done WHERE a.tenant_id = done.tenant_id AND a.session_id = done.session_id AND a.member_id = done.member_id
      )
      SELECT member_id FROM done`.execute(tx);
    if (rows.length === 0) return false;
    await recordAudit(tx, ctx, { tenantId: p.tenantId, action: 'makeup.submit', entity: 'makeup', entityId: p.meetingId, after: { memberId: p.memberId, answers: p.answers.length } });
    return true;
  });
}

/**
 * A member's make-ups with their meeting and materials, open and returned first (soonest due),
 * then submitted; with `meetingId`, that one in any status. Reads through makeup_member_idx.
 */
export async function memberMakeupRows(db: Executor, tenantId: string, memberId: string, meetingId?: string) {
  let q = db
    .selectFrom('makeup as mk')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'mk.tenant_id').onRef('s.id', '=', 'mk.session_id'))
    .select([
      'mk.session_id',
      's.title',
      's.kind',
      's.starts_at',
      's.replay_url',
      's.makeup_questions',
      'mk.missed_status',
      'mk.due_on',
      'mk.status',
      'mk.reflection',
      'mk.answers',
      'mk.review_note',
      materialsOf('s').as('materials'),
    ])
    .where('mk.tenant_id', '=', tenantId)
    .where('mk.member_id', '=', memberId);
  if (meetingId) q = q.where('mk.session_id', '=', meetingId);
  else q = q.where('mk.status', 'in', ['open', 'returned', 'submitted']);
  return q
    .orderBy(sql`CASE WHEN mk.status IN ('open', 'returned') THEN 0 ELSE 1 END`)
    .orderBy('mk.due_on')
    .orderBy('s.starts_at')
    .execute();
}

/** The member's make-up, locked until the transaction ends; undefined when there is none. */
export async function lockMakeup(tx: Tx, key: MemberKey) {
  return tx
    .selectFrom('makeup')
    .selectAll()
    .where((eb) => eb.and({ ...key }))
    .forUpdate()
    .executeTakeFirst();
}

/** Sends a make-up back with the reviewer's note: it is open again and the attendance is `missed` again. */
export async function reopenMakeup(tx: Tx, key: MemberKey, r: { note: string; reviewedBy: string; missed: 'absent' | 'excused'; now: Date }): Promise<void> {
  await tx
    .updateTable('makeup')
    .set({ status: 'returned', review_note: r.note, reviewed_by: r.reviewedBy, reviewed_at: r.now })
    .where((eb) => eb.and({ ...key }))
    .execute();
  await tx
    .updateTable('attendance')
    .set({ status: r.missed, updated_at: r.now })
    .where((eb) => eb.and({ ...key }))
    .execute();
}

/** Open or returned make-ups, of every tenant, whose last day (Asia/Shanghai) has passed by `now` expire; returns how many. */
export async function expireDueMakeups(db: Database, now: Date): Promise<number> {
  const rows = await db
    .updateTable('makeup')
    .set({ status: 'expired' })
    .where('status', 'in', ['open', 'returned'])
    .where('due_on', '<', sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date`)
    .returning('member_id')
    .execute();
  return rows.length;
}
