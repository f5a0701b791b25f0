import { sql, type Kysely } from 'kysely';

/**
 * 季度一评议: the quarterly review of a unit's mobile members.
 *
 * - `review_rubric`: an organization's scoring items (key, title, points, the evidence shown beside
 *   it), in order, 100 points in all; an organization without a row uses the default rubric (code).
 * - `review_round`: one per unit and quarter ('YYYY-Qn'). It keeps a snapshot of the rubric it was
 *   opened with, so changing the rubric later never rewrites a round. Status: open (members write
 *   their self-summary) → scoring (summaries closed, the secretary scores) → published (members see
 *   their result) → closed.
 * - `review_entry`: one per mobile member of the unit when the round opened: the evidence gathered
 *   from the data (a snapshot, with when it was gathered), the member's self-summary, the opinion of
 *   the party organization where they work (流入地, entered by the secretary), the scores per item
 *   key, their total (computed by the server), the comment, when published and when the member saw it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE review_rubric (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      org_id uuid NOT NULL,
      items jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array'),
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, org_id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );

    CREATE TABLE review_round (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','scoring','published','closed')),
      rubric jsonb NOT NULL CHECK (jsonb_typeof(rubric) = 'array'),
      opened_by uuid,
      opened_at timestamptz NOT NULL DEFAULT lianxin_now(),
      scoring_at timestamptz,
      published_at timestamptz,
      closed_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, org_id, quarter),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );

    CREATE TABLE review_entry (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      round_id uuid NOT NULL,
      member_id uuid NOT NULL,
      evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
      gathered_at timestamptz NOT NULL DEFAULT lianxin_now(),
      self_summary text CHECK (length(self_summary) <= 1000),
      submitted_at timestamptz,
      inflow_opinion jsonb,
      inflow_at timestamptz,
      scores jsonb NOT NULL DEFAULT '{}'::jsonb,
      total integer CHECK (total BETWEEN 0 AND 100),
      comment text CHECK (length(comment) <= 1000),
      published_at timestamptz,
      seen_at timestamptz,
      PRIMARY KEY (tenant_id, round_id, member_id),
      FOREIGN KEY (tenant_id, round_id) REFERENCES review_round(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX review_entry_member_idx ON review_entry (tenant_id, member_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE review_entry;
    DROP TABLE review_round;
    DROP TABLE review_rubric;
  `.execute(db);
}
