import { sql, type Kysely } from 'kysely';

/**
 * 有问必答: a member's question to their branch, its answers and the unit's FAQ.
 *
 * - `question` keeps where it was routed as of asking: the member's unit (`org_id`), the branch above
 *   it (`branch_org_id`, whose secretaries answer) and the member's mentor then (`mentor_member_id`,
 *   null when none). `due_on` is the China day by which an answer is due (asked day + working days);
 *   overdue = still open after it. `status` is 'open' until the first answer, then 'answered'.
 *   `answer_seen_at` is when the member opened the latest answer (null: an answer waits unseen).
 * - `question_answer`: one row per answer or follow-up, with who answered (account, member when the
 *   account has one, name and role as of answering).
 * - `faq_entry`: a unit's FAQ; the texts are the secretary's edited copies (personal details removed),
 *   never read from the question again. `source_question_id` only tells where it came from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE question (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      org_id uuid NOT NULL,
      branch_org_id uuid NOT NULL,
      mentor_member_id uuid,
      title text CHECK (title IS NULL OR length(title) BETWEEN 1 AND 60),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
      publishable boolean NOT NULL DEFAULT false,
      asked_at timestamptz NOT NULL DEFAULT lianxin_now(),
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered')),
      answered_at timestamptz,
      answer_seen_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, branch_org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, mentor_member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX question_member_idx ON question (tenant_id, member_id, asked_at DESC);
    CREATE INDEX question_branch_idx ON question (tenant_id, branch_org_id, status, due_on);
    CREATE INDEX question_mentor_idx ON question (tenant_id, mentor_member_id, asked_at DESC) WHERE mentor_member_id IS NOT NULL;

    CREATE TABLE question_answer (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      question_id uuid NOT NULL,
      account_id uuid NOT NULL,
      answerer_member_id uuid,
      answerer_name text NOT NULL,
      answerer_role text NOT NULL CHECK (answerer_role IN ('secretary','mentor')),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
      answered_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, question_id) REFERENCES question(tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id),
      FOREIGN KEY (tenant_id, answerer_member_id) REFERENCES member(tenant_id, id)
    );
    CREATE INDEX question_answer_question_idx ON question_answer (tenant_id, question_id, answered_at);

    CREATE TABLE faq_entry (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      question_text text NOT NULL CHECK (length(question_text) BETWEEN 1 AND 1000),
      answer_text text NOT NULL CHECK (length(answer_text) BETWEEN 1 AND 2000),
      source_question_id uuid,
      published_at timestamptz,
      sort_order integer NOT NULL DEFAULT 0,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id),
      FOREIGN KEY (tenant_id, source_question_id) REFERENCES question(tenant_id, id) ON DELETE SET NULL (source_question_id)
    );
    CREATE INDEX faq_entry_org_idx ON faq_entry (tenant_id, org_id, sort_order);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE faq_entry;
    DROP TABLE question_answer;
    DROP TABLE question;
  `.execute(db);
}
