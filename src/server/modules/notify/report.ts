import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { forbidden } from '../../errors.ts';
import { REPORT_CHANNELS, type ChannelFigures, type ChannelReport, type KitSourceKind, type ReportChannel } from '../../../shared/api-notify-kit.ts';
import { kitMarks, loadKitSource } from './group-kit.ts';
import type { NoticeKind } from './sources.ts';

/**
 * What reached whom, per channel, for one push or one class: how many of its notices wait, went,
 * were confirmed delivered, failed (with the services' latest errors), were cancelled (already
 * read), and were opened through their link. These figures say what the outbox did; the member
 * app's own opened/read (push_delivery, check-ins) stay the proof that a member was reached.
 */

/** The notices that belong to a push or a class (its reminders, changes, make-ups). */
export const REPORT_KINDS: Record<KitSourceKind, NoticeKind[]> = {
  push: ['push', 'push.reminder'],
  meeting: ['meeting.planned', 'meeting.changed', 'meeting.starting', 'makeup.due'],
};

/** How many distinct errors a channel shows. */
const ERRORS_SHOWN = 5;

interface CountRow {
  channel: ReportChannel;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  cancelled: number;
  opened: number;
}

interface ErrorRow {
  channel: ReportChannel;
  error: string;
  at: Date | null;
  count: number;
}

export async function channelReport(db: Database, ctx: RequestContext, q: { sourceKind: KitSourceKind; sourceId: string }): Promise<ChannelReport> {
  const tenantId = ctx.actor.tenantId;
  const facts = await loadKitSource(db, ctx, q.sourceKind, q.sourceId);
  // Everyone's figures: only for who sees the whole push or class.
  if (!facts.host) throw forbidden();
  const kinds = REPORT_KINDS[q.sourceKind];
  // A class's change notices have a source of their own per change (see meetings' changeNoticeId);
  // they open the class's own path, by which they are found (notification_change_link_idx).
  const changes = q.sourceKind === 'meeting' ? sql`OR (source_kind = 'meeting.changed' AND link = ${facts.path})` : sql``;
  const mine = sql`((source_kind = ANY(${kinds}::text[]) AND source_id = ${q.sourceId}) ${changes})`;
  // 'sent' counts every notice that left (a delivered one was sent first).
  const counts = await sql<CountRow>`
    SELECT channel,
      count(*) FILTER (WHERE status IN ('pending','sending')) AS queued,
      count(*) FILTER (WHERE status IN ('sent','delivered')) AS sent,
      count(*) FILTER (WHERE status = 'delivered') AS delivered,
      count(*) FILTER (WHERE status = 'failed') AS failed,
      count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
      count(opened_at) AS opened
    FROM notification
    WHERE tenant_id = ${tenantId} AND ${mine}
    GROUP BY channel
  `.execute(db);
  const errors = await sql<ErrorRow>`
    SELECT channel, last_error AS error, max(failed_at) AS at, count(*) AS count
    FROM notification
    WHERE tenant_id = ${tenantId} AND ${mine}
      AND status = 'failed' AND last_error IS NOT NULL
    GROUP BY channel, last_error
    ORDER BY max(failed_at) DESC NULLS LAST, last_error
  `.execute(db);
  const byChannel = new Map(counts.rows.map((r) => [r.channel, r]));
  const channels: ChannelFigures[] = [];
  for (const channel of REPORT_CHANNELS) {
    const r = byChannel.get(channel);
    if (!r) continue;
    channels.push({
      channel,
      queued: Number(r.queued),
      sent: Number(r.sent),
      delivered: Number(r.delivered),
      failed: Number(r.failed),
      cancelled: Number(r.cancelled),
      opened: Number(r.opened),
      errors: errors.rows
        .filter((e) => e.channel === channel)
        .slice(0, ERRORS_SHOWN)
        .map((e) => ({ error: e.error, at: e.at ? new Date(e.at).toISOString() : null, count: Number(e.count) })),
    });
  }
  return { channels, marks: await kitMarks(db, tenantId, q.sourceKind, q.sourceId) };
}
