import type { TestEnv } from './harness.ts';
import { PHONES } from './harness.ts';

/** The roles `src/server/authorization.test.ts` calls every route as. */
export type Role = 'admin' | 'villageSecretary' | 'branchSecretary' | 'groupLeader' | 'mentor' | 'member';
export const ROLES: Role[] = ['admin', 'villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
export const PHONE_OF: Record<Role, string> = {
  admin: PHONES.tenantAdmin,
  villageSecretary: PHONES.generalSecretary,
  branchSecretary: PHONES.branchSecretary,
  groupLeader: PHONES.groupLeader,
  mentor: PHONES.mentor,
  member: PHONES.mobileMember,
};
export const SECRETARIES: Role[] = ['admin', 'villageSecretary'];

export interface Case {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  url: () => string;
  body?: () => unknown;
  /** Roles that pass authorization; every other role must get 403. */
  allowed: Role[] | 'all';
  public?: boolean;
  multipart?: boolean;
  /** Calls with a session of its own (logout would end the shared one). */
  freshSession?: boolean;
}

/**
 * Targets every module's cases aim at: they sit in 第二党支部, outside the branch secretary's,
 * the group leader's, the mentor's and the member's scope.
 */
export interface BaseIds {
  /** a member of 第四党小组 (第二党支部) */
  target: string;
  /** a mobile member of 第八党小组, nobody's mentee among the test roles */
  mobileTarget: string;
  branch2: string;
  branch3: string;
  group2: string;
  village: string;
  grid: string;
}

/** A module's routes: `setup` creates its targets (once, after the base ids are known). */
export interface AuthzModule {
  setup(env: TestEnv, ids: BaseIds): Promise<void>;
  cases: Case[];
}
