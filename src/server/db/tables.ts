import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types for Kysely, kept by hand next to the migrations they describe. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns travel as 'YYYY-MM-DD' strings (see the type parser in database.ts). */
type DateOnly = string;
type Json = ColumnType<unknown, string | undefined, string>;

export interface TenantTable {
  id: Generated<string>;
  name: string;
  created_at: Timestamp;
}

export type OrgKind = 'committee' | 'general_branch' | 'branch' | 'group';

export interface OrgTable {
  tenant_id: string;
  id: Generated<string>;
  parent_id: string | null;
  kind: OrgKind;
  name: string;
  path: string;
  sort_order: Generated<number>;
  retired_at: Date | null;
  created_at: Timestamp;
}

export interface GridTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  name: string;
  leader_member_id: string | null;
  retired_at: Date | null;
  created_at: Timestamp;
}

export interface MemberTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  grid_id: string | null;
  name: string;
  gender: 'male' | 'female';
  birth_date: DateOnly | null;
  ethnicity: string | null;
  education: string | null;
  phone: string;
  id_number_enc: string | null;
  id_number_hash: string | null;
  id_number_masked: string | null;
  join_date: DateOnly | null;
  status: 'full' | 'probationary';
  home_address: string | null;
  occupation: string | null;
  hardship_note: string | null;
  last_contact_at: DateOnly | null;
  lost_contact_since: DateOnly | null;
  lost_contact_confirmed_at: Date | null;
  left_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MobilityTable {
  tenant_id: string;
  id: Generated<string>;
  member_id: string;
  province_code: string;
  city_code: string | null;
  district_code: string | null;
  place_name: string;
  workplace: string | null;
  occupation: string | null;
  since: DateOnly;
  expected_return: DateOnly | null;
  contact: string | null;
  host_org: string | null;
  activity_card_no: string | null;
  ended_on: DateOnly | null;
  end_reason: 'moved' | 'returned' | null;
  created_at: Timestamp;
  created_by: string | null;
}

export interface MentorshipTable {
  tenant_id: string;
  id: Generated<string>;
  member_id: string;
  mentor_member_id: string;
  started_on: ColumnType<DateOnly, DateOnly | undefined, DateOnly>;
  ended_on: DateOnly | null;
}

export interface AccountTable {
  tenant_id: string;
  id: Generated<string>;
  phone: string;
  display_name: string;
  password_hash: string;
  member_id: string | null;
  is_tenant_admin: Generated<boolean>;
  disabled_at: Date | null;
  password_changed_at: Timestamp;
  created_at: Timestamp;
}

export interface RoleAssignmentTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  role: 'secretary' | 'group_leader';
  org_id: string;
  created_at: Timestamp;
}

export interface SessionTable {
  tenant_id: string;
  token_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface SettingTable {
  tenant_id: string;
  key: string;
  value: Json;
}

export interface AuditLogTable {
  tenant_id: string;
  id: Generated<string>;
  at: Timestamp;
  account_id: string | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: Json | null;
  after: Json | null;
  ip: string | null;
}

export interface DB {
  tenant: TenantTable;
  org: OrgTable;
  grid: GridTable;
  member: MemberTable;
  mobility: MobilityTable;
  mentorship: MentorshipTable;
  account: AccountTable;
  role_assignment: RoleAssignmentTable;
  session: SessionTable;
  setting: SettingTable;
  audit_log: AuditLogTable;
}

export type OrgRow = Selectable<OrgTable>;
export type MemberRow = Selectable<MemberTable>;
export type NewMember = Insertable<MemberTable>;
export type MemberUpdate = Updateable<MemberTable>;
export type MobilityRow = Selectable<MobilityTable>;
export type AccountRow = Selectable<AccountTable>;
