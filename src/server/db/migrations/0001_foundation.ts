import { sql, type Kysely } from 'kysely';

/**
 * The foundation: tenants, the org tree, grids, members with mobility and mentors, accounts,
 * roles, sessions, settings and the append-only audit log.
 *
 * Every table carries tenant_id and every key and foreign key includes it, so the schema can be
 * distributed by tenant (e.g. on Citus) without changes. SQL stays within what PostgreSQL 15 accepts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenant (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE org (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      parent_id uuid,
      kind text NOT NULL CHECK (kind IN ('committee','general_branch','branch','group')),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      -- materialised path of ids, '/<root>/<child>/…/<id>/': a subtree is a prefix match
      path text NOT NULL,
      sort_order integer NOT NULL DEFAULT 0,
      retired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, parent_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX org_path_idx ON org (tenant_id, path text_pattern_ops);
    CREATE INDEX org_parent_idx ON org (tenant_id, parent_id);

    CREATE TABLE grid (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      leader_member_id uuid,
      retired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );

    CREATE TABLE member (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      grid_id uuid,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
      gender text NOT NULL CHECK (gender IN ('male','female')),
      birth_date date,
      ethnicity text,
      education text,
      phone text NOT NULL,
      id_number_enc text,
      id_number_hash text,
      id_number_masked text,
      join_date date,
      status text NOT NULL CHECK (status IN ('full','probationary')),
      home_address text,
      occupation text,
      hardship_note text,
      last_contact_at date,
      lost_contact_since date,
      lost_contact_confirmed_at timestamptz,
      left_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, grid_id) REFERENCES grid(tenant_id, id)
    );
    CREATE UNIQUE INDEX member_phone_uq ON member (tenant_id, phone);
    CREATE UNIQUE INDEX member_id_number_uq ON member (tenant_id, id_number_hash);
    CREATE INDEX member_org_idx ON member (tenant_id, org_id);
    CREATE INDEX member_name_idx ON member (tenant_id, name text_pattern_ops);
    CREATE INDEX member_phone_prefix_idx ON member (tenant_id, phone text_pattern_ops);
    ALTER TABLE grid ADD FOREIGN KEY (tenant_id, leader_member_id) REFERENCES member(tenant_id, id);

    -- One row per stay away from home. The open row (ended_on IS NULL) is the current destination;
    -- a change of destination closes it and opens a new one, so the history is never overwritten.
    CREATE TABLE mobility (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      province_code text NOT NULL,
      city_code text,
      district_code text,
      place_name text NOT NULL,
      workplace text,
      occupation text,
      since date NOT NULL,
      expected_return date,
      contact text,
      host_org text,
      activity_card_no text,
      ended_on date,
      end_reason text CHECK (end_reason IN ('moved','returned')),
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK (ended_on IS NULL OR ended_on >= since)
    );
    CREATE UNIQUE INDEX mobility_current_uq ON mobility (tenant_id, member_id) WHERE ended_on IS NULL;
    CREATE INDEX mobility_member_idx ON mobility (tenant_id, member_id, since DESC);
    CREATE INDEX mobility_place_idx ON mobility (tenant_id, province_code, city_code) WHERE ended_on IS NULL;

    CREATE TABLE mentorship (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      mentor_member_id uuid NOT NULL,
      started_on date NOT NULL DEFAULT CURRENT_DATE,
      ended_on date,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, mentor_member_id) REFERENCES member(tenant_id, id),
      CHECK (member_id <> mentor_member_id)
    );
    CREATE UNIQUE INDEX mentorship_current_uq ON mentorship (tenant_id, member_id) WHERE ended_on IS NULL;
    CREATE INDEX mentorship_mentor_idx ON mentorship (tenant_id, mentor_member_id) WHERE ended_on IS NULL;

    CREATE TABLE account (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      phone text NOT NULL,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      member_id uuid,
      is_tenant_admin boolean NOT NULL DEFAULT false,
      disabled_at timestamptz,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE UNIQUE INDEX account_phone_uq ON account (tenant_id, phone);
    CREATE INDEX account_phone_idx ON account (phone);
    CREATE UNIQUE INDEX account_member_uq ON account (tenant_id, member_id);

    CREATE TABLE role_assignment (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN ('secretary','group_leader')),
      org_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE UNIQUE INDEX role_assignment_uq ON role_assignment (tenant_id, account_id, role, org_id);

    CREATE TABLE session (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      token_hash text NOT NULL,
      account_id uuid NOT NULL,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ip text,
      user_agent text,
      PRIMARY KEY (tenant_id, token_hash),
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id)
    );

    CREATE TABLE setting (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      key text NOT NULL,
      value jsonb NOT NULL,
      PRIMARY KEY (tenant_id, key)
    );

    CREATE TABLE audit_log (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      at timestamptz NOT NULL DEFAULT now(),
      account_id uuid,
      actor_name text,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text,
      before jsonb,
      after jsonb,
      ip text,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX audit_log_at_idx ON audit_log (tenant_id, at DESC);
    CREATE INDEX audit_log_entity_idx ON audit_log (tenant_id, entity, entity_id);

    -- The audit log is append-only: the database itself refuses to change or delete an entry.
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END;
    $$;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the foundation migration cannot be reverted');
}
