import { defineConfig } from 'vitest/config';

// Integration tests run on PGlite; with LIANXIN_TEST_PG_URL set (as .ci/run does) the same suite
// runs again against a native PostgreSQL server, in the machine's zone (UTC here) and then in
// America/Los_Angeles, so nothing may depend on the zone the server runs in; and then at three
// other moments of the server's clock (LIANXIN_CLOCK_AT, src/server/clock.ts), so nothing may
// depend on the day the suite runs. Browser tests have their own project.
const pgUrl = process.env.LIANXIN_TEST_PG_URL;
/** Eight hours behind UTC in winter, sixteen behind China: a day there is seldom the day in Beijing. */
export const OTHER_ZONE = 'America/Los_Angeles';

/**
 * The moments the clock passes run at: the last evening of a month in Beijing (the next China day
 * is a new month, and it is still the 31st in UTC and in Los Angeles), a leap day (07:30 in Beijing
 * is still the 28th in UTC), and a day a year from the real now (the demo's and the tests' dates
 * move along with it).
 */
const YEAR_AHEAD = new Date(Date.now() + 365 * 86_400_000).toISOString();
export const CLOCK_MOMENTS = {
  'month-end': { at: '2027-03-31T23:30:00+08:00', zone: OTHER_ZONE },
  'leap-day': { at: '2028-02-29T07:30:00+08:00', zone: 'UTC' },
  'year-ahead': { at: YEAR_AHEAD, zone: undefined },
} as const;

const server = {
  include: ['src/**/*.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...server, name: 'pglite', env: { LIANXIN_TEST_PG_URL: '', LIANXIN_CLOCK_AT: '' } } },
      ...(pgUrl
        ? [
            { test: { ...server, name: 'postgres', env: { LIANXIN_TEST_PG_URL: pgUrl, TZ: OTHER_ZONE, LIANXIN_CLOCK_AT: '' } } },
            ...Object.entries(CLOCK_MOMENTS).map(([moment, { at, zone }]) => ({
              test: { ...server, name: `postgres-${moment}`, env: { LIANXIN_TEST_PG_URL: pgUrl, LIANXIN_CLOCK_AT: at, ...(zone ? { TZ: zone } : {}) } },
            })),
          ]
        : []),
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
