import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The web apps take only types from the contract's zod schemas (src/shared/api-*.ts): a value import
 * bundles zod, whose compiled checks build functions at run time, which the pages' Content-Security-
 * Policy refuses (no 'unsafe-eval'). Lists and limits the web needs live in src/shared/enums.ts.
 */
const WEB = path.resolve(import.meta.dirname);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}

/** Value (not type-only) names imported from a contract file, per statement. */
export function valueImportsFromContract(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/import\s+(type\s+)?(\{[^}]*\}|[\w*\s,]+)\s*from\s*['"]([^'"]*shared\/api[^'"]*)['"]/g)) {
    if (m[1]) continue;
    const names = (m[2] ?? '')
      .replace(/[{}]/g, '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n && !n.startsWith('type '));
    if (names.length) found.push(`${names.join(', ')} from ${m[3]}`);
  }
  return found;
}

describe('the web apps import no zod schema', () => {
  it('recognises a value import and lets a type import pass', () => {
    expect(valueImportsFromContract("import { LIMIT, type A } from '../../shared/api-x.ts';")).toEqual(['LIMIT from ../../shared/api-x.ts']);
    expect(valueImportsFromContract("import type { A } from '../../shared/api-x.ts';\nimport { type B } from '../../shared/api-y.ts';")).toEqual([]);
  });

  it('takes only types from src/shared/api-*.ts', () => {
    const problems = sources(WEB).flatMap((file) => valueImportsFromContract(fs.readFileSync(file, 'utf8')).map((i) => `${path.relative(WEB, file)}: ${i}`));
    expect(problems).toEqual([]);
  });
});
