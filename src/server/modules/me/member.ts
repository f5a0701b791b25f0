// The caller's own member record is looked up in the directory (src/server/directory), below every module.
export { requireMember } from '../../directory/index.ts';
