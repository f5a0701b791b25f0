import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';

/**
 * The one authorization function. Every use case calls `authorize(actor, action, target)`
 * before it reads or writes; no route decides on its own.
 *
 *   tenant admin   everything in the tenant
 *   secretary      their unit's whole subtree (read, write, reveal ID numbers, import, export)
 *   group leader   read the members of their party group; mark their attendance, also at sessions
 *                  held above the group that invite them
 *   mentor         read their mentees' profile and contact (no ID number) and their care records:
 *                  talks, tasks, health and hardship notes, visits, timeline
 *   member         read themself; update their own destination; their own inbox, check-ins,
 *                  leave requests and make-ups
 */
export type Action =
  | 'org.read'
  | 'org.write'
  | 'org.restructure'
  | 'member.read'
  | 'member.read_sensitive'
  | 'member.write'
  | 'member.reveal_id'
  | 'mobility.write'
  | 'roster.import'
  | 'roster.export'
  | 'dashboard.read'
  | 'settings.write'
  | 'audit.read'
  /** study library, pushes, sessions, make-up review, coverage: a secretary's subtree */
  | 'learning.manage'
  /**
   * mark attendance and show the check-in code. On a unit (a session's host): its secretaries and
   * its group leader. On a member: their secretaries and the leader of their party group — so a
   * group leader marks their own members at a session held above their group (the village's
   * monthly class), and nobody else there.
   */
  | 'attendance.mark'
  /**
   * a member's care records — talks (思想动态), follow-up tasks, health and hardship notes, visits
   * received: their current mentor and the secretaries above them. Reading writes an audit entry.
   */
  | 'care.read'
  | 'care.write'
  /** care across a unit: mentoring overview, task lists, trips, cards, birthdays, drift radar */
  | 'care.manage'
  /** act as the member in the learning flows (inbox, check-in, leave, make-up): only themself */
  | 'learning.participate'
  /**
   * act on a login (issue or reset its password, change the phone, name or unit it signs in with):
   * only a caller whose scope covers everything signing in as that account would grant — its
   * member, every unit it holds a role on, every member it mentors. A tenant admin's login only
   * by a tenant admin.
   */
  | 'account.manage'
  /**
   * the branch's community: monthly topics, hiding a shared post or a comment (with a reason), who
   * has shared, the unit's FAQ, news review (保密审查): a secretary's subtree
   */
  | 'community.manage'
  /**
   * answer a member's question (有问必答): the secretaries above them; of mentors, the questions module
   * lets only the mentor a question was routed to when asked answer it (not a later mentor)
   */
  | 'question.answer'
  /** quarterly reviews (季度评议) and the annual evaluation (民主评议) of a unit: a secretary's subtree */
  | 'review.manage'
  /**
   * 网格+服务 and 我为群众办实事 across a unit: grids' details, volunteer teams, service projects and
   * logs, the 四个一 pledges' follow-up, job matching, donations, duty rosters and the approval of
   * 党务公开: a secretary's subtree. A team's own members act on their team through the teams
   * module (a team is not a unit), never through this action.
   */
  | 'service.manage';

export type Target =
  | { kind: 'tenant'; tenantId: string }
  /** A unit (or something attached to a unit, e.g. a grid), by its materialised path. */
  | { kind: 'org'; tenantId: string; path: string }
  /** A member, by id and the path of their unit. */
  | { kind: 'member'; tenantId: string; memberId: string; orgPath: string }
  /** A login, by what it reaches (see `AccountReach`). */
  | { kind: 'account'; tenantId: string; reach: AccountReach };

/** Everything signing in as an account would grant, as paths in the org tree. */
export interface AccountReach {
  isTenantAdmin: boolean;
  /** Unit of the account's member, if it is a member's login. */
  memberOrgPath: string | null;
  /** Units the account is secretary or group leader of. */
  rolePaths: string[];
  /** Units of the members the account currently mentors. */
  menteeOrgPaths: string[];
}

const within = (path: string, scopePath: string): boolean => path.startsWith(scopePath);

function secretaryCovers(actor: Actor, path: string, strictlyInside = false): boolean {
  return actor.scopes.some(
    (s) => s.role === 'secretary' && within(path, s.path) && (!strictlyInside || path !== s.path),
  );
}

function leaderCovers(actor: Actor, path: string): boolean {
  return actor.scopes.some((s) => s.role === 'group_leader' && within(path, s.path));
}

export function can(actor: Actor, action: Action, target: Target): boolean {
  if (target.tenantId !== actor.tenantId) return false;
  if (actor.isTenantAdmin) return true;

  switch (action) {
    case 'audit.read':
      return false;
    case 'settings.write':
      // Settings are tenant-wide: only a secretary of the tenant's top unit may change them.
      return actor.scopes.some((s) => s.role === 'secretary' && s.path.split('/').filter(Boolean).length === 1);
    case 'org.read':
      if (target.kind === 'tenant') return actor.scopes.length > 0;
      if (target.kind !== 'org') return false;
      return secretaryCovers(actor, target.path) || leaderCovers(actor, target.path);
    case 'org.write':
    case 'dashboard.read':
    case 'roster.import':
    case 'roster.export':
      if (target.kind === 'tenant') return actor.scopes.some((s) => s.role === 'secretary');
      if (target.kind !== 'org') return false;
      return secretaryCovers(actor, target.path);
    case 'org.restructure':
      // Moving or retiring the unit you are secretary of would take it out of your own hands.
      if (target.kind !== 'org') return false;
      return secretaryCovers(actor, target.path, true);
    case 'member.read':
      if (target.kind !== 'member') return false;
      return (
        target.memberId === actor.memberId ||
        actor.menteeIds.includes(target.memberId) ||
        secretaryCovers(actor, target.orgPath) ||
        leaderCovers(actor, target.orgPath)
      );
    case 'member.read_sensitive':
      if (target.kind !== 'member') return false;
      return target.memberId === actor.memberId || secretaryCovers(actor, target.orgPath);
    case 'member.write':
    case 'member.reveal_id':
      if (target.kind !== 'member' && target.kind !== 'org') return false;
      return secretaryCovers(actor, target.kind === 'member' ? target.orgPath : target.path);
    case 'mobility.write':
      if (target.kind !== 'member') return false;
      return target.memberId === actor.memberId || secretaryCovers(actor, target.orgPath);
    case 'learning.manage':
    case 'care.manage':
    case 'community.manage':
    case 'review.manage':
    case 'service.manage':
      if (target.kind === 'tenant') return actor.scopes.some((s) => s.role === 'secretary');
      if (target.kind !== 'org') return false;
      return secretaryCovers(actor, target.path);
    case 'attendance.mark': {
      if (target.kind !== 'org' && target.kind !== 'member') return false;
      const path = target.kind === 'org' ? target.path : target.orgPath;
      return secretaryCovers(actor, path) || leaderCovers(actor, path);
    }
    case 'care.read':
    case 'care.write':
    case 'question.answer':
      if (target.kind !== 'member') return false;
      return actor.menteeIds.includes(target.memberId) || secretaryCovers(actor, target.orgPath);
    case 'learning.participate':
      if (target.kind !== 'member') return false;
      return target.memberId === actor.memberId;
    case 'account.manage': {
      if (target.kind !== 'account') return false;
      const { reach } = target;
      if (reach.isTenantAdmin) return false;
      const paths = [...(reach.memberOrgPath ? [reach.memberOrgPath] : []), ...reach.rolePaths, ...reach.menteeOrgPaths];
      return paths.length > 0 && paths.every((p) => secretaryCovers(actor, p));
    }
  }
}

export function authorize(actor: Actor, action: Action, target: Target): void {
  if (!can(actor, action, target)) throw new AppError('forbidden', '无权执行此操作');
}

/**
 * What a list may show, decided by the same rules as `can` decides one target: every row of the
 * tenant (`all`, the tenant admin), or the rows of these unit subtrees (`paths`) and about these
 * individual members (`memberIds`).
 */
export interface ListScope {
  all: boolean;
  paths: string[];
  memberIds: string[];
}

/** The member scope of list queries (the member list, its export). */
export type MemberScope = ListScope;

/** The actions that scope a list across units (see `listScope`). */
export type ListAction =
  | 'org.read'
  | 'attendance.mark'
  | 'member.read'
  | 'care.read'
  | 'care.manage'
  | 'learning.manage'
  | 'dashboard.read'
  | 'roster.export'
  | 'community.manage'
  | 'question.answer'
  | 'review.manage'
  | 'service.manage';

const rolePaths = (actor: Actor, role?: 'secretary' | 'group_leader'): string[] =>
  actor.scopes.filter((s) => !role || s.role === role).map((s) => s.path);

/**
 * The scope of a list of `action`'s rows, for each action what `can` grants on a unit or member:
 *
 *   org.read, attendance.mark, member.read
 *                           every unit the actor holds a role in (secretary or group leader);
 *                           member.read adds themself and their mentees
 *   care.read, question.answer
 *                           the secretary subtrees and the mentees (a mentor lists their mentees'
 *                           talks; of questions, the questions module grants a mentor only those
 *                           routed to them when asked, question.mentor_member_id, not by mentee)
 *   care.manage, learning.manage, dashboard.read, roster.export, community.manage, review.manage,
 *   service.manage          the secretary subtrees
 */
export function listScope(actor: Actor, action: ListAction): ListScope {
  if (actor.isTenantAdmin) return { all: true, paths: [], memberIds: [] };
  switch (action) {
    case 'org.read':
    case 'attendance.mark':
      return { all: false, paths: rolePaths(actor), memberIds: [] };
    case 'member.read':
      return { all: false, paths: rolePaths(actor), memberIds: [...actor.menteeIds, ...(actor.memberId ? [actor.memberId] : [])] };
    case 'care.read':
    case 'question.answer':
      return { all: false, paths: rolePaths(actor, 'secretary'), memberIds: [...actor.menteeIds] };
    case 'care.manage':
    case 'community.manage':
    case 'review.manage':
    case 'service.manage':
    case 'learning.manage':
    case 'dashboard.read':
    case 'roster.export':
      return { all: false, paths: rolePaths(actor, 'secretary'), memberIds: [] };
  }
}

/**
 * The scope of a list across units, refused (403, as `authorize` refuses a target) when the actor
 * may see no row of it at all: a list is asked of the whole tenant, and the answer is what
 * `listScope` grants.
 */
export function authorizeList(actor: Actor, action: ListAction): ListScope {
  const scope = listScope(actor, action);
  if (!scope.all && scope.paths.length === 0 && scope.memberIds.length === 0) throw new AppError('forbidden', '无权执行此操作');
  return scope;
}

/** The unit subtrees of a list scope: 'all' for the whole tenant. */
export const scopePaths = (scope: ListScope): string[] | 'all' => (scope.all ? 'all' : scope.paths);

export function memberReadScope(actor: Actor): MemberScope {
  return listScope(actor, 'member.read');
}
