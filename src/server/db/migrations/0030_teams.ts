import { sql, type Kysely } from 'kysely';

/**
 * Grids grow and volunteer teams (网格 + 志愿服务队) with the people they look after (服务对象).
 *
 * `grid` gains a households count and a short description (its leader and branch exist already).
 *
 * `service_team` belongs to a unit (`org_id`: the grid's org for a grid team, else a village or
 * branch) and optionally to a grid. `service_team_member` is either a party member (`member_id`)
 * or a non-member volunteer kept as a plain name with a phone; leaving sets `left_at` (the row
 * stays for history). At most one active row per team and party member, and per team and phone.
 *
 * `care_recipient` keeps the least personal data that serves: a label (a name or nickname), a
 * category, the need, an optional contact person and phone. Every read of these rows is audited
 * (`care_recipient.view`); exports carry only the grid, the category and the need.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE grid ADD COLUMN households integer CHECK (households >= 0);
    ALTER TABLE grid ADD COLUMN description text CHECK (length(description) <= 500);

    CREATE TABLE service_team (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      grid_id uuid,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      kind text NOT NULL CHECK (kind IN ('companion','environment','knock','errand','other')),
      leader_member_id uuid,
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
      retired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, grid_id) REFERENCES grid(tenant_id, id),
      FOREIGN KEY (tenant_id, leader_member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX service_team_org_idx ON service_team (tenant_id, org_id) WHERE retired_at IS NULL;
    CREATE INDEX service_team_grid_idx ON service_team (tenant_id, grid_id) WHERE grid_id IS NOT NULL;
    CREATE INDEX service_team_leader_idx ON service_team (tenant_id, leader_member_id) WHERE leader_member_id IS NOT NULL;

    CREATE TABLE service_team_member (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      team_id uuid NOT NULL,
      member_id uuid,
      name text CHECK (length(name) BETWEEN 1 AND 50),
      phone text CHECK (phone ~ '^1[0-9]{10}$'),
      joined_at timestamptz NOT NULL DEFAULT lianxin_now(),
      left_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, team_id) REFERENCES service_team(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK ((member_id IS NOT NULL AND name IS NULL AND phone IS NULL)
          OR (member_id IS NULL AND name IS NOT NULL AND phone IS NOT NULL))
    );
    CREATE UNIQUE INDEX service_team_member_active_member_uq ON service_team_member (tenant_id, team_id, member_id)
      WHERE left_at IS NULL AND member_id IS NOT NULL;
    CREATE UNIQUE INDEX service_team_member_active_phone_uq ON service_team_member (tenant_id, team_id, phone)
      WHERE left_at IS NULL AND phone IS NOT NULL;
    CREATE INDEX service_team_member_member_idx ON service_team_member (tenant_id, member_id) WHERE left_at IS NULL AND member_id IS NOT NULL;

    CREATE TABLE care_recipient (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      team_id uuid NOT NULL,
      grid_id uuid,
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 30),
      category text NOT NULL CHECK (category IN ('elderly_alone','left_behind_child','disabled','other')),
      need text NOT NULL CHECK (length(need) BETWEEN 1 AND 300),
      contact_name text CHECK (length(contact_name) BETWEEN 1 AND 30),
      contact_phone text CHECK (contact_phone ~ '^1[0-9]{10}$'),
      retired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, team_id) REFERENCES service_team(tenant_id, id),
      FOREIGN KEY (tenant_id, grid_id) REFERENCES grid(tenant_id, id)
    );
    CREATE INDEX care_recipient_team_idx ON care_recipient (tenant_id, team_id) WHERE retired_at IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE care_recipient;
    DROP TABLE service_team_member;
    DROP TABLE service_team;
    ALTER TABLE grid DROP COLUMN description;
    ALTER TABLE grid DROP COLUMN households;
  `.execute(db);
}
