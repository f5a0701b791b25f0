import { sql, type Kysely } from 'kysely';

/**
 * No member drifts away (思想动态 · 党内关怀): heart-to-heart talks, care tasks with an assignee
 * and a history, study delivery trips (千里送学), holiday-card campaigns (节日贺卡).
 *
 * - A talk is about one member; follow-up creates a care task (`care_task.source_talk_id`).
 * - A care task has one assignee (a member: the mentor, a secretary…); NULL means "the secretaries
 *   above the member". `care_task_event` is its history (created, note, snoozed, reassigned, …).
 *   De-duplication stays the partial unique index care_task_open_uq (one open or snoozed task per
 *   member and kind).
 * - A delivery trip is organised by a unit; the members met are `delivery_member` rows with what
 *   was handed over and what they said; photos are stored files.
 * - A card campaign has one `card` per recipient with its channel and its posting status.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE talk (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      talked_on date NOT NULL,
      channel text NOT NULL CHECK (channel IN ('phone','video','wechat','in_person')),
      -- who talked: a member (the mentor, a secretary) when the account has one; the name always
      talker_member_id uuid,
      talker_name text NOT NULL,
      summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
      situation_work text,
      situation_family text,
      situation_health text,
      situation_thoughts text,
      concerns text,
      follow_up_needed boolean NOT NULL DEFAULT false,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, talker_member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX talk_member_idx ON talk (tenant_id, member_id, talked_on DESC);
    CREATE INDEX talk_talker_idx ON talk (tenant_id, talker_member_id, talked_on DESC);

    ALTER TABLE care_task RENAME COLUMN mentor_member_id TO assignee_member_id;
    ALTER INDEX care_task_mentor_idx RENAME TO care_task_assignee_idx;
    ALTER TABLE care_task DROP CONSTRAINT care_task_kind_check;
    ALTER TABLE care_task ADD CONSTRAINT care_task_kind_check
      CHECK (kind IN ('absence_streak','unread_streak','follow_up','visit','hardship','lost_contact','other'));
    ALTER TABLE care_task
      ADD COLUMN source_talk_id uuid,
      ADD COLUMN created_by uuid,
      ADD FOREIGN KEY (tenant_id, source_talk_id) REFERENCES talk(tenant_id, id);
    CREATE INDEX care_task_member_idx ON care_task (tenant_id, member_id, created_at DESC);

    CREATE TABLE care_task_event (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      task_id uuid NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      account_id uuid,
      actor_name text,
      kind text NOT NULL CHECK (kind IN ('created','note','snoozed','reopened','done','dropped','reassigned','due_changed','merged')),
      note text,
      detail jsonb,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, task_id) REFERENCES care_task(tenant_id, id)
    );
    CREATE INDEX care_task_event_task_idx ON care_task_event (tenant_id, task_id, at);

    CREATE TABLE delivery (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      trip_on date NOT NULL,
      province_code text NOT NULL,
      city_code text,
      place_name text NOT NULL,
      -- who went (free names: secretaries, members, town cadres)
      travellers text[] NOT NULL DEFAULT '{}',
      notes text,
      follow_up text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX delivery_org_idx ON delivery (tenant_id, org_id, trip_on DESC);

    CREATE TABLE delivery_member (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      delivery_id uuid NOT NULL,
      member_id uuid NOT NULL,
      -- what was handed over: books, materials, badge (党徽), other free words
      items text[] NOT NULL DEFAULT '{}',
      handed_to text,
      words text,
      PRIMARY KEY (tenant_id, delivery_id, member_id),
      FOREIGN KEY (tenant_id, delivery_id) REFERENCES delivery(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX delivery_member_member_idx ON delivery_member (tenant_id, member_id);

    CREATE TABLE delivery_photo (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      delivery_id uuid NOT NULL,
      file_id uuid NOT NULL,
      caption text,
      sort_order integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, delivery_id, file_id),
      FOREIGN KEY (tenant_id, delivery_id) REFERENCES delivery(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, file_id) REFERENCES stored_file(tenant_id, id)
    );

    CREATE TABLE card_campaign (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      occasion text NOT NULL CHECK (occasion IN ('spring_festival','dragon_boat','mid_autumn','custom')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
      greeting text NOT NULL CHECK (length(greeting) BETWEEN 1 AND 1000),
      signature text NOT NULL,
      send_on date NOT NULL,
      sent_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX card_campaign_org_idx ON card_campaign (tenant_id, org_id, send_on DESC);
    CREATE INDEX card_campaign_due_idx ON card_campaign (send_on) WHERE sent_at IS NULL;

    CREATE TABLE card (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      campaign_id uuid NOT NULL,
      member_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('ecard','post','both')),
      -- the postal address for posted cards (copied from the member's destination when chosen)
      address text,
      post_status text NOT NULL DEFAULT 'none' CHECK (post_status IN ('none','pending','posted','delivered','returned')),
      post_note text,
      sent_at timestamptz,
      opened_at timestamptz,
      posted_at timestamptz,
      delivered_at timestamptz,
      returned_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, campaign_id, member_id),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES card_campaign(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK (channel = 'ecard' OR address IS NOT NULL)
    );
    CREATE INDEX card_member_idx ON card (tenant_id, member_id, sent_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE card; DROP TABLE card_campaign;
    DROP TABLE delivery_photo; DROP TABLE delivery_member; DROP TABLE delivery;
    DROP TABLE care_task_event;
    DROP INDEX care_task_member_idx;
    ALTER TABLE care_task DROP COLUMN source_talk_id, DROP COLUMN created_by;
    ALTER TABLE care_task DROP CONSTRAINT care_task_kind_check;
    ALTER TABLE care_task ADD CONSTRAINT care_task_kind_check
      CHECK (kind IN ('absence_streak','unread_streak','follow_up','visit','hardship','lost_contact'));
    ALTER INDEX care_task_assignee_idx RENAME TO care_task_mentor_idx;
    ALTER TABLE care_task RENAME COLUMN assignee_member_id TO mentor_member_id;
    DROP TABLE talk;
  `.execute(db);
}
