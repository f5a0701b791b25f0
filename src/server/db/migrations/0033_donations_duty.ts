import { sql, type Kysely } from 'kysely';

/**
 * Donation campaigns (捐款捐物) and duty rosters (值守).
 *
 * Money is integer fen (`bigint`, never negative). A campaign's balance is its received money
 * minus its spent money, both counting only entries not voided; a spending is written under a row
 * lock on the campaign after checking the balance, so it never goes below zero. Entries are never
 * deleted: a wrong one is voided with a reason. `receipt_no` is unique within a campaign among
 * entries not voided; when none is given the campaign's `receipt_seq` gives the next readable one.
 * `show_name` is the donor's consent to be named publicly (default: not named).
 *
 * A duty shift's assignments are unique per member among active ones (`status = 'active'`); a
 * sign-up locks the shift row and counts its active assignments against `capacity`. A swap names
 * the assignment and, optionally, the comrade asked; accepting it moves the assignment to the
 * accepting member in one transaction. `served` is what the secretary marked afterwards.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE donation_campaign (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
      purpose text NOT NULL DEFAULT '' CHECK (length(purpose) <= 1000),
      starts_on date NOT NULL,
      ends_on date,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
      receipt_seq integer NOT NULL DEFAULT 0 CHECK (receipt_seq >= 0),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    CREATE INDEX donation_campaign_org_idx ON donation_campaign (tenant_id, org_id, starts_on DESC);

    CREATE TABLE donation_receipt (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      campaign_id uuid NOT NULL,
      donor_name text NOT NULL CHECK (length(donor_name) BETWEEN 1 AND 60),
      donor_member_id uuid,
      show_name boolean NOT NULL DEFAULT false,
      kind text NOT NULL CHECK (kind IN ('money','goods')),
      amount_fen bigint CHECK (amount_fen >= 0),
      goods text CHECK (goods IS NULL OR length(goods) BETWEEN 1 AND 200),
      quantity text CHECK (quantity IS NULL OR length(quantity) BETWEEN 1 AND 60),
      received_on date NOT NULL,
      receipt_no text NOT NULL CHECK (length(receipt_no) BETWEEN 1 AND 40),
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
      voided_at timestamptz,
      voided_by uuid,
      void_reason text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES donation_campaign(tenant_id, id),
      FOREIGN KEY (tenant_id, donor_member_id) REFERENCES member(tenant_id, id),
      CHECK (kind <> 'money' OR (amount_fen IS NOT NULL AND goods IS NULL)),
      CHECK (kind <> 'goods' OR (amount_fen IS NULL AND goods IS NOT NULL)),
      CHECK ((voided_at IS NULL) = (void_reason IS NULL))
    );
    CREATE UNIQUE INDEX donation_receipt_no_idx ON donation_receipt (tenant_id, campaign_id, receipt_no) WHERE voided_at IS NULL;
    CREATE INDEX donation_receipt_campaign_idx ON donation_receipt (tenant_id, campaign_id, received_on);

    CREATE TABLE donation_spending (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      campaign_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('money','goods')),
      amount_fen bigint CHECK (amount_fen >= 0),
      goods text CHECK (goods IS NULL OR length(goods) BETWEEN 1 AND 200),
      quantity text CHECK (quantity IS NULL OR length(quantity) BETWEEN 1 AND 60),
      spent_on date NOT NULL,
      purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
      recipient text NOT NULL DEFAULT '' CHECK (length(recipient) <= 120),
      photo_file_id uuid,
      voided_at timestamptz,
      voided_by uuid,
      void_reason text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES donation_campaign(tenant_id, id),
      FOREIGN KEY (tenant_id, photo_file_id) REFERENCES stored_file(tenant_id, id),
      CHECK (kind <> 'money' OR (amount_fen IS NOT NULL AND goods IS NULL)),
      CHECK (kind <> 'goods' OR (amount_fen IS NULL AND goods IS NOT NULL)),
      CHECK ((voided_at IS NULL) = (void_reason IS NULL))
    );
    CREATE INDEX donation_spending_campaign_idx ON donation_spending (tenant_id, campaign_id, spent_on);

    CREATE TABLE duty_roster (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
      place text NOT NULL DEFAULT '' CHECK (length(place) <= 120),
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
      retired_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX duty_roster_org_idx ON duty_roster (tenant_id, org_id);

    CREATE TABLE duty_shift (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      roster_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      place text NOT NULL DEFAULT '' CHECK (length(place) <= 120),
      capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100),
      cancelled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, roster_id) REFERENCES duty_roster(tenant_id, id),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX duty_shift_roster_idx ON duty_shift (tenant_id, roster_id, starts_at);

    CREATE TABLE duty_assignment (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      shift_id uuid NOT NULL,
      member_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','cancelled')),
      served text CHECK (served IN ('served','absent')),
      served_marked_by uuid,
      served_marked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, shift_id) REFERENCES duty_shift(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE UNIQUE INDEX duty_assignment_member_idx ON duty_assignment (tenant_id, shift_id, member_id) WHERE status = 'active';
    CREATE INDEX duty_assignment_mine_idx ON duty_assignment (tenant_id, member_id, status);

    CREATE TABLE duty_swap (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      assignment_id uuid NOT NULL,
      from_member_id uuid NOT NULL,
      to_member_id uuid,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','accepted','withdrawn','declined')),
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
      accepted_by_member_id uuid,
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, assignment_id) REFERENCES duty_assignment(tenant_id, id),
      FOREIGN KEY (tenant_id, from_member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, to_member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, accepted_by_member_id) REFERENCES member(tenant_id, id)
    );
    CREATE UNIQUE INDEX duty_swap_open_idx ON duty_swap (tenant_id, assignment_id) WHERE status = 'open';
    CREATE INDEX duty_swap_to_idx ON duty_swap (tenant_id, to_member_id) WHERE status = 'open';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE duty_swap;
    DROP TABLE duty_assignment;
    DROP TABLE duty_shift;
    DROP TABLE duty_roster;
    DROP TABLE donation_spending;
    DROP TABLE donation_receipt;
    DROP TABLE donation_campaign;
  `.execute(db);
}
