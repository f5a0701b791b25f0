import { sql, type Kysely } from 'kysely';

/**
 * Sign-in rate-limit counters, kept in the database so every app process on one PostgreSQL sees
 * the same counts. The table is global on purpose, like job_run: before a password is checked no
 * tenant is known (one phone may sign in to several tenants, and an address's counter spans them
 * all), and it holds no tenant data, only phone numbers and addresses for about an hour.
 *
 * One row per limited thing: scope 'pair' (phone and address), 'address', or 'phone'. `failures`
 * counts failed attempts in the window plus those being checked at this moment.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE login_attempt (
      scope text NOT NULL CHECK (scope IN ('pair', 'address', 'phone')),
      subject text NOT NULL,
      failures integer NOT NULL DEFAULT 0,
      window_started_at timestamptz NOT NULL,
      last_attempt_at timestamptz NOT NULL,
      PRIMARY KEY (scope, subject)
    );
    CREATE INDEX login_attempt_window ON login_attempt (window_started_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE login_attempt`.execute(db);
}
