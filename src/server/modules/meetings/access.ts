import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';
import { AppError, forbidden, notFound, type FieldIssue } from '../../errors.ts';
import { findMeeting, invitesAnyIn, type MeetingRow } from './repo.ts';

/** The meeting, or 404 会议. */
export async function loadMeeting(db: Executor, tenantId: string, meetingId: string): Promise<MeetingRow> {
  const s = await findMeeting(db, tenantId, meetingId);
  if (!s) throw notFound('会议');
  return s;
}

export const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

/**
 * Units the caller leads (as secretary or group leader): at a meeting held above them they see and
 * mark their own members — a branch secretary or a group leader at the village's monthly class.
 */
export const ledGroupPaths = (ctx: RequestContext): string[] => ctx.actor.scopes.map((s) => s.path);

/**
 * What the caller sees of a meeting in the console:
 *   'host'  the secretaries and the group leader of the unit that holds it: everything;
 *   'group' a branch secretary or group leader at a meeting held above their unit (the village's
 *           monthly class) that invites members of their unit: only those invitees, to mark them and show
 *           the check-in code — no one else's name, no minutes or attachments, no quorum.
 */
export type MeetingView = { kind: 'host' } | { kind: 'group'; paths: string[] };
/** Whoever may manage the meeting (learning.manage) sees it as its host. */
export const HOST: MeetingView = { kind: 'host' };

export async function meetingViewOf(db: Executor, ctx: RequestContext, s: MeetingRow): Promise<MeetingView | null> {
  if (can(ctx.actor, 'attendance.mark', orgTarget(ctx, s.org_path))) return HOST;
  const paths = ledGroupPaths(ctx);
  if (paths.length && (await invitesAnyIn(db, ctx.actor.tenantId, s.id, paths))) return { kind: 'group', paths };
  return null;
}

export async function requireMeetingView(db: Executor, ctx: RequestContext, s: MeetingRow): Promise<MeetingView> {
  const view = await meetingViewOf(db, ctx, s);
  if (!view) throw forbidden();
  return view;
}

/** Refuses the input with every issue found, in one Chinese message. */
export function fail(issues: FieldIssue[]): never {
  throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** The make-up questions (or a member's answers) kept as JSON: only its strings. */
export const questionsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
