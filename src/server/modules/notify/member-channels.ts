import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RobotKind } from './providers/types.ts';

/** How a member can be reached outside the app, as the outbox would reach them. */
export interface MemberChannels {
  memberId: string;
  /** An enabled member-app login exists. */
  appActivated: boolean;
  /** An invitation not yet used, revoked or expired. */
  openInvitation: boolean;
  /** Enabled group robots of units whose subtree holds the member. */
  robots: { id: string; kind: RobotKind; name: string; orgId: string }[];
  /** Web Push subscriptions on the member's logins. */
  webPushSubscriptions: number;
  /** The member's recorded consent to SMS. */
  smsConsent: boolean;
  /** The tenant has an enabled SMS provider (so consent means SMS goes out). */
  smsAvailable: boolean;
  /** Channels the member turned off. */
  optedOut: ('sms' | 'webpush' | 'robot')[];
}

/**
 * The channel facts of these members, in a few set-based queries (the console's lists, the reach
 * rules). Members not found (another tenant's, unknown ids) are left out.
 */
export async function memberChannels(db: Executor, tenantId: string, memberIds: string[], now?: Date): Promise<Map<string, MemberChannels>> {
  const out = new Map<string, MemberChannels>();
  const ids = [...new Set(memberIds)];
  if (ids.length === 0) return out;
  const at = now ? sql`${now}::timestamptz` : sql`lianxin_now()`;
  const { rows } = await sql<{
    id: string;
    app: boolean;
    invitation: boolean;
    subscriptions: number;
    sms: boolean;
    opted_out: string[];
  }>`
    SELECT m.id,
      EXISTS (SELECT 1 FROM account a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id AND a.disabled_at IS NULL) AS app,
      EXISTS (SELECT 1 FROM invitation i WHERE i.tenant_id = m.tenant_id AND i.member_id = m.id
        AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ${at}) AS invitation,
      (SELECT count(*)::int FROM push_subscription s JOIN account a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
        WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id AND a.disabled_at IS NULL) AS subscriptions,
      EXISTS (SELECT 1 FROM notify_preference p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.id AND p.channel = 'sms' AND p.enabled) AS sms,
      ARRAY(SELECT p.channel FROM notify_preference p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.id AND NOT p.enabled ORDER BY p.channel) AS opted_out
    FROM unnest(${ids}::uuid[]) AS u(id)
    JOIN member m ON m.tenant_id = ${tenantId} AND m.id = u.id`.execute(db);
  const { rows: robots } = await sql<{ member_id: string; id: string; kind: RobotKind; name: string; org_id: string }>`
    SELECT m.id AS member_id, r.id, r.kind, r.name, r.org_id
    FROM unnest(${ids}::uuid[]) AS u(id)
    JOIN member m ON m.tenant_id = ${tenantId} AND m.id = u.id
    JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
    JOIN org ro ON ro.tenant_id = m.tenant_id AND mo.path LIKE ro.path || '%' AND ro.retired_at IS NULL
    JOIN notify_robot r ON r.tenant_id = ro.tenant_id AND r.org_id = ro.id AND r.enabled
    ORDER BY length(ro.path), r.name`.execute(db);
  const provider = await db.selectFrom('notify_sms_provider').select('enabled').where('tenant_id', '=', tenantId).executeTakeFirst();
  for (const row of rows) {
    out.set(row.id, {
      memberId: row.id,
      appActivated: row.app,
      openInvitation: row.invitation,
      robots: [],
      webPushSubscriptions: row.subscriptions,
      smsConsent: row.sms,
      smsAvailable: provider?.enabled ?? false,
      optedOut: row.opted_out as MemberChannels['optedOut'],
    });
  }
  for (const r of robots) out.get(r.member_id)?.robots.push({ id: r.id, kind: r.kind, name: r.name, orgId: r.org_id });
  return out;
}
