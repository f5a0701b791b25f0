import { z } from 'zod';
import { CARE_RECIPIENT_CATEGORIES, TEAM_KINDS } from './enums.ts';
import { Uuid } from './primitives.ts';
import { Phone } from './api.ts';

/**
 * Volunteer teams (志愿服务队) and the people they look after (服务对象), as the console calls them
 * under /api/teams and /api/care-recipients, and a member's own teams under /api/me/teams.
 * A team belongs to a grid (its unit is the grid's) or directly to a unit. Its members are party
 * members or non-member volunteers kept as a name and a phone; a volunteer's phone is shown whole only
 * to the secretaries above the team (masked `138****0000` elsewhere). The people looked after are kept
 * with the least data that serves and every read of them is audited. Timestamps are ISO strings.
 */

export const TeamKind = z.enum(TEAM_KINDS);
export type TeamKind = z.infer<typeof TeamKind>;
export const CareRecipientCategory = z.enum(CARE_RECIPIENT_CATEGORIES);
export type CareRecipientCategory = z.infer<typeof CareRecipientCategory>;

const Name = z.string().trim().min(1).max(60);
const Description = z.string().trim().max(500);

// ---------- teams (console) ----------
export const Team = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  gridId: Uuid.nullable(),
  gridName: z.string().nullable(),
  name: z.string(),
  kind: TeamKind,
  description: z.string(),
  leader: z.object({ memberId: Uuid, name: z.string() }).nullable(),
  /** active members (the leader counts when also a member row) */
  memberCount: z.number(),
  /** people looked after, not retired (a count only: it names nobody) */
  recipientCount: z.number(),
  retired: z.boolean(),
  createdAt: z.string(),
});
export type Team = z.infer<typeof Team>;
export const TeamList = z.object({ items: z.array(Team) });
export type TeamList = z.infer<typeof TeamList>;
export const TeamQuery = z.object({
  orgId: Uuid.optional(),
  gridId: Uuid.optional(),
  includeRetired: z.enum(['true', 'false']).optional(),
});
export type TeamQuery = z.infer<typeof TeamQuery>;

export const TeamMember = z.object({
  /** the membership row (remove by it) */
  id: Uuid,
  /** a party member's id; null for a non-member volunteer */
  memberId: Uuid.nullable(),
  name: z.string(),
  /** a volunteer's phone (whole for the secretaries above, else masked); null for a party member */
  phone: z.string().nullable(),
  partyMember: z.boolean(),
  joinedAt: z.string(),
});
export type TeamMember = z.infer<typeof TeamMember>;
export const TeamDetail = Team.extend({ members: z.array(TeamMember) });
export type TeamDetail = z.infer<typeof TeamDetail>;

/** A team of a grid (`gridId`: the unit is the grid's) or of a unit (`orgId`); one of the two. */
export const CreateTeamBody = z.object({
  orgId: Uuid.optional(),
  gridId: Uuid.optional(),
  name: Name,
  kind: TeamKind,
  description: Description.optional(),
  leaderMemberId: Uuid.nullable().optional(),
});
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;
export const UpdateTeamBody = z.object({
  name: Name.optional(),
  kind: TeamKind.optional(),
  description: Description.optional(),
  leaderMemberId: Uuid.nullable().optional(),
});
export type UpdateTeamBody = z.infer<typeof UpdateTeamBody>;

/** Add a party member (`memberId`) or a non-member volunteer (`name` + `phone`). */
export const AddTeamMemberBody = z.object({
  memberId: Uuid.optional(),
  name: z.string().trim().min(1).max(50).optional(),
  phone: Phone.optional(),
});
export type AddTeamMemberBody = z.infer<typeof AddTeamMemberBody>;

// ---------- people looked after (服务对象) ----------
export const CareRecipient = z.object({
  id: Uuid,
  teamId: Uuid,
  gridId: Uuid.nullable(),
  gridName: z.string().nullable(),
  /** a name or a nickname */
  label: z.string(),
  category: CareRecipientCategory,
  need: z.string(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  createdAt: z.string(),
});
export type CareRecipient = z.infer<typeof CareRecipient>;
export const CareRecipientList = z.object({ items: z.array(CareRecipient) });
export type CareRecipientList = z.infer<typeof CareRecipientList>;
export const CareRecipientInput = z.object({
  label: z.string().trim().min(1).max(30),
  category: CareRecipientCategory,
  need: z.string().trim().min(1).max(300),
  contactName: z.string().trim().min(1).max(30).nullable().optional(),
  contactPhone: Phone.nullable().optional(),
  /** defaults to the team's grid */
  gridId: Uuid.nullable().optional(),
});
export type CareRecipientInput = z.infer<typeof CareRecipientInput>;
export const CareRecipientPatch = CareRecipientInput.partial();
export type CareRecipientPatch = z.infer<typeof CareRecipientPatch>;
/** The export (导出): only the grid, the category and the need; never a label or a contact. */
export const CareRecipientExportQuery = z.object({ teamId: Uuid.optional() });
export type CareRecipientExportQuery = z.infer<typeof CareRecipientExportQuery>;

// ---------- a member's own teams (member app) ----------
export const MyTeam = z.object({ id: Uuid, name: z.string(), kind: TeamKind, gridName: z.string().nullable(), leader: z.boolean() });
export type MyTeam = z.infer<typeof MyTeam>;
export const MyTeams = z.object({ teams: z.array(MyTeam) });
export type MyTeams = z.infer<typeof MyTeams>;
export const MyTeamDetail = z.object({
  team: MyTeam.extend({ orgName: z.string(), description: z.string(), leaderName: z.string().nullable() }),
  /** a volunteer's phone masked for everyone here; null for a party member */
  members: z.array(z.object({ name: z.string(), isLeader: z.boolean(), isPartyMember: z.boolean(), phone: z.string().nullable() })),
  recipients: z.array(
    z.object({
      id: Uuid,
      label: z.string(),
      category: CareRecipientCategory,
      need: z.string(),
      contactName: z.string().nullable(),
      contactPhone: z.string().nullable(),
    }),
  ),
});
export type MyTeamDetail = z.infer<typeof MyTeamDetail>;
