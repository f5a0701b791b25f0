import { sql, type Kysely } from 'kysely';

/**
 * News with review before publishing (公众号 "闪亮红星", 保密审查).
 *
 * `news_item` keeps two copies of an item: the working copy (title, summary, body, cover; its
 * `status` is draft → in_review → approved | returned) and the published copy (`published_*`), the
 * last approved version. The public page shows only the published copy, and only while
 * `published_version` is set and `withdrawn_at` is null: an edit after approval makes a new pending
 * version (status draft, `version` + 1) while the public page keeps the old one until approved.
 * `body_file_ids` / `published_body_file_ids` are the stored images the bodies show: the public
 * file route serves a file only when it is the published cover or a published body image.
 *
 * `news_review` is the history: every submission's decision (approve, return with a note), every
 * withdrawal, with the version it concerned and who decided. `self_review` marks an author
 * approving their own item (allowed: a village may have one secretary; recorded plainly).
 *
 * `news_editor` names a 通讯员 of a unit: an account a secretary lets draft the unit's news.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE news_item (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','in_review','approved','returned')),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
      summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 200),
      body_html text NOT NULL DEFAULT '',
      body_file_ids uuid[] NOT NULL DEFAULT '{}',
      cover_file_id uuid,
      author_account_id uuid,
      author_name text NOT NULL,
      submitted_at timestamptz,
      reviewed_by uuid,
      reviewed_by_name text,
      reviewed_at timestamptz,
      review_note text,
      published_version integer,
      published_title text,
      published_summary text,
      published_body_html text,
      published_body_file_ids uuid[] NOT NULL DEFAULT '{}',
      published_cover_file_id uuid,
      published_at timestamptz,
      first_published_at timestamptz,
      withdrawn_at timestamptz,
      study_item_id uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, cover_file_id) REFERENCES stored_file(tenant_id, id),
      FOREIGN KEY (tenant_id, published_cover_file_id) REFERENCES stored_file(tenant_id, id),
      FOREIGN KEY (tenant_id, author_account_id) REFERENCES account(tenant_id, id),
      FOREIGN KEY (tenant_id, study_item_id) REFERENCES study_item(tenant_id, id),
      CHECK ((published_version IS NULL) = (published_at IS NULL)),
      CHECK (published_version IS NULL OR (published_title IS NOT NULL AND published_body_html IS NOT NULL))
    );
    CREATE INDEX news_item_org_idx ON news_item (tenant_id, org_id, updated_at DESC);
    CREATE INDEX news_item_public_idx ON news_item (tenant_id, org_id, first_published_at DESC) WHERE published_version IS NOT NULL AND withdrawn_at IS NULL;
    CREATE INDEX news_item_review_idx ON news_item (tenant_id, submitted_at) WHERE status = 'in_review';

    CREATE TABLE news_review (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      item_id uuid NOT NULL,
      version integer NOT NULL,
      decision text NOT NULL CHECK (decision IN ('submit','approve','return','withdraw')),
      note text,
      self_review boolean NOT NULL DEFAULT false,
      actor_account_id uuid,
      actor_name text NOT NULL,
      at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, item_id) REFERENCES news_item(tenant_id, id),
      CHECK (decision <> 'return' OR (note IS NOT NULL AND length(note) > 0))
    );
    CREATE INDEX news_review_item_idx ON news_review (tenant_id, item_id, at);

    CREATE TABLE news_editor (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      org_id uuid NOT NULL,
      account_id uuid NOT NULL,
      granted_by uuid,
      granted_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, org_id, account_id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id)
    );
    CREATE INDEX news_editor_account_idx ON news_editor (tenant_id, account_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE news_editor;
    DROP TABLE news_review;
    DROP TABLE news_item;
  `.execute(db);
}
