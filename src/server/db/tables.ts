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
  /** `nameSortKey(name)`: pinyin, collation "C"; set on every write of the name (migration 0013). */
  name_sort_key: string;
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
  last_active_at: Date | null;
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
  stored_file: StoredFileTable;
  study_item: StudyItemTable;
  push: PushTable;
  push_item: PushItemTable;
  push_delivery: PushDeliveryTable;
  study_session: StudySessionTable;
  session_material: SessionMaterialTable;
  session_attachment: SessionAttachmentTable;
  attendance: AttendanceTable;
  makeup: MakeupTable;
  care_task: CareTaskTable;
  care_task_event: CareTaskEventTable;
  talk: TalkTable;
  delivery: DeliveryTable;
  delivery_member: DeliveryMemberTable;
  delivery_photo: DeliveryPhotoTable;
  card_campaign: CardCampaignTable;
  card: CardTable;
  learning_month: LearningMonthTable;
  job_run: JobRunTable;
  import_job: ImportJobTable;
  login_attempt: LoginAttemptTable;
}

// ---------- learning (0003) ----------

export interface StoredFileTable {
  tenant_id: string;
  id: Generated<string>;
  storage_key: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  created_by: string | null;
  created_at: Timestamp;
}

export type StudyItemKind = 'article' | 'audio' | 'video' | 'pdf';
export type StudyCategory = 'party_history' | 'theory' | 'policy' | 'micro_lecture' | 'home_news' | 'other';

export interface StudyItemTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  kind: StudyItemKind;
  title: string;
  category: StudyCategory;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  author: string | null;
  summary: string | null;
  body_html: string | null;
  media_url: string | null;
  file_id: string | null;
  /** 0005: files shown in the article body (images), for reading permission */
  body_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  minutes: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  retired_at: Date | null;
}

export type PushAudience = 'subtree' | 'mobile' | 'list';

export interface PushTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  title: string;
  planned_at: Timestamp;
  audience: PushAudience;
  audience_member_ids: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<'planned' | 'delivered' | 'cancelled'>;
  delivered_at: Date | null;
  delivered_count: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface PushItemTable {
  tenant_id: string;
  push_id: string;
  item_id: string;
  position: number;
}

export interface PushDeliveryTable {
  tenant_id: string;
  push_id: string;
  member_id: string;
  delivered_at: Timestamp;
  opened_at: Date | null;
  read_item_ids: ColumnType<string[], string[] | undefined, string[]>;
  read_at: Date | null;
  reminded_at: Date | null;
}

export type SessionKind = 'online_class' | 'members_meeting' | 'committee_meeting' | 'group_meeting' | 'party_lecture' | 'theme_day';
export type AttendanceStatus = 'invited' | 'present' | 'late' | 'excused' | 'absent' | 'made_up';

export interface StudySessionTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  kind: SessionKind;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  mode: 'online' | 'on_site' | 'both';
  meeting_url: string | null;
  location: string | null;
  agenda: string | null;
  replay_url: string | null;
  checkin_opens_at: Timestamp;
  checkin_closes_at: Timestamp;
  qr_secret: string;
  audience: 'subtree' | 'list';
  status: Generated<'planned' | 'closed' | 'cancelled'>;
  closed_at: Date | null;
  minutes: string | null;
  makeup_days: Generated<number>;
  makeup_questions: Json;
  series_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface SessionMaterialTable {
  tenant_id: string;
  session_id: string;
  item_id: string;
  position: number;
}

export interface SessionAttachmentTable {
  tenant_id: string;
  id: Generated<string>;
  session_id: string;
  kind: 'minutes' | 'photo' | 'other';
  file_id: string;
  caption: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface AttendanceTable {
  tenant_id: string;
  session_id: string;
  member_id: string;
  status: Generated<AttendanceStatus>;
  voting: boolean;
  checked_in_at: Date | null;
  method: 'self' | 'qr' | 'marked' | null;
  marked_by: string | null;
  leave_reason: string | null;
  leave_status: 'requested' | 'approved' | 'rejected' | null;
  leave_requested_at: Date | null;
  leave_decided_by: string | null;
  updated_at: Timestamp;
}

export interface MakeupTable {
  tenant_id: string;
  session_id: string;
  member_id: string;
  missed_status: 'absent' | 'excused';
  due_on: DateOnly;
  status: Generated<'open' | 'submitted' | 'returned' | 'expired'>;
  reflection: string | null;
  answers: Json | null;
  submitted_at: Date | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  created_at: Timestamp;
}

export type CareTaskKind = 'absence_streak' | 'unread_streak' | 'follow_up' | 'visit' | 'hardship' | 'lost_contact' | 'other';

export interface CareTaskTable {
  tenant_id: string;
  id: Generated<string>;
  member_id: string;
  kind: CareTaskKind;
  reason: string;
  /** 0008: who does it (a member: the mentor, a secretary); null = the secretaries above the member */
  assignee_member_id: string | null;
  source_talk_id: string | null;
  created_by: string | null;
  status: Generated<'open' | 'snoozed' | 'done' | 'dropped'>;
  due_on: DateOnly;
  snoozed_until: DateOnly | null;
  note: string | null;
  closed_at: Date | null;
  closed_by: string | null;
  created_at: Timestamp;
}

export interface LearningMonthTable {
  tenant_id: string;
  member_id: string;
  month: DateOnly;
  pushes_delivered: Generated<number>;
  pushes_read: Generated<number>;
  /** 0004: attendance of closed sessions starting in the month (kept by triggers) */
  sessions_invited: Generated<number>;
  sessions_attended: Generated<number>;
  sessions_made_up: Generated<number>;
  sessions_missed: Generated<number>;
}

export interface JobRunTable {
  name: string;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_error: string | null;
  /** the process (host:pid) that ran it last (0012) */
  last_owner: string | null;
  runs: Generated<number>;
}

// ---------- roster import jobs (0010) ----------

export interface ImportJobTable {
  tenant_id: string;
  id: Generated<string>;
  /** upload order: the queue of a tenant runs by it */
  seq: Generated<number>;
  account_id: string;
  ip: string | null;
  file_name: string;
  /** the uploaded .xlsx until the job ends */
  upload: Buffer | null;
  state: Generated<'queued' | 'running' | 'failed' | 'done'>;
  phase: Generated<'reading' | 'validating' | 'writing' | 'finished'>;
  processed: Generated<number>;
  total: Generated<number>;
  imported: Generated<number>;
  issues: ColumnType<unknown, string | undefined, string>;
  message: string | null;
  /** the process running it (a random id per process) */
  worker_id: string | null;
  created_at: Timestamp;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
}

export type OrgRow = Selectable<OrgTable>;
export type MemberRow = Selectable<MemberTable>;
export type NewMember = Insertable<MemberTable>;
export type MemberUpdate = Updateable<MemberTable>;
export type MobilityRow = Selectable<MobilityTable>;
export type AccountRow = Selectable<AccountTable>;

// ---------- care (0008) ----------

export type TalkChannel = 'phone' | 'video' | 'wechat' | 'in_person';

export interface TalkTable {
  tenant_id: string;
  id: Generated<string>;
  member_id: string;
  talked_on: DateOnly;
  channel: TalkChannel;
  talker_member_id: string | null;
  talker_name: string;
  summary: string;
  situation_work: string | null;
  situation_family: string | null;
  situation_health: string | null;
  situation_thoughts: string | null;
  concerns: string | null;
  follow_up_needed: Generated<boolean>;
  /** 0009: the care task the follow-up opened or joined */
  follow_up_task_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export type CareTaskEventKind = 'created' | 'note' | 'snoozed' | 'reopened' | 'done' | 'dropped' | 'reassigned' | 'due_changed' | 'merged';

export interface CareTaskEventTable {
  tenant_id: string;
  id: Generated<string>;
  task_id: string;
  at: Timestamp;
  account_id: string | null;
  actor_name: string | null;
  kind: CareTaskEventKind;
  note: string | null;
  detail: Json | null;
}

export interface DeliveryTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  trip_on: DateOnly;
  province_code: string;
  city_code: string | null;
  place_name: string;
  travellers: string[];
  notes: string | null;
  follow_up: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeliveryMemberTable {
  tenant_id: string;
  delivery_id: string;
  member_id: string;
  items: string[];
  handed_to: string | null;
  words: string | null;
}

export interface DeliveryPhotoTable {
  tenant_id: string;
  delivery_id: string;
  file_id: string;
  caption: string | null;
  sort_order: Generated<number>;
}

export type CardOccasion = 'spring_festival' | 'dragon_boat' | 'mid_autumn' | 'custom';

export interface CardCampaignTable {
  tenant_id: string;
  id: Generated<string>;
  org_id: string;
  occasion: CardOccasion;
  title: string;
  greeting: string;
  signature: string;
  send_on: DateOnly;
  sent_at: Date | null;
  created_by: string | null;
  created_at: Timestamp;
}

export type CardChannel = 'ecard' | 'post' | 'both';
export type CardPostStatus = 'none' | 'pending' | 'posted' | 'delivered' | 'returned';

export interface CardTable {
  tenant_id: string;
  id: Generated<string>;
  campaign_id: string;
  member_id: string;
  channel: CardChannel;
  address: string | null;
  post_status: Generated<CardPostStatus>;
  post_note: string | null;
  sent_at: Date | null;
  opened_at: Date | null;
  posted_at: Date | null;
  delivered_at: Date | null;
  returned_at: Date | null;
}

// ---------- sign-in rate limits (0011) ----------

/** Global (no tenant_id): no tenant is known before the password is checked. */
export interface LoginAttemptTable {
  scope: 'pair' | 'address' | 'phone';
  subject: string;
  failures: Generated<number>;
  window_started_at: Date;
  last_attempt_at: Date;
}
