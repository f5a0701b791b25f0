import type { Lang } from '../i18n/lang.ts';

/**
 * Who is making a request, with everything the authorization function needs, loaded once per
 * request from the session.
 */
export interface RoleScope {
  role: 'secretary' | 'group_leader';
  orgId: string;
  orgName: string;
  /** Materialised path of the unit: its subtree is every path with this prefix. */
  path: string;
}

export interface Actor {
  tenantId: string;
  accountId: string;
  displayName: string;
  phone: string;
  memberId: string | null;
  isTenantAdmin: boolean;
  scopes: RoleScope[];
  /** Members this account currently mentors (传帮带). */
  menteeIds: string[];
  csrfToken: string;
}

/** Context of a use case: the actor and where the request came from (for the audit log). */
export interface RequestContext {
  actor: Actor;
  ip: string | null;
  /** the caller's language (Accept-Language): texts the server words follow it; zh-CN when absent */
  lang?: Lang;
}
