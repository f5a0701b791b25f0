import type { Executor } from '../../db/database.ts';
import { memberChannels, type RobotKind } from '../notify/index.ts';

/**
 * The channels of the outbox that reach each member now, as notify's memberChannels tells them
 * (the rules enqueueNotice fans a notice out with): an enabled robot of a unit over the member's
 * unit, a Web Push subscription on an enabled login without the member's opt-out, SMS consent
 * while the organization has an enabled SMS provider. A member who turned robots off is not counted
 * as reached by them.
 */
export interface ChannelFacts {
  robots: { id: string; name: string; kind: RobotKind; orgId: string }[];
  robotsOff: boolean;
  webpushSubscriptions: number;
  webpushOff: boolean;
  smsConsent: boolean;
  /** the organization has an enabled SMS provider */
  smsAvailable: boolean;
  invitationOpen: boolean;
}

export const robotReaches = (f: ChannelFacts): boolean => f.robots.length > 0 && !f.robotsOff;
export const webpushReaches = (f: ChannelFacts): boolean => f.webpushSubscriptions > 0 && !f.webpushOff;
export const smsReaches = (f: ChannelFacts): boolean => f.smsConsent && f.smsAvailable;

/** Channel facts of these members. */
export async function channelFacts(db: Executor, tenantId: string, memberIds: string[], now: Date): Promise<Map<string, ChannelFacts>> {
  const facts = new Map<string, ChannelFacts>();
  if (memberIds.length === 0) return facts;
  for (const [id, c] of await memberChannels(db, tenantId, memberIds, now)) {
    facts.set(id, {
      robots: c.robots,
      robotsOff: c.optedOut.includes('robot'),
      webpushSubscriptions: c.webPushSubscriptions,
      webpushOff: c.optedOut.includes('webpush'),
      smsConsent: c.smsConsent,
      smsAvailable: c.smsAvailable,
      invitationOpen: c.openInvitation,
    });
  }
  return facts;
}
