import { sql, type Kysely } from 'kysely';

/**
 * The answers to writes sent with an `Idempotency-Key` (src/server/idempotency.ts): the member app
 * picks a key on the phone for each queued write, so a resend after a lost answer is answered from
 * here instead of running again. Kept per tenant and account (one account's key never meets
 * another's); `status`/`body` are empty while the first request is still being handled.
 * Forgotten after 30 days by the purge-idempotency-keys job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE idempotency_key (
      tenant_id uuid NOT NULL,
      account_id uuid NOT NULL,
      key uuid NOT NULL,
      -- method, route and a hash of the parameters and body: the same key for another write is refused
      fingerprint text NOT NULL,
      status integer,
      body text,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      completed_at timestamptz,
      PRIMARY KEY (tenant_id, account_id, key),
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE idempotency_key`.execute(db);
}
