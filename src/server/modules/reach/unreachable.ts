import type { z } from 'zod';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { notFound } from '../../errors.ts';
import { getOrg, listSubtrees, memberWithOrg } from '../../directory/index.ts';
import { REACH_MISSING, type MemberReach, type ReachMissing, type UnreachableList, type UnreachableQuery, type UnreachableRow } from '../../../shared/api-reach.ts';
import { getSettings } from '../settings/index.ts';
import { channelFacts, robotReaches, smsReaches, webpushReaches, type ChannelFacts } from './channels.ts';
import { readPresence, type PresenceRow } from './repo.ts';

/**
 * Who no channel reaches (联系不上的党员). A member is UNREACHABLE when
 *   - no group robot over their units reaches them, no Web Push subscription and no SMS with their
 *     consent (while the organization can send SMS) — the outbox would have nothing to send them —
 *   - and they have not been seen in the member app for `unreachableDays` (or never: no login, or
 *     a login never used), so the in-app "today" does not reach them either.
 * Seen exactly `unreachableDays` ago counts as absent; a moment later than that, as present.
 */

export const DAY_MS = 86_400_000;

/** What was found about one member: their presence, their channels, and the rule's answer. */
export interface Assessment {
  member: PresenceRow;
  facts: ChannelFacts;
  /** a login of the member app that was seen at least once */
  appActivated: boolean;
  /** seen in the app after the absence line */
  present: boolean;
  missing: ReachMissing[];
  /** the first channel that reaches the member now, or 'app' when only their presence does */
  reachedBy: 'sms' | 'robot' | 'webpush' | 'app' | null;
}

/** The moment before which a member counts as absent from the app. */
export const absenceLine = (now: Date, unreachableDays: number): Date => new Date(now.getTime() - unreachableDays * DAY_MS);

const NO_CHANNELS: ChannelFacts = { robots: [], robotsOff: false, webpushSubscriptions: 0, webpushOff: false, smsConsent: false, smsAvailable: false, invitationOpen: false };

export function assess(member: PresenceRow, facts: ChannelFacts | undefined, line: Date): Assessment {
  const f = facts ?? NO_CHANNELS;
  const appActivated = member.has_login && member.last_seen_at !== null;
  const present = member.last_seen_at !== null && member.last_seen_at.getTime() > line.getTime();
  const lacks: Record<ReachMissing, boolean> = { app: !appActivated, robot: !robotReaches(f), sms: !f.smsConsent, webpush: !webpushReaches(f) };
  const missing = REACH_MISSING.filter((k) => lacks[k]);
  const reachedBy = smsReaches(f) ? 'sms' : robotReaches(f) ? 'robot' : webpushReaches(f) ? 'webpush' : present ? 'app' : null;
  return { member, facts: f, appActivated, present, missing, reachedBy };
}

/** Assessments of the members asked for (all current members of the subtrees, or these ids). */
export async function assessMembers(
  db: Executor,
  params: { tenantId: string; paths: string[] | 'all'; memberIds?: string[]; includeLeft?: boolean; absentOnly?: boolean; now: Date; unreachableDays: number },
): Promise<Assessment[]> {
  const line = absenceLine(params.now, params.unreachableDays);
  const members = await readPresence(db, {
    tenantId: params.tenantId,
    paths: params.paths,
    memberIds: params.memberIds,
    includeLeft: params.includeLeft ?? false,
    absentSince: params.absentOnly ? line : undefined,
  });
  const facts = await channelFacts(db, params.tenantId, members.map((m) => m.id), params.now);
  return members.map((m) => assess(m, facts.get(m.id), line));
}

/** The unreachable members of these subtrees (or the tenant), in unit and name order. */
export async function findUnreachable(db: Executor, tenantId: string, paths: string[] | 'all', now: Date, unreachableDays: number): Promise<Assessment[]> {
  const all = await assessMembers(db, { tenantId, paths, absentOnly: true, now, unreachableDays });
  return all.filter((a) => a.reachedBy === null);
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toRow(a: Assessment): UnreachableRow {
  const m = a.member;
  return {
    memberId: m.id,
    name: m.name,
    orgId: m.org_id,
    orgName: m.org_name,
    mobile: m.mobile,
    mentor: m.mentor_id && m.mentor_name ? { memberId: m.mentor_id, name: m.mentor_name } : null,
    missing: a.missing,
    appActivated: a.appActivated,
    invitationOpen: a.facts.invitationOpen,
    lastSeenAt: iso(m.last_seen_at),
  };
}

/**
 * 联系不上的党员 of a unit (`orgId`) or of the caller's secretary subtrees (care.manage, as the
 * drift radar): the members no channel reaches, what each lacks, their mentor and when they were
 * last seen in the app; `byMissing` counts the whole list before the `missing` filter.
 */
export async function listUnreachable(db: Executor, ctx: RequestContext, q: z.infer<typeof UnreachableQuery>): Promise<UnreachableList> {
  const { tenantId } = ctx.actor;
  const paths = await listSubtrees(db, ctx, 'care.manage', q.orgId);
  const { unreachableDays } = await getSettings(db, tenantId);
  const all = await findUnreachable(db, tenantId, paths, clock.now(), unreachableDays);
  const byMissing = REACH_MISSING.map((kind) => ({ kind, members: all.filter((a) => a.missing.includes(kind)).length }));
  const filtered = q.missing ? all.filter((a) => a.missing.includes(q.missing as ReachMissing)) : all;
  const from = (q.page - 1) * q.pageSize;
  return {
    items: filtered.slice(from, from + q.pageSize).map(toRow),
    total: filtered.length,
    byMissing,
    unreachableDays,
    smsAvailable: all[0]?.facts.smsAvailable ?? null,
  };
}

/**
 * How one member is reached now (member.read, as the member page): the app, the robots over their
 * units, Web Push, SMS consent, and the rule's answer.
 */
export async function getMemberReach(db: Executor, ctx: RequestContext, memberId: string): Promise<MemberReach> {
  const { actor } = ctx;
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m) throw notFound('党员');
  authorize(actor, 'member.read', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  const { unreachableDays } = await getSettings(db, actor.tenantId);
  const [a] = await assessMembers(db, { tenantId: actor.tenantId, paths: 'all', memberIds: [memberId], includeLeft: true, now: clock.now(), unreachableDays });
  if (!a) throw notFound('党员');
  return {
    memberId,
    reachable: a.reachedBy !== null,
    missing: a.missing,
    unreachableDays,
    app: { activated: a.appActivated, invitationOpen: a.facts.invitationOpen, lastSeenAt: iso(a.member.last_seen_at) },
    robots: await Promise.all(a.facts.robots.map(async (r) => ({ name: r.name, kind: r.kind, unitName: (await getOrg(db, actor.tenantId, r.orgId)).name }))),
    robotsOff: a.facts.robotsOff,
    webpush: { subscriptions: a.facts.webpushSubscriptions, off: a.facts.webpushOff },
    sms: { consent: a.facts.smsConsent, available: a.facts.smsAvailable },
  };
}
