import { sql, type Kysely } from 'kysely';

/**
 * 每月一互动: members share from the phone, the branch comments and likes, the secretary sets the
 * month's topic and hides what must not stay.
 *
 * - `share_topic`: the month's topic (每月话题) of a unit: title, description, a due day in that
 *   month; `closed_at` ends new posts to it, `hidden_at` removes it from members' view as well.
 * - `share_post`: one member's post. `org_id` is the author's unit when posted; `audience_org_id`
 *   and `audience_path` are the unit that sees it (the author's branch or the top unit of the
 *   author's village): a member sees a post when the audience path is a prefix of their own unit's
 *   path. `hidden_at` / `hidden_reason` / `hidden_by`: the secretary hid it (the author sees why).
 *   `deleted_at`: the author deleted it (kept for the audit, never shown).
 * - `share_post_file`: the photos in their order (role 'photo', position 0–8) and at most one voice
 *   recording (role 'voice').
 * - `share_comment`: comments, hidden and deleted like posts.
 * - `share_like`: one per member and post.
 *
 * The feed reads newest first per audience unit with keyset pagination on (created_at, id); the
 * participation list and the drift radar read a member's posts by time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE share_topic (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
      due_on date NOT NULL,
      closed_at timestamptz,
      hidden_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX share_topic_org_month_idx ON share_topic (tenant_id, org_id, month);
    CREATE INDEX share_topic_month_idx ON share_topic (tenant_id, month);

    CREATE TABLE share_post (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      org_id uuid NOT NULL,
      topic_id uuid,
      kind text NOT NULL CHECK (kind IN ('study','work','home_advice','city','other')),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
      audience text NOT NULL CHECK (audience IN ('branch','village')),
      audience_org_id uuid NOT NULL,
      audience_path text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      hidden_at timestamptz,
      hidden_reason text CHECK (hidden_reason IS NULL OR length(hidden_reason) BETWEEN 1 AND 500),
      hidden_by uuid,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, audience_org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, topic_id) REFERENCES share_topic(tenant_id, id),
      CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL))
    );
    -- the feed: newest first per audience unit, keyset on (created_at, id)
    CREATE INDEX share_post_feed_idx ON share_post (tenant_id, audience_org_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
    -- the console's feed of a subtree and the participation list by month
    CREATE INDEX share_post_path_idx ON share_post (tenant_id, audience_path text_pattern_ops, created_at DESC) WHERE deleted_at IS NULL;
    -- a member's own posts (participation, drift radar, timeline)
    CREATE INDEX share_post_member_idx ON share_post (tenant_id, member_id, created_at DESC) WHERE deleted_at IS NULL;
    CREATE INDEX share_post_topic_idx ON share_post (tenant_id, topic_id) WHERE topic_id IS NOT NULL;

    CREATE TABLE share_post_file (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      post_id uuid NOT NULL,
      file_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN ('photo','voice')),
      position integer NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 8),
      PRIMARY KEY (tenant_id, post_id, file_id),
      FOREIGN KEY (tenant_id, post_id) REFERENCES share_post(tenant_id, id),
      FOREIGN KEY (tenant_id, file_id) REFERENCES stored_file(tenant_id, id)
    );
    CREATE UNIQUE INDEX share_post_file_position_uq ON share_post_file (tenant_id, post_id, role, position);
    CREATE INDEX share_post_file_file_idx ON share_post_file (tenant_id, file_id);

    CREATE TABLE share_comment (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      post_id uuid NOT NULL,
      member_id uuid NOT NULL,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      hidden_at timestamptz,
      hidden_reason text CHECK (hidden_reason IS NULL OR length(hidden_reason) BETWEEN 1 AND 500),
      hidden_by uuid,
      deleted_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, post_id) REFERENCES share_post(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL))
    );
    CREATE INDEX share_comment_post_idx ON share_comment (tenant_id, post_id, created_at, id);
    CREATE INDEX share_comment_member_idx ON share_comment (tenant_id, member_id, created_at DESC);

    CREATE TABLE share_like (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      post_id uuid NOT NULL,
      member_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, post_id, member_id),
      FOREIGN KEY (tenant_id, post_id) REFERENCES share_post(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX share_like_member_idx ON share_like (tenant_id, member_id, created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE share_like;
    DROP TABLE share_comment;
    DROP TABLE share_post_file;
    DROP TABLE share_post;
    DROP TABLE share_topic;
  `.execute(db);
}
