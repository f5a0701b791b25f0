import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock } from '../../clock.ts';
import { chinaDay, chinaDayStart } from '../../../shared/china-time.ts';
import { inSubtrees } from '../../directory/index.ts';
import type { ChannelHealth, HealthChannel, HealthQuery } from '../../../shared/api-robots.ts';
import { getSettings } from '../settings/index.ts';
import type { RobotKind } from './providers/types.ts';
import { robotProvider } from './providers/robots/index.ts';
import { robotSubtrees } from './robots.ts';

/**
 * Channel health (渠道健康): whether each way of reaching members works today — every group robot
 * (its last success and error, digests today, this minute against its limit, a block), the SMS
 * provider, Web Push, and the outbox's backlog and recent failures with their errors. Read from the
 * outbox's own tables; a secretary sees the robots and notices of their units (members of their
 * subtrees, robots of their units), the tenant admin everything.
 *
 * A digest is one message for several notification rows, sent (and tried) at one instant: messages
 * are counted as distinct instants per robot, as the dispatcher counts them against `perMinute` —
 * this minute's sends, and tries of rows still waiting or failed this minute, from the robot's own
 * rows of the minute (never its whole history).
 */

const DAY_MS = 86_400_000;
const CHART_DAYS = 14;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Notification rows about the caller's units: their members' and their robots'. */
function noticesInScope(tenantId: string, subtrees: string[] | 'all', alias = 'n'): RawBuilder<SqlBool> {
  if (subtrees === 'all') return sql<SqlBool>`true`;
  if (subtrees.length === 0) return sql<SqlBool>`false`;
  const n = sql.ref(alias);
  return sql<SqlBool>`(
    ${n}.member_id = ANY(ARRAY(SELECT m.id FROM member m WHERE m.tenant_id = ${tenantId} AND ${inSubtrees(tenantId, subtrees, 'm.org_id')}))
    OR ${n}.robot_id = ANY(ARRAY(SELECT r.id FROM notify_robot r WHERE r.tenant_id = ${tenantId} AND ${inSubtrees(tenantId, subtrees, 'r.org_id')})))`;
}

export async function channelHealth(db: Database, ctx: RequestContext, query: HealthQuery): Promise<ChannelHealth> {
  const tenantId = ctx.actor.tenantId;
  const subtrees = await robotSubtrees(db, ctx, query.orgId);
  const now = clock.now();
  const today = chinaDay(now);
  const dayStart = chinaDayStart(today);
  const minuteAgo = new Date(now.getTime() - 60_000);
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const chartFrom = chinaDayStart(chinaDay(new Date(now.getTime() - (CHART_DAYS - 1) * DAY_MS)));
  const inScope = noticesInScope(tenantId, subtrees);
  const robotScope = subtrees === 'all' ? sql<SqlBool>`true` : inSubtrees(tenantId, subtrees, 'r.org_id');

  const [robots, sms, settings, subscriptions, channelCounts, pending, failures, daily] = await Promise.all([
    sql<{
      id: string;
      name: string;
      org_id: string;
      org_name: string;
      kind: RobotKind;
      enabled: boolean;
      last_success_at: Date | null;
      last_error_at: Date | null;
      last_error: string | null;
      blocked_until: Date | null;
      sent_today: number;
      last_minute: number;
    }>`
      SELECT r.id, r.name, r.org_id, o.name AS org_name, r.kind, r.enabled, r.last_success_at, r.last_error_at, r.last_error, r.blocked_until,
        (SELECT count(DISTINCT n.sent_at)::int FROM notification n
          WHERE n.tenant_id = r.tenant_id AND n.robot_id = r.id AND n.status IN ('sent', 'delivered') AND n.sent_at >= ${dayStart}) AS sent_today,
        (SELECT count(DISTINCT x.at)::int FROM (
            SELECT n.sent_at AS at FROM notification n
            WHERE n.tenant_id = r.tenant_id AND n.robot_id = r.id AND n.sent_at > ${minuteAgo} AND n.sent_at <= ${now}
            UNION
            SELECT a.started_at FROM notification n
            JOIN notification_attempt a ON a.tenant_id = n.tenant_id AND a.notification_id = n.id
            WHERE n.tenant_id = r.tenant_id AND n.robot_id = r.id AND n.status IN ('pending', 'sending', 'failed')
              AND (n.status <> 'failed' OR n.failed_at > ${minuteAgo})
              AND a.started_at > ${minuteAgo} AND a.started_at <= ${now}) x) AS last_minute
      FROM notify_robot r JOIN org o ON o.tenant_id = r.tenant_id AND o.id = r.org_id
      WHERE r.tenant_id = ${tenantId} AND ${robotScope}
      ORDER BY o.path, r.created_at, r.id`.execute(db),
    db.selectFrom('notify_sms_provider').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),
    getSettings(db, tenantId),
    subtrees === 'all'
      ? db.selectFrom('push_subscription').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
      : sql<{ n: number }>`
          SELECT count(*)::int AS n FROM push_subscription s
          JOIN account a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
          JOIN member m ON m.tenant_id = a.tenant_id AND m.id = a.member_id
          WHERE s.tenant_id = ${tenantId} AND ${inSubtrees(tenantId, subtrees, 'm.org_id')}`
          .execute(db)
          .then((r) => r.rows[0] ?? { n: 0 }),
    // Two index ranges (sent today, failed in 24 h), never the tenant's whole history (migration 0020).
    sql<{ channel: HealthChannel; sent_today: number; failed_24h: number }>`
      SELECT c.channel, sum(c.sent)::int AS sent_today, sum(c.failed)::int AS failed_24h FROM (
        SELECT n.channel, 1 AS sent, 0 AS failed FROM notification n
        WHERE n.tenant_id = ${tenantId} AND n.sent_at >= ${dayStart} AND n.status IN ('sent', 'delivered') AND ${inScope}
        UNION ALL
        SELECT n.channel, 0, 1 FROM notification n
        WHERE n.tenant_id = ${tenantId} AND n.status = 'failed' AND n.failed_at >= ${dayAgo} AND ${inScope}
      ) c
      GROUP BY c.channel`.execute(db),
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM notification n
      WHERE n.tenant_id = ${tenantId} AND n.status IN ('pending', 'sending') AND ${inScope}`.execute(db),
    sql<{ channel: HealthChannel; error: string; count: number; last_at: Date }>`
      SELECT n.channel, coalesce(n.last_error, '') AS error, count(*)::int AS count, max(n.failed_at) AS last_at
      FROM notification n
      WHERE n.tenant_id = ${tenantId} AND n.status = 'failed' AND n.failed_at >= ${dayAgo} AND ${inScope}
      GROUP BY n.channel, coalesce(n.last_error, '')
      ORDER BY count(*) DESC, max(n.failed_at) DESC
      LIMIT 20`.execute(db),
    sql<{ day: string; channel: HealthChannel; sent: number; failed: number }>`
      SELECT d.day, d.channel, sum(d.sent)::int AS sent, sum(d.failed)::int AS failed FROM (
        SELECT to_char(n.sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, n.channel, 1 AS sent, 0 AS failed
        FROM notification n
        WHERE n.tenant_id = ${tenantId} AND n.status IN ('sent', 'delivered') AND n.sent_at >= ${chartFrom} AND ${inScope}
        UNION ALL
        SELECT to_char(n.failed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, n.channel, 0 AS sent, 1 AS failed
        FROM notification n
        WHERE n.tenant_id = ${tenantId} AND n.status = 'failed' AND n.failed_at >= ${chartFrom} AND ${inScope}
      ) d
      GROUP BY d.day, d.channel
      ORDER BY d.day, d.channel`.execute(db),
  ]);

  const counts = new Map(channelCounts.rows.map((r) => [r.channel, r]));
  return {
    robots: robots.rows.map((r) => ({
      id: r.id,
      name: r.name,
      orgId: r.org_id,
      orgName: r.org_name,
      kind: r.kind,
      enabled: r.enabled,
      lastSuccessAt: iso(r.last_success_at),
      lastErrorAt: iso(r.last_error_at),
      lastError: r.last_error,
      sentToday: r.sent_today,
      lastMinute: r.last_minute,
      perMinute: robotProvider(r.kind).perMinute,
      blockedUntil: r.blocked_until && r.blocked_until > now ? r.blocked_until.toISOString() : null,
    })),
    sms: sms
      ? {
          kind: sms.kind as 'aliyun' | 'tencent' | 'sink',
          enabled: sms.enabled,
          lastSuccessAt: iso(sms.last_success_at),
          lastErrorAt: iso(sms.last_error_at),
          lastError: sms.last_error,
          sentToday: counts.get('sms')?.sent_today ?? 0,
          dailyCap: settings.smsDailyCap,
        }
      : null,
    webPush: {
      subscriptions: Number(subscriptions.n),
      sentToday: counts.get('webpush')?.sent_today ?? 0,
      failures: counts.get('webpush')?.failed_24h ?? 0,
    },
    outbox: {
      pending: pending.rows[0]?.n ?? 0,
      failed24h: [...counts.values()].reduce((s, r) => s + r.failed_24h, 0),
      failures: failures.rows.map((f) => ({ channel: f.channel, error: f.error, count: f.count, lastAt: f.last_at.toISOString() })),
    },
    daily: daily.rows,
  };
}
