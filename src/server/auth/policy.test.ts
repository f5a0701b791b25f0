import { describe, expect, it } from 'vitest';
import type { Actor, RoleScope } from './actor.ts';
import { authorizeList, can, listScope, type ListAction } from './policy.ts';

const T = 't1';
const VILLAGE = '/v/';
const BRANCH = '/v/b1/';
const GROUP = '/v/b1/g1/';
const OTHER = '/v/b2/';

function actor(scopes: Omit<RoleScope, 'orgName' | 'orgId'>[], extra: Partial<Actor> = {}): Actor {
  return {
    tenantId: T,
    accountId: 'a',
    displayName: 'x',
    phone: '1',
    memberId: 'self',
    isTenantAdmin: false,
    scopes: scopes.map((s) => ({ ...s, orgId: s.path.split('/').filter(Boolean).at(-1) ?? '', orgName: s.path })),
    menteeIds: [],
    csrfToken: '',
    ...extra,
  };
}

const ACTORS: Record<string, Actor> = {
  admin: actor([], { isTenantAdmin: true, memberId: null }),
  villageSecretary: actor([{ role: 'secretary', path: VILLAGE }]),
  branchSecretary: actor([{ role: 'secretary', path: BRANCH }]),
  groupLeader: actor([{ role: 'group_leader', path: GROUP }]),
  mentor: actor([], { menteeIds: ['mentee'] }),
  member: actor([]),
  noMember: actor([], { memberId: null }),
};
const UNIT_ACTIONS: ListAction[] = ['org.read', 'attendance.mark', 'care.manage', 'learning.manage', 'dashboard.read', 'roster.export', 'community.manage', 'review.manage', 'service.manage'];

describe('list scopes follow the rules of a single target', () => {
  for (const [name, a] of Object.entries(ACTORS)) {
    it(`${name}: every unit in a list scope is one the action is allowed on, and no unit outside`, () => {
      for (const action of UNIT_ACTIONS) {
        const scope = listScope(a, action);
        for (const path of [VILLAGE, BRANCH, GROUP, OTHER, `${GROUP}x/`]) {
          const inScope = scope.all || scope.paths.some((p) => path.startsWith(p));
          expect(inScope, `${name} ${action} ${path}`).toBe(can(a, action, { kind: 'org', tenantId: T, path }));
        }
      }
    });

    it(`${name}: a member in the read scope is one member.read and care.read allow`, () => {
      for (const action of ['member.read', 'care.read', 'question.answer'] as const) {
        const scope = listScope(a, action);
        for (const [memberId, orgPath] of [['self', OTHER], ['mentee', OTHER], ['someone', GROUP], ['someone', OTHER]] as const) {
          const inScope = scope.all || scope.memberIds.includes(memberId) || scope.paths.some((p) => orgPath.startsWith(p));
          expect(inScope, `${name} ${action} ${memberId} in ${orgPath}`).toBe(can(a, action, { kind: 'member', tenantId: T, memberId, orgPath }));
        }
      }
    });
  }

  it('refuses a list whose scope is empty, as a tenant-wide authorization would', () => {
    for (const [name, a] of Object.entries(ACTORS)) {
      for (const action of ['org.read', 'care.manage', 'learning.manage', 'dashboard.read', 'community.manage', 'review.manage', 'service.manage'] as const) {
        const allowed = can(a, action, { kind: 'tenant', tenantId: T });
        if (allowed) expect(() => authorizeList(a, action), `${name} ${action}`).not.toThrow();
        else expect(() => authorizeList(a, action), `${name} ${action}`).toThrow('无权执行此操作');
      }
    }
    expect(() => authorizeList(ACTORS.mentor as Actor, 'care.read')).not.toThrow();
    expect(() => authorizeList(ACTORS.member as Actor, 'care.read')).toThrow('无权执行此操作');
  });
});
