import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import { chinaDateTime } from '../../../shared/china-time.ts';
import { clock } from '../../clock.ts';
import { enqueueNotice } from '../notify/index.ts';

/**
 * What a class's invitees hear of, through the outbox (modules/notify), each in the transaction of
 * its cause: the class planned, its time or place changed, starting soon, a make-up due. Titles are
 * short and neutral: they travel by SMS and into WeChat groups.
 */

/** How long before its start a class's "starting soon" notice goes out. */
const STARTING_SOON_MS = 2 * 3_600_000;

const pathOf = (meetingId: string) => `sessions/${meetingId}`;

async function inviteeIds(tx: Executor, tenantId: string, meetingId: string): Promise<string[]> {
  const rows = await tx.selectFrom('attendance').select('member_id').where('tenant_id', '=', tenantId).where('session_id', '=', meetingId).execute();
  return rows.map((r) => r.member_id);
}

/**
 * A class was planned: its invitees hear of it (only the first of a monthly series; the others by
 * "starting soon"). One that starts within STARTING_SOON_MS needs no second notice: it counts as
 * told it is starting.
 */
export async function noticeMeetingPlanned(tx: Executor, tenantId: string, meetingId: string, title: string, startsAt: Date, now: Date = clock.now()): Promise<number> {
  if (startsAt.getTime() - now.getTime() <= STARTING_SOON_MS) {
    await tx.updateTable('study_session').set({ starting_noticed_at: now }).where('tenant_id', '=', tenantId).where('id', '=', meetingId).execute();
  }
  return enqueueNotice(
    tx,
    { tenantId, sourceKind: 'meeting.planned', sourceId: meetingId, title: `课程：${title}，${chinaDateTime(startsAt)}`, path: pathOf(meetingId) },
    await inviteeIds(tx, tenantId, meetingId),
  );
}

interface Placed {
  starts_at: Date;
  mode: string;
  location: string | null;
  meeting_url: string | null;
}

/**
 * The id of one change of a class's time or place. The outbox keeps one notice per source and
 * recipient, so each new time or place needs a source of its own; the same change made twice (a
 * retry) gives the same id and so no second notice. Its link still opens the class.
 */
export function changeNoticeId(meetingId: string, placed: Placed): string {
  const hex = crypto
    .createHash('sha256')
    .update([meetingId, new Date(placed.starts_at).toISOString(), placed.mode, placed.location ?? '', placed.meeting_url ?? ''].join('\u0000'))
    .digest('hex');
  // An RFC 4122 shape (version 5 style, variant 10): a valid uuid for the column.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** A planned class changed its time or place: its invitees hear the new time. Any other change says nothing. */
export async function noticeMeetingChanged(tx: Executor, tenantId: string, meetingId: string, title: string, before: Placed, after: Placed): Promise<number> {
  const moved =
    new Date(before.starts_at).getTime() !== new Date(after.starts_at).getTime() ||
    before.mode !== after.mode ||
    (before.location ?? '') !== (after.location ?? '') ||
    (before.meeting_url ?? '') !== (after.meeting_url ?? '');
  if (!moved) return 0;
  return enqueueNotice(
    tx,
    { tenantId, sourceKind: 'meeting.changed', sourceId: changeNoticeId(meetingId, after), title: `课程调整：${title}，${chinaDateTime(after.starts_at)}`, path: pathOf(meetingId) },
    await inviteeIds(tx, tenantId, meetingId),
  );
}

/**
 * The notify-starting job: every planned class starting within STARTING_SOON_MS of `now`, once
 * (starting_noticed_at), each in its own transaction; to the invitees who have not checked in and
 * have no leave granted. A class whose start has passed while the server was down is not told.
 */
export async function noticeStartingSoon(db: Database, now: Date): Promise<number> {
  let noticed = 0;
  for (;;) {
    const done = await db.transaction().execute(async (tx) => {
      const res = await sql<{ tenant_id: string; id: string; title: string; starts_at: Date }>`
        SELECT tenant_id, id, title, starts_at FROM study_session
        WHERE status = 'planned' AND starting_noticed_at IS NULL
          AND starts_at > ${now}::timestamptz AND starts_at <= ${new Date(now.getTime() + STARTING_SOON_MS)}::timestamptz
        ORDER BY starts_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      `.execute(tx);
      const s = res.rows[0];
      if (!s) return false;
      await tx.updateTable('study_session').set({ starting_noticed_at: now }).where('tenant_id', '=', s.tenant_id).where('id', '=', s.id).execute();
      const waiting = await tx
        .selectFrom('attendance')
        .select('member_id')
        .where('tenant_id', '=', s.tenant_id)
        .where('session_id', '=', s.id)
        .where('status', '=', 'invited')
        .where('checked_in_at', 'is', null)
        .where((eb) => eb.or([eb('leave_status', 'is', null), eb('leave_status', '!=', 'approved')]))
        .execute();
      await enqueueNotice(
        tx,
        { tenantId: s.tenant_id, sourceKind: 'meeting.starting', sourceId: s.id, title: `即将开始：${s.title}，${chinaDateTime(s.starts_at)}`, path: pathOf(s.id) },
        waiting.map((w) => w.member_id),
        { now },
      );
      return true;
    });
    if (!done) break;
    noticed++;
  }
  return noticed;
}

/** A class closed: who missed it hears of the make-up and its last day. */
export async function noticeMakeupsDue(tx: Executor, tenantId: string, meetingId: string, now: Date): Promise<number> {
  const rows = await tx
    .selectFrom('makeup as mk')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'mk.tenant_id').onRef('s.id', '=', 'mk.session_id'))
    .select(['mk.member_id', 'mk.due_on', 's.title'])
    .where('mk.tenant_id', '=', tenantId)
    .where('mk.session_id', '=', meetingId)
    .where('mk.status', '=', 'open')
    .execute();
  const first = rows[0];
  if (!first) return 0;
  return enqueueNotice(
    tx,
    { tenantId, sourceKind: 'makeup.due', sourceId: meetingId, title: `补学：${first.title}，请在${first.due_on}前完成`, path: `makeup/${meetingId}` },
    rows.map((r) => r.member_id),
    // to the members who owe it alone: the unit's groups need not read who missed a class
    { now, personal: true },
  );
}
