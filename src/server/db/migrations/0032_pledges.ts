import { sql, type Kysely } from 'kysely';

/**
 * 我为群众办实事: the 四个一 pledges and job matching.
 *
 * `pledge_period` is the pledging window a unit sets for a year; a member's period is the nearest
 * one up their unit's path, and without any the whole calendar year is open.
 *
 * `pledge` is one of a member's four pledges of a year (one per kind: suggestion 一条发展建议,
 * wealth_tip 一个致富信息, good_deed 一件好事实事, job_help 帮一户就业). `org_id` is the member's unit when
 * they pledged (lists and scope go by it). Follow-up is assigned by a secretary (who, by when); the
 * outcome moves from pending to in_progress / adopted / done / not_feasible, and "became real" means
 * adopted or done. Once follow-up is assigned the member may no longer edit the text.
 *
 * `job_offer` is a job a member (often a mobile member in a city) offers for villagers; wages are
 * whole yuan per month. `job_seeker` is a villager looking for work, recorded by a secretary with
 * the least data that serves (a name, a phone, what work). `job_match` links a seeker to an offer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE pledge_period (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      org_id uuid NOT NULL,
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      opens_on date NOT NULL,
      closes_on date NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, org_id, year),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      CHECK (opens_on <= closes_on)
    );

    CREATE TABLE pledge (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      org_id uuid NOT NULL,
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      kind text NOT NULL CHECK (kind IN ('suggestion','wealth_tip','good_deed','job_help')),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      follow_up_member_id uuid,
      follow_up_due_on date,
      follow_up_assigned_at timestamptz,
      outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending','in_progress','adopted','done','not_feasible')),
      outcome_note text CHECK (outcome_note IS NULL OR length(outcome_note) <= 500),
      outcome_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, follow_up_member_id) REFERENCES member(tenant_id, id),
      CHECK (outcome <> 'not_feasible' OR (outcome_note IS NOT NULL AND length(outcome_note) > 0))
    );
    CREATE UNIQUE INDEX pledge_member_year_kind_uq ON pledge (tenant_id, member_id, year, kind);
    CREATE INDEX pledge_org_year_idx ON pledge (tenant_id, org_id, year);
    CREATE INDEX pledge_outcome_at_idx ON pledge (tenant_id, outcome_at) WHERE outcome_at IS NOT NULL;

    CREATE TABLE job_offer (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      org_id uuid NOT NULL,
      employer text NOT NULL CHECK (length(employer) BETWEEN 1 AND 100),
      city text NOT NULL CHECK (length(city) BETWEEN 1 AND 50),
      wage_min_yuan integer NOT NULL CHECK (wage_min_yuan >= 0),
      wage_max_yuan integer NOT NULL CHECK (wage_max_yuan >= 0),
      contact text NOT NULL CHECK (length(contact) BETWEEN 1 AND 100),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      CHECK (wage_min_yuan <= wage_max_yuan)
    );
    CREATE INDEX job_offer_org_idx ON job_offer (tenant_id, org_id, created_at DESC);
    CREATE INDEX job_offer_member_idx ON job_offer (tenant_id, member_id);

    CREATE TABLE job_seeker (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
      phone text NOT NULL CHECK (length(phone) BETWEEN 1 AND 30),
      wanted_work text NOT NULL CHECK (length(wanted_work) BETWEEN 1 AND 200),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX job_seeker_org_idx ON job_seeker (tenant_id, org_id, created_at DESC);

    CREATE TABLE job_match (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      offer_id uuid NOT NULL,
      seeker_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','hired','declined')),
      note text CHECK (note IS NULL OR length(note) <= 500),
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, offer_id) REFERENCES job_offer(tenant_id, id),
      FOREIGN KEY (tenant_id, seeker_id) REFERENCES job_seeker(tenant_id, id)
    );
    CREATE UNIQUE INDEX job_match_pair_uq ON job_match (tenant_id, offer_id, seeker_id);
    CREATE INDEX job_match_seeker_idx ON job_match (tenant_id, seeker_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE job_match;
    DROP TABLE job_seeker;
    DROP TABLE job_offer;
    DROP TABLE pledge;
    DROP TABLE pledge_period;
  `.execute(db);
}
