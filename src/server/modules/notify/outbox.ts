import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { clock } from '../../clock.ts';
import { getSettings } from '../settings/index.ts';
import { templateKeyOf, type NoticeKind } from './sources.ts';
import { outsideQuietHours } from './quiet-hours.ts';

/**
 * Something a member should hear of: a push, a class, a task … `path` is the member-app path it
 * opens, without the /m/ base ('read/<pushId>/<itemId>', 'study', 'sessions/<id>', 'makeup/<id>',
 * 'tasks', 'cards/<id>').
 */
export interface Notice {
  tenantId: string;
  sourceKind: NoticeKind;
  sourceId: string;
  title: string;
  path: string;
}

export interface EnqueueOptions {
  /** The moment the notice is raised (tests); the clock's now otherwise. */
  now?: Date;
  /**
   * A notice for these members alone (a care task given to a mentor, a make-up they owe): no line in
   * the groups' digests, which the whole unit reads, and so a group robot does not count as reaching
   * them when the SMS is timed.
   */
  personal?: boolean;
}

/**
 * Puts a notice into the outbox for these members, in the caller's transaction (so the notice
 * exists exactly when its cause does). Rows, each at most once per (source, channel, recipient)
 * (`notification_once_uq`, ON CONFLICT DO NOTHING: enqueuing again or from two transactions at
 * once adds nothing):
 *
 *  - one row per enabled group robot (企业微信 / 钉钉 / 飞书) of a unit whose subtree holds one of
 *    the members: a group gets one digest line, never one per member (none for a `personal` notice);
 *  - one Web Push row per member with a subscription on their login and no opt-out;
 *  - one SMS row per member who consented to SMS, when the tenant has an enabled SMS provider:
 *    due now when nothing else reaches the member (a group robot does not count for a member who
 *    said they do not read their groups), else after `escalateAfterHours` (the dispatcher
 *    cancels it if the member has meanwhile seen the source); never inside the quiet hours (China
 *    time), moved to their end instead.
 *
 * One INSERT … SELECT per channel, whatever the number of members. Returns the rows added.
 */
export async function enqueueNotice(db: Executor, notice: Notice, memberIds: string[], options: EnqueueOptions = {}): Promise<number> {
  if (memberIds.length === 0) return 0;
  const now = options.now ?? clock.now();
  const ids = [...new Set(memberIds)];
  const settings = await getSettings(db, notice.tenantId);
  const templateKey = templateKeyOf(notice.sourceKind);
  const params = JSON.stringify({ title: notice.title });
  const path = notice.path.replace(/^\/+/, '').replace(/^m\//, '');
  const t = notice.tenantId;
  const common = sql`${notice.sourceKind}, ${notice.sourceId}::uuid`;

  // The members asked for, still members, with their unit's path. A join with the unnested list,
  // not `id = ANY(list)`: a long list as a filter is searched once per row (60,000 × 60,000).
  const members = sql`
    SELECT m.tenant_id, m.id, o.path
    FROM unnest(${ids}::uuid[]) AS u(id)
    JOIN member m ON m.tenant_id = ${t} AND m.id = u.id
    JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    WHERE m.left_at IS NULL`;

  const robots = options.personal ? null : await sql`
    WITH asked AS (${members})
    INSERT INTO notification (tenant_id, source_kind, source_id, channel, recipient_id, robot_id, template_key, params, link, not_before)
    SELECT r.tenant_id, ${common}, r.kind, r.id, r.id, ${templateKey}, ${params}::jsonb, ${path}, ${now}
    FROM notify_robot r JOIN org ro ON ro.tenant_id = r.tenant_id AND ro.id = r.org_id
    WHERE r.tenant_id = ${t} AND r.enabled AND ro.retired_at IS NULL
      AND EXISTS (SELECT 1 FROM asked a WHERE a.path LIKE ro.path || '%')
    ON CONFLICT (tenant_id, source_kind, source_id, channel, recipient_id) DO NOTHING`.execute(db);

  // Web Push reaches `a` (a member of `asked`): a subscription on their login, no opt-out.
  const webPushReaches = sql`(
    EXISTS (
      SELECT 1 FROM account ac JOIN push_subscription s ON s.tenant_id = ac.tenant_id AND s.account_id = ac.id
      WHERE ac.tenant_id = a.tenant_id AND ac.member_id = a.id AND ac.disabled_at IS NULL)
    AND NOT EXISTS (
      SELECT 1 FROM notify_preference p
      WHERE p.tenant_id = a.tenant_id AND p.member_id = a.id AND p.channel = 'webpush' AND NOT p.enabled))`;
  const webpush = await sql`
    WITH asked AS (${members})
    INSERT INTO notification (tenant_id, source_kind, source_id, channel, recipient_id, member_id, template_key, params, link, not_before)
    SELECT a.tenant_id, ${common}, 'webpush', a.id, a.id, ${templateKey}, ${params}::jsonb, ${path}, ${now}
    FROM asked a
    WHERE ${webPushReaches}
    ON CONFLICT (tenant_id, source_kind, source_id, channel, recipient_id) DO NOTHING`.execute(db);

  // SMS: due at once when nothing else reaches the member, else as an escalation; out of the quiet
  // hours. Whether something else reaches them is asked of the small tables (subscriptions, robots),
  // never of `notification`: this very statement grows it, and a look per member would read it all.
  const soon = outsideQuietHours(now, settings.quietHoursStart, settings.quietHoursEnd);
  const later = outsideQuietHours(new Date(now.getTime() + settings.escalateAfterHours * 3_600_000), settings.quietHoursStart, settings.quietHoursEnd);
  const sms = await sql`
    WITH asked AS (${members})
    INSERT INTO notification (tenant_id, source_kind, source_id, channel, recipient_id, member_id, template_key, params, link, not_before)
    SELECT a.tenant_id, ${common}, 'sms', a.id, a.id, ${templateKey}, ${params}::jsonb, ${path},
      CASE WHEN ${webPushReaches}
        OR (NOT ${options.personal === true} AND EXISTS (
          SELECT 1 FROM notify_robot r JOIN org ro ON ro.tenant_id = r.tenant_id AND ro.id = r.org_id
          WHERE r.tenant_id = a.tenant_id AND r.enabled AND ro.retired_at IS NULL AND a.path LIKE ro.path || '%'
            AND NOT EXISTS (
              SELECT 1 FROM notify_preference rp
              WHERE rp.tenant_id = a.tenant_id AND rp.member_id = a.id AND rp.channel = 'robot' AND NOT rp.enabled)))
      THEN ${later}::timestamptz ELSE ${soon}::timestamptz END
    FROM asked a
    WHERE EXISTS (SELECT 1 FROM notify_sms_provider sp WHERE sp.tenant_id = a.tenant_id AND sp.enabled)
      AND EXISTS (
        SELECT 1 FROM notify_preference p
        WHERE p.tenant_id = a.tenant_id AND p.member_id = a.id AND p.channel = 'sms' AND p.enabled)
    ON CONFLICT (tenant_id, source_kind, source_id, channel, recipient_id) DO NOTHING`.execute(db);

  return [robots, webpush, sms].reduce((n, r) => n + Number(r?.numAffectedRows ?? 0n), 0);
}
