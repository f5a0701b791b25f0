import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RobotKind } from '../notify/index.ts';

/**
 * The channels of the outbox that reach each member now, by the rules `enqueueNotice` fans a notice
 * out with (modules/notify/outbox.ts): an enabled robot of a unit over the member's unit (not
 * retired), a Web Push subscription on an enabled login without the member's opt-out, SMS consent
 * while the organization has an enabled SMS provider. A member who turned robots off is not counted
 * as reached by them.
 */
export interface ChannelFacts {
  robots: { name: string; kind: RobotKind; unitName: string }[];
  robotsOff: boolean;
  webpushSubscriptions: number;
  webpushOff: boolean;
  smsConsent: boolean;
  /** the organization has an enabled SMS provider */
  smsAvailable: boolean;
}

export const robotReaches = (f: ChannelFacts): boolean => f.robots.length > 0 && !f.robotsOff;
export const webpushReaches = (f: ChannelFacts): boolean => f.webpushSubscriptions > 0 && !f.webpushOff;
export const smsReaches = (f: ChannelFacts): boolean => f.smsConsent && f.smsAvailable;

interface FactRow {
  id: string;
  robots: { name: string; kind: RobotKind; unitName: string }[] | null;
  robots_off: boolean;
  subscriptions: number;
  webpush_off: boolean;
  sms_consent: boolean;
}

/** The organization has an enabled SMS provider. */
export async function smsAvailableIn(db: Executor, tenantId: string): Promise<boolean> {
  const { rows } = await sql<{ enabled: boolean }>`SELECT enabled FROM notify_sms_provider WHERE tenant_id = ${tenantId}`.execute(db);
  return rows[0]?.enabled === true;
}

/** Channel facts of these members (one statement). */
export async function channelFacts(db: Executor, tenantId: string, memberIds: string[]): Promise<Map<string, ChannelFacts>> {
  const facts = new Map<string, ChannelFacts>();
  if (memberIds.length === 0) return facts;
  const smsAvailable = await smsAvailableIn(db, tenantId);
  const { rows } = await sql<FactRow>`
    SELECT m.id,
      (SELECT json_agg(json_build_object('name', r.name, 'kind', r.kind, 'unitName', ro.name) ORDER BY ro.path, r.name)
         FROM notify_robot r JOIN org ro ON ro.tenant_id = r.tenant_id AND ro.id = r.org_id
         WHERE r.tenant_id = m.tenant_id AND r.enabled AND ro.retired_at IS NULL AND o.path LIKE ro.path || '%') AS robots,
      EXISTS (SELECT 1 FROM notify_preference p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.id AND p.channel = 'robot' AND NOT p.enabled) AS robots_off,
      (SELECT count(*)::int FROM account ac JOIN push_subscription s ON s.tenant_id = ac.tenant_id AND s.account_id = ac.id
         WHERE ac.tenant_id = m.tenant_id AND ac.member_id = m.id AND ac.disabled_at IS NULL) AS subscriptions,
      EXISTS (SELECT 1 FROM notify_preference p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.id AND p.channel = 'webpush' AND NOT p.enabled) AS webpush_off,
      EXISTS (SELECT 1 FROM notify_preference p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.id AND p.channel = 'sms' AND p.enabled) AS sms_consent
    FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    WHERE m.tenant_id = ${tenantId} AND m.id = ANY(${memberIds}::uuid[])`.execute(db);
  for (const r of rows) {
    facts.set(r.id, {
      robots: r.robots ?? [],
      robotsOff: r.robots_off,
      webpushSubscriptions: Number(r.subscriptions),
      webpushOff: r.webpush_off,
      smsConsent: r.sms_consent,
      smsAvailable,
    });
  }
  return facts;
}
