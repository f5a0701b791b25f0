import { sql, type Kysely } from 'kysely';

/**
 * 民主评议党员: the annual evaluation of a branch's members.
 *
 * A round (one per branch and year) walks its phases in order: study → self → peer → ballot →
 * proposal → notice → final. Its subjects are the branch's members at opening; a probationary
 * member (member.status = 'probationary') takes part but is not graded (graded = false).
 *
 * The ballot is secret. evaluation_voter records only WHETHER an eligible voter voted (no time, no
 * order); evaluation_ballot keeps the grades under a random id with no voter, no time and no
 * sequence, so no column joins a ballot to a person. Paper ballots counted by hand are entered as
 * counts per subject and grade (evaluation_paper_tally) with the number of paper ballots on the round.
 *
 * Peer evaluation (互评) happens at the 党员大会 itself: the round records that step as a phase with its
 * meeting date and a note, not as written comments — written peer comments signed by name would be
 * a second, non-secret ballot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE evaluation_round (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      phase text NOT NULL DEFAULT 'study'
        CHECK (phase IN ('study','self','peer','ballot','proposal','notice','final')),
      excellent_cap_num integer NOT NULL CHECK (excellent_cap_num >= 0),
      excellent_cap_den integer NOT NULL CHECK (excellent_cap_den > 0),
      peer_meeting_on date,
      peer_note text CHECK (length(peer_note) <= 2000),
      notice_until date,
      paper_ballots integer NOT NULL DEFAULT 0 CHECK (paper_ballots >= 0),
      finalized_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      created_by uuid,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      CHECK (excellent_cap_num <= excellent_cap_den)
    );
    CREATE UNIQUE INDEX evaluation_round_year_uq ON evaluation_round (tenant_id, org_id, year);

    CREATE TABLE evaluation_subject (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      round_id uuid NOT NULL,
      member_id uuid NOT NULL,
      graded boolean NOT NULL,
      self_text text CHECK (length(self_text) <= 5000),
      self_submitted_at timestamptz,
      proposed_grade text CHECK (proposed_grade IN ('excellent','qualified','basic','unqualified')),
      proposed_reason text CHECK (length(proposed_reason) <= 1000),
      final_grade text CHECK (final_grade IN ('excellent','qualified','basic','unqualified')),
      final_reason text CHECK (length(final_reason) <= 1000),
      PRIMARY KEY (tenant_id, round_id, member_id),
      FOREIGN KEY (tenant_id, round_id) REFERENCES evaluation_round(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK (graded OR (proposed_grade IS NULL AND final_grade IS NULL)),
      CHECK (proposed_grade IS DISTINCT FROM 'unqualified' OR length(trim(proposed_reason)) > 0),
      CHECK (final_grade IS DISTINCT FROM 'unqualified' OR length(trim(final_reason)) > 0)
    );
    CREATE INDEX evaluation_subject_member_idx ON evaluation_subject (tenant_id, member_id);

    CREATE TABLE evaluation_voter (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      round_id uuid NOT NULL,
      member_id uuid NOT NULL,
      voted boolean NOT NULL DEFAULT false,
      -- sha256 of the random key the phone chose for its ballot request, so a resend is answered as
      -- done: chosen before the grades and unrelated to them (the server's generic idempotency keeps
      -- a hash of the body per account, which for a small branch would give the grades away)
      receipt_hash text,
      PRIMARY KEY (tenant_id, round_id, member_id),
      FOREIGN KEY (tenant_id, round_id) REFERENCES evaluation_round(tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );

    CREATE TABLE evaluation_ballot (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      round_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      grades jsonb NOT NULL,
      PRIMARY KEY (tenant_id, round_id, id),
      FOREIGN KEY (tenant_id, round_id) REFERENCES evaluation_round(tenant_id, id)
    );

    CREATE TABLE evaluation_paper_tally (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      round_id uuid NOT NULL,
      member_id uuid NOT NULL,
      grade text NOT NULL CHECK (grade IN ('excellent','qualified','basic','unqualified')),
      count integer NOT NULL CHECK (count >= 0),
      PRIMARY KEY (tenant_id, round_id, member_id, grade),
      FOREIGN KEY (tenant_id, round_id, member_id) REFERENCES evaluation_subject(tenant_id, round_id, member_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE evaluation_paper_tally;
    DROP TABLE evaluation_ballot;
    DROP TABLE evaluation_voter;
    DROP TABLE evaluation_subject;
    DROP TABLE evaluation_round;
  `.execute(db);
}
