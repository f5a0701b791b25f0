/** The member registry: members, mobility (destinations and returns), contact, mentors, flags. */
export {
  assignMentor,
  getMember,
  idNumberIssue,
  markContact,
  recordDestination,
  recordReturn,
  resolveFilter,
  type MemberDeps,
} from './service.ts';
export { exportMemberRows, type MemberFilter } from './repo.ts';
export { registerMemberRoutes } from './routes.ts';
