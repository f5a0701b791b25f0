import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from './migrate.ts';

// Kysely records each applied migration by name and runs the list in the order migrate.ts gives,
// so a released name never changes: the two 0004 migrations both shipped and stay as they are.
const HISTORICAL_SHARED_NUMBERS = new Set(['0004']);

const numberOf = (name: string): string => name.slice(0, name.indexOf('_'));

describe('the migration list', () => {
  it('is sorted by name, so the order on a new database is the order of the names', () => {
    expect(MIGRATION_NAMES).toEqual(MIGRATION_NAMES.toSorted());
  });

  it('gives every migration a four-digit number and a name', () => {
    for (const name of MIGRATION_NAMES) expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
  });

  it('gives each new migration a number of its own (only the historical 0004 pair shares one)', () => {
    const seen = new Map<string, string[]>();
    for (const name of MIGRATION_NAMES) seen.set(numberOf(name), [...(seen.get(numberOf(name)) ?? []), name]);
    const shared = [...seen].filter(([number, names]) => names.length > 1 && !HISTORICAL_SHARED_NUMBERS.has(number));
    expect(shared).toEqual([]);
    expect(seen.get('0004')).toEqual(['0004_learning_rollup', '0004_pushes_indexes']);
  });

  it('names every file of migrations/ (a file left out of the list would never run)', () => {
    const dir = fileURLToPath(new URL('./migrations/', import.meta.url));
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .toSorted();
    expect(files).toEqual(MIGRATION_NAMES);
  });
});
