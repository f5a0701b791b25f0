import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Server code reads the time from the clock (clock.ts): `clock.now()` in TypeScript, `lianxin_now()`
 * in SQL. Anything else reads real time, which the suite's passes at other moments (vitest.config.ts)
 * and LIANXIN_CLOCK_AT do not move, and on PostgreSQL SQL's `now()` is real time whatever the
 * process does. This fails on such a reading outside the few places that truly mean real time.
 */
const SERVER = fileURLToPath(new URL('./', import.meta.url));
const ROOT = path.resolve(SERVER, '../..');

const READINGS: { what: string; pattern: RegExp }[] = [
  { what: 'new Date() without arguments', pattern: /\bnew Date\(\s*\)/g },
  { what: 'Date.now()', pattern: /\bDate\.now\(\s*\)/g },
  { what: 'SQL now()', pattern: /(?<![.\w])now\(\s*\)(?!\s*:)/g },
  { what: 'SQL CURRENT_DATE / CURRENT_TIMESTAMP / LOCALTIMESTAMP…', pattern: /\b(CURRENT_DATE|CURRENT_TIMESTAMP|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME|clock_timestamp|statement_timestamp|transaction_timestamp)\b/gi },
];

/** Files that mean real time, with how many readings each holds and why. */
const REAL_TIME: Record<string, { readings: number; why: string }> = {
  'src/server/clock.ts': { readings: 2, why: 'the clock itself: real time plus its shift' },
  'src/server/db/migrations/0014_clock.ts': { readings: 6, why: 'defines lianxin_now() as now() plus the shift, and finds the defaults that read now() or CURRENT_DATE' },
  'src/server/db/data-lock.ts': { readings: 5, why: 'the lock file: when a process took it, how long to wait for it, the age of a half-written one' },
  'src/server/cli.ts': { readings: 2, why: 'how long the command waits for a starting server' },
  'src/server/modules/settings/service.ts': { readings: 2, why: 'the settings cache expires after a real-time interval' },
  'src/server/modules/roster/import-jobs.ts': { readings: 2, why: 'how often a process looks for imports of dead processes' },
};
/** Where the change feed lives (it is being moved): its notices are coalesced over real time. */
for (const file of ['src/server/db/change-feed.ts', 'src/server/change-feed.ts']) {
  REAL_TIME[file] = { readings: 2, why: 'notices are sent at most every 100 ms of real time' };
}

/** Migrations released before the clock existed: they ran once; 0014 points their defaults at lianxin_now(). */
const HISTORICAL_MIGRATION = /^src\/server\/db\/migrations\/00(0\d|1[0-3])_/;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, keep);
    return keep(entry.name) ? [path.relative(ROOT, full).split(path.sep).join('/')] : [];
  });
}

/** The code of a file without its comments' lines (they may name what they must not call). */
const codeLines = (text: string): { line: number; code: string }[] =>
  text
    .split('\n')
    .map((code, i) => ({ line: i + 1, code: code.replace(/\/\/.*$/, '') }))
    .filter(({ code }) => !/^\s*(\*|\/\*)/.test(code));

/** Readings of the time outside `realTime`, and real-time files that read it more often than they say. */
function readingsOutside(files: string[], realTime: Record<string, { readings: number; why: string }>): { found: string[]; grown: string[] } {
  const found: string[] = [];
  const counts = new Map<string, number>();
  for (const file of files) {
    for (const { line, code } of codeLines(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
      for (const { what, pattern } of READINGS) {
        for (const _ of code.matchAll(pattern)) {
          counts.set(file, (counts.get(file) ?? 0) + 1);
          if (!realTime[file]) found.push(`${file}:${line}: ${what} — use clock.now() / sqlNow (src/server/clock.ts)`);
        }
      }
    }
  }
  const grown = Object.entries(realTime)
    .filter(([file, { readings }]) => (counts.get(file) ?? 0) > readings)
    .map(([file, { readings }]) => `${file}: ${counts.get(file)} readings of real time, ${readings} expected`);
  return { found, grown };
}

/**
 * Tests build their fixtures from the clock too: a test that reads real time passes on the day it
 * was written and fails in the passes at other moments, which run only where PostgreSQL is (CI).
 */
const TESTS_REAL_TIME: Record<string, { readings: number; why: string }> = {
  'src/server/clock.test.ts': { readings: 2, why: 'compares lianxin_now() with now() and looks for defaults that read now()' },
  'src/server/db/data-lock.test.ts': { readings: 5, why: 'lock files are aged and dated in real time' },
  'src/server/multi-process.test.ts': { readings: 2, why: 'how long to wait for another process' },
  'test/e2e/checkin-crash.test.ts': { readings: 2, why: 'how long to wait for the server' },
  'test/e2e/notify-crash.test.ts': { readings: 4, why: 'how long to wait for the server and for its sending' },
  'src/server/jobs/scheduler.test.ts': { readings: 1, why: 'a test table records when each process really ran a job' },
  'test/e2e/support/server.ts': { readings: 2, why: 'how long to wait for the server' },
  'test/support/hold-data-folder.ts': { readings: 2, why: 'a helper process that takes a lock at a given real moment' },
};

describe('reading the time in server code', () => {
  it('goes through the clock everywhere but where real time is meant', () => {
    const files = filesUnder(SERVER, (name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).filter((f) => !HISTORICAL_MIGRATION.test(f));
    const { found, grown } = readingsOutside(files, REAL_TIME);
    expect(found).toEqual([]);
    // A real-time file that reads the time more often than it says has a reading to look at.
    expect(grown).toEqual([]);
  });

  it('goes through the clock in tests too, but where they wait or age files in real time', () => {
    const files = [
      // This file names what it looks for.
      ...filesUnder(path.join(ROOT, 'src'), (name) => name.endsWith('.test.ts') && name !== 'clock-guard.test.ts'),
      ...filesUnder(path.join(ROOT, 'test'), (name) => name.endsWith('.ts')),
    ];
    const { found, grown } = readingsOutside(files, TESTS_REAL_TIME);
    expect(found).toEqual([]);
    expect(grown).toEqual([]);
  });

  it('finds what it looks for', () => {
    const sample = codeLines(['const a = new Date();', 'sql`SELECT now()`', 'Date.now()', 'CURRENT_DATE', '// new Date()', 'clock.now(); lianxin_now(); new Date(x)', 'interface Clock { now(): Date }'].join('\n'));
    const hits = sample.flatMap(({ code }) => READINGS.filter(({ pattern }) => [...code.matchAll(pattern)].length > 0).map(({ what }) => what));
    expect(hits).toEqual(['new Date() without arguments', 'SQL now()', 'Date.now()', 'SQL CURRENT_DATE / CURRENT_TIMESTAMP / LOCALTIMESTAMP…']);
  });
});
