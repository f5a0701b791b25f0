import { sql, type Kysely } from 'kysely';

/**
 * 党务公开 (public disclosure): a unit's month, drafted from the data and approved before the public
 * sees it.
 *
 * `disclosure` is one row per unit and month. `sections` is the snapshot drafted from the month's
 * service projects, hours by team, pledges that became real and donation campaigns (JSON, built by
 * the disclosure module's read model); regenerating a draft or a returned one replaces it. `omitted`
 * names the sections the secretary leaves out, `note` is their short word to the public.
 * `state` follows news: draft → submitted → approved | returned; only an approved row is public, and
 * an approved row is frozen (no regeneration, no edit) until it is withdrawn, which makes it a draft
 * again (`withdrawn_at` says it was public once).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE disclosure (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','submitted','approved','returned')),
      sections jsonb NOT NULL,
      generated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      omitted text[] NOT NULL DEFAULT '{}' CHECK (omitted <@ ARRAY['projects','hours','pledges','donations']::text[]),
      note text CHECK (note IS NULL OR length(note) <= 500),
      return_reason text CHECK (return_reason IS NULL OR length(return_reason) BETWEEN 1 AND 500),
      created_by uuid,
      created_by_name text NOT NULL,
      submitted_by uuid,
      submitted_by_name text,
      submitted_at timestamptz,
      reviewed_by uuid,
      reviewed_by_name text,
      reviewed_at timestamptz,
      approved_by uuid,
      approved_by_name text,
      approved_at timestamptz,
      withdrawn_by uuid,
      withdrawn_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, created_by) REFERENCES account(tenant_id, id),
      CHECK (state <> 'approved' OR approved_at IS NOT NULL),
      CHECK (state <> 'returned' OR return_reason IS NOT NULL)
    );
    CREATE UNIQUE INDEX disclosure_org_month_key ON disclosure (tenant_id, org_id, month);
    CREATE INDEX disclosure_public_idx ON disclosure (tenant_id, org_id, month DESC) WHERE state = 'approved';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE disclosure;`.execute(db);
}
