import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { clock, clockStartingAt, parseClockAt, shanghaiDate, type Clock } from './clock.ts';
import { loadConfig } from './config.ts';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { copyTestDatabase } from '../../test/support/pg-database.ts';
import { openTestApp, openTestDatabase, PHONES, TEST_PASSWORD } from '../../test/support/harness.ts';
import { addDays, addMonths, chinaDay, chinaDayStart, daysBetween, lastDayOfMonth, mondayOf } from '../shared/china-time.ts';

const HOUR = 3_600_000;

describe('the process clock', () => {
  it('starts at LIANXIN_CLOCK_AT when the pass sets one, and keeps flowing', () => {
    const at = process.env.LIANXIN_CLOCK_AT;
    const first = clock.now().getTime();
    // Started when this file's modules loaded: a few minutes at most ago on a busy machine.
    if (at) expect(first - Date.parse(at)).toBeGreaterThanOrEqual(0);
    if (at) expect(first - Date.parse(at)).toBeLessThan(HOUR);
    else expect(clock.offsetMs).toBe(0);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(first);
  });

  it('is shifted by the difference between the start moment and real time', () => {
    const c = clockStartingAt(new Date('2028-02-29T07:30:00+08:00'));
    const read = c.now().getTime();
    expect(read - Date.parse('2028-02-29T07:30:00+08:00')).toBeGreaterThanOrEqual(0);
    expect(read - Date.parse('2028-02-29T07:30:00+08:00')).toBeLessThan(HOUR);
    expect(shanghaiDate(c.now())).toBe('2028-02-29');
    expect(clockStartingAt(undefined).offsetMs).toBe(0);
  });

  it('takes an ISO instant with its zone, nothing else', () => {
    expect(parseClockAt('2028-02-29T07:30:00+08:00')).toEqual(new Date('2028-02-28T23:30:00Z'));
    expect(parseClockAt('2027-03-31T15:30Z')).toEqual(new Date('2027-03-31T15:30:00Z'));
    expect(typeof parseClockAt('2028-02-29')).toBe('string');
    expect(typeof parseClockAt('2028-02-29T07:30:00')).toBe('string');
    expect(typeof parseClockAt('2028-02-30T07:30:00+08:00')).toBe('string');
  });

  it('is refused in production and listed with the other problems', () => {
    const base = { LIANXIN_DATA_DIR: '/tmp/lianxin-unused' };
    expect(loadConfig({ ...base, NODE_ENV: 'test', LIANXIN_CLOCK_AT: '2028-02-29T07:30:00+08:00' }).clockAt).toEqual(new Date('2028-02-28T23:30:00Z'));
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', LIANXIN_SECRET_KEY: 'a'.repeat(64), LIANXIN_CLOCK_AT: '2028-02-29T07:30:00+08:00' })).toThrow(/LIANXIN_CLOCK_AT: the clock cannot be moved in production/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'test', LIANXIN_CLOCK_AT: 'tomorrow', LIANXIN_TRUST_PROXY: 'nonsense' })).toThrow(/LIANXIN_CLOCK_AT: must be an ISO instant[\s\S]*LIANXIN_TRUST_PROXY/);
  });
});

describe('the test database', () => {
  it('was seeded at the pass\'s moment: the demo village is hours old by the clock, not months', async () => {
    const opened = await openTestDatabase();
    try {
      const tenant = await opened.db.selectFrom('tenant').select('created_at').executeTakeFirstOrThrow();
      const age = clock.now().getTime() - tenant.created_at.getTime();
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(6 * HOUR);
    } finally {
      await opened.close();
    }
  });
});

describe('session cookies', () => {
  it('last the session\'s days by the browser\'s own clock (Max-Age), whatever moment the server runs at', async () => {
    const env = await openTestApp();
    try {
      const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.generalSecretary, password: TEST_PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      const days = 1; // openTestApp's sessions last a day
      for (const c of res.cookies) expect(c.maxAge, c.name).toBe(days * 86_400);
      expect(res.cookies.length).toBeGreaterThan(0);
    } finally {
      await env.close();
    }
  });
});

describe('China days', () => {
  it('are the day in Beijing, whatever the zone the process runs in', () => {
    expect(chinaDay(new Date('2027-03-31T15:59:59Z'))).toBe('2027-03-31');
    expect(chinaDay(new Date('2027-03-31T16:00:00Z'))).toBe('2027-04-01');
    expect(chinaDayStart('2028-02-29')).toEqual(new Date('2028-02-28T16:00:00Z'));
  });

  it('count across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-02-29', 1)).toBe('2028-03-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(29);
    expect(lastDayOfMonth('2028-02-10')).toBe('2028-02-29');
    expect(lastDayOfMonth('2100-02-10')).toBe('2100-02-28');
    expect(lastDayOfMonth('2027-12-01')).toBe('2027-12-31');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(mondayOf('2028-02-29')).toBe('2028-02-28');
    expect(mondayOf('2027-03-07')).toBe('2027-03-01');
  });
});

describe('the database clock', () => {
  const moment = new Date('2028-02-28T23:30:00Z');
  const shifted: Clock = clockStartingAt(moment);
  let opened: OpenedDatabase;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // A fresh migrated database whose connections carry another clock than the process's.
    if (inject('template').kind === 'postgres') {
      const copy = await copyTestDatabase();
      opened = await openDatabase({ databaseUrl: copy.url, poolSize: 2, clock: shifted });
      close = async () => { await opened.close(); await copy.drop(); };
    } else {
      const pglite = await PGlite.create();
      opened = await openDatabase({ pglite, clock: shifted });
      close = async () => { await opened.close(); await pglite.close(); };
    }
    await migrateToLatest(opened.db);
  }, 60_000);
  afterAll(async () => close());

  it('reads lianxin_now() at the connection\'s clock', async () => {
    const { rows } = await sql<{ at: Date; today: string }>`SELECT lianxin_now() AS at, (lianxin_now() AT TIME ZONE 'Asia/Shanghai')::date AS today`.execute(opened.db);
    const at = rows[0]!.at.getTime();
    expect(at - moment.getTime()).toBeGreaterThanOrEqual(-1000);
    expect(at - moment.getTime()).toBeLessThan(HOUR);
    expect(rows[0]!.today).toBe('2028-02-29');
  });

  it('gives column defaults the clock\'s time and China day', async () => {
    const defaults = await sql<{ column_default: string }>`
      SELECT column_default FROM information_schema.columns
       WHERE table_schema = current_schema() AND (column_default LIKE '%now()%' OR column_default LIKE '%CURRENT_%')`.execute(opened.db);
    expect(defaults.rows.length).toBeGreaterThan(10);
    for (const d of defaults.rows) expect(d.column_default).toMatch(/^lianxin_now\(\)$|^\(?\(?lianxin_now\(\) AT TIME ZONE 'Asia\/Shanghai'/);
    const tenant = await opened.db.insertInto('tenant').values({ name: '时钟镇' }).returning('created_at').executeTakeFirstOrThrow();
    expect(Math.abs(tenant.created_at.getTime() - moment.getTime())).toBeLessThan(HOUR);
  });

  it('is real time on a connection that was told nothing', async () => {
    const same = await opened.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('lianxin.clock_offset', '', true)`.execute(tx);
      return (await sql<{ same: boolean }>`SELECT lianxin_now() = now() AS same`.execute(tx)).rows[0]!.same;
    });
    expect(same).toBe(true);
  });
});
