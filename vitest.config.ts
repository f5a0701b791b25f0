import { configDefaults, defineConfig } from 'vitest/config';

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
  'month-end': { at: '2027-03-31T23:30:00+08:00', zone: OTHER_ZONE, whole: true },
  'leap-day': { at: '2028-02-29T07:30:00+08:00', zone: 'UTC', whole: false },
  'year-ahead': { at: YEAR_AHEAD, zone: undefined, whole: false },
} as const;

/**
 * The heaviest files that read no day at all (every route as every role, generated input, backups,
 * memory limits, several processes, the schema's types): they run at real now on PGlite and
 * PostgreSQL and at the month's end, not again on the leap day and a year ahead, which keeps the
 * suite near a quarter of an hour on two cores. clock-guard.test.ts keeps them from reading the
 * real time, so a later dependence on the day would fail it.
 */
const DAY_FREE_HEAVY = [
  'src/server/authorization.test.ts',
  'src/server/backup.test.ts',
  'src/server/db/schema-types.test.ts',
  'src/server/fuzz.test.ts',
  'src/server/list-scope.test.ts',
  'src/server/modules/roster/roster-bomb.test.ts',
  'src/server/multi-process.test.ts',
];

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
            ...Object.entries(CLOCK_MOMENTS).map(([moment, { at, zone, whole }]) => ({
              test: {
                ...server,
                name: `postgres-${moment}`,
                ...(whole ? {} : { exclude: [...configDefaults.exclude, ...DAY_FREE_HEAVY] }),
                env: { LIANXIN_TEST_PG_URL: pgUrl, LIANXIN_CLOCK_AT: at, ...(zone ? { TZ: zone } : {}) },
              },
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
          // A screen may take seconds to settle on a loaded machine: expect.poll waits as long as a
          // locator does (UI_TIMEOUT in test/e2e/support/browser.ts), not vitest's default second.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
