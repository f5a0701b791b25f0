import { defineConfig } from 'vitest/config';

// Integration tests run on PGlite; with LIANXIN_TEST_PG_URL set (as .ci/run does) the same suite
// runs again against a native PostgreSQL server, in the machine's zone (UTC here) and then in
// America/Los_Angeles, so nothing may depend on the zone the server runs in. Browser tests have
// their own project.
const pgUrl = process.env.LIANXIN_TEST_PG_URL;
/** Eight hours behind UTC in winter, sixteen behind China: a day there is seldom the day in Beijing. */
export const OTHER_ZONE = 'America/Los_Angeles';
const server = {
  include: ['src/**/*.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...server, name: 'pglite', env: { LIANXIN_TEST_PG_URL: '' } } },
      ...(pgUrl ? [{ test: { ...server, name: 'postgres', env: { LIANXIN_TEST_PG_URL: pgUrl, TZ: OTHER_ZONE } } }] : []),
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
