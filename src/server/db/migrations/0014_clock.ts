import { sql, type Kysely } from 'kysely';

/**
 * One clock for the server and its SQL. `lianxin_now()` is `now()` shifted by the connection's
 * `lianxin.clock_offset` (milliseconds; set when a connection opens, db/database.ts), which is zero
 * unless the process runs at another moment (LIANXIN_CLOCK_AT, never in production: clock.ts). Every
 * column default that read the time now reads it through this function, and `mentorship.started_on`
 * is the day in China instead of the database session's zone.
 *
 * Later migrations write `DEFAULT lianxin_now()` themselves (src/server/clock-guard.test.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION lianxin_now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT now() + make_interval(secs => COALESCE(NULLIF(current_setting('lianxin.clock_offset', true), '')::float8, 0) / 1000)
    $$`.execute(db);
  await sql`
    DO $$
    DECLARE c record;
    BEGIN
      FOR c IN
        SELECT table_name, column_name, column_default FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_default IN ('now()', 'CURRENT_DATE')
      LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT %s', c.table_name, c.column_name,
          CASE c.column_default WHEN 'now()' THEN 'lianxin_now()' ELSE '(lianxin_now() AT TIME ZONE ''Asia/Shanghai'')::date' END);
      END LOOP;
    END $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$
    DECLARE c record;
    BEGIN
      FOR c IN
        SELECT table_name, column_name, column_default FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_default LIKE '%lianxin_now()%'
      LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT %s', c.table_name, c.column_name,
          CASE WHEN c.column_default = 'lianxin_now()' THEN 'now()' ELSE 'CURRENT_DATE' END);
      END LOOP;
    END $$`.execute(db);
  await sql`DROP FUNCTION lianxin_now()`.execute(db);
}
