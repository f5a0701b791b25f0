import type { z } from 'zod';
import type {
  AuditEntry as AuditEntrySchema,
  Dashboard as DashboardSchema,
  Grid as GridSchema,
  ImportJob as ImportJobSchema,
  MeAccount as MeAccountSchema,
  MemberDetail as MemberDetailSchema,
  MemberInput as MemberInputSchema,
  MemberList as MemberListSchema,
  MemberListItem as MemberListItemSchema,
  MemberPatch as MemberPatchSchema,
  MobilityInput as MobilityInputSchema,
  Mobility as MobilitySchema,
  OrgNode as OrgNodeSchema,
  OrgKind as OrgKindSchema,
  RevealedId as RevealedIdSchema,
  IssuedLogin as IssuedLoginSchema,
  UnitLeader as UnitLeaderSchema,
  CreateOrgBody as CreateOrgBodySchema,
  CreateGridBody as CreateGridBodySchema,
  UpdateGridBody as UpdateGridBodySchema,
} from '../../shared/api.ts';

/** Types of the HTTP contract, inferred from the shared zod schemas (types only: no zod in the bundle). */
export type MeAccount = z.infer<typeof MeAccountSchema>;
export type OrgNode = z.infer<typeof OrgNodeSchema>;
export type OrgKind = z.infer<typeof OrgKindSchema>;
export type Grid = z.infer<typeof GridSchema>;
export type MemberList = z.infer<typeof MemberListSchema>;
export type MemberListItem = z.infer<typeof MemberListItemSchema>;
export type MemberDetail = z.infer<typeof MemberDetailSchema>;
export type MemberInput = z.input<typeof MemberInputSchema>;
export type MemberPatch = z.input<typeof MemberPatchSchema>;
export type Mobility = z.infer<typeof MobilitySchema>;
export type MobilityInput = z.input<typeof MobilityInputSchema>;
export type RevealedId = z.infer<typeof RevealedIdSchema>;
export type IssuedLogin = z.infer<typeof IssuedLoginSchema>;
export type UnitLeader = z.infer<typeof UnitLeaderSchema>;
export type Dashboard = z.infer<typeof DashboardSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type ImportJob = z.infer<typeof ImportJobSchema>;
export type CreateOrgBody = z.input<typeof CreateOrgBodySchema>;
export type CreateGridBody = z.input<typeof CreateGridBodySchema>;
export type UpdateGridBody = z.input<typeof UpdateGridBodySchema>;
export type MemberStatus = MemberListItem['status'];
export type Gender = MemberListItem['gender'];

/** Not in src/shared/api.ts (described in API.md only). */
export interface RegionDistrict {
  code: string;
  name: string;
}
export interface RegionCity {
  code: string;
  name: string;
  children?: RegionDistrict[];
}
export interface RegionProvince {
  code: string;
  name: string;
  children?: RegionCity[];
}
export interface Regions {
  provinces: RegionProvince[];
}
export interface Settings {
  lostContactDays: number;
  shouldTransferMonths: number;
}
export interface AuditPage {
  items: AuditEntry[];
  total: number;
}
export interface Items<T> {
  items: T[];
}
