/**
 * The directory: who belongs where, the one layer every module may read below the modules and above
 * db/ and auth/. It answers lookups of the org tree and of members (a unit, a member with their
 * unit's path, the caller's own member record, the subtree filter of SQL lists) and resolves the
 * units a list covers from `auth/policy.ts`'s list scopes. It holds no use case and writes nothing.
 */
export { getOrg, inSubtrees, topUnit } from './units.ts';
export { flagSql, hasMentorSql, memberBaseQuery, membersWithOrgs, memberWithOrg, requireMember, type FlagSettings } from './members.ts';
export { listSubtrees, summaryUnit, unitFor } from './list-scope.ts';
