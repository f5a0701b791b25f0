/**
 * Volunteer teams (志愿服务队) of a grid or a unit, their members and the people they look after
 * (服务对象). Other modules ask here what a caller is to a team and whether a person is the team's.
 */
export { getTeamAccess, myTeamIds, requireRecipientOfTeam, type TeamAccess } from './access.ts';
/** The audit entry of a read of people looked after (`care_recipient.view`, the ids shown): for any answer that shows their labels. */
export { auditRecipientView, canReadRecipients } from './recipients.ts';
export { registerTeamRoutes } from './routes.ts';
