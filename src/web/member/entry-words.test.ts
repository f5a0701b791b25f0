import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dutyEntryWords } from './i18n-duty-entry.ts';
import { pledgesEntryWords } from './i18n-pledges-entry.ts';
import { serviceEntryWords } from './i18n-service-entry.ts';

/**
 * 首页 and 我的 load with the app; their entries into 值守 and 四个一承诺 (screens/*-entry.tsx) must
 * not pull a screen's whole word list (i18n-duty.ts, i18n-pledges.ts) into that first chunk: they
 * take their few words from i18n-<area>-entry.ts, and the screens load on first use.
 */
const HERE = path.resolve(import.meta.dirname);

/** The modules a source imports as values (type-only imports are left out of the bundle). */
function valueImports(source: string): string[] {
  return [...source.matchAll(/import\s+(?!type\s)[^;]*?from\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

describe('the first screens’ entries carry small word lists', () => {
  it('reads value imports and leaves type imports out', () => {
    expect(valueImports("import { a } from './x.ts';\nimport type { B } from './y.ts';\nimport { c,\n d } from './z.ts';")).toEqual(['./x.ts', './z.ts']);
  });

  for (const [entry, whole] of [
    ['screens/duty-entry.tsx', 'i18n-duty.ts'],
    ['screens/pledges-entry.tsx', 'i18n-pledges.ts'],
    ['screens/service-entry.tsx', 'i18n-service.ts'],
  ] as const) {
    it(`${entry} imports nothing of ${whole}`, () => {
      const imports = valueImports(fs.readFileSync(path.join(HERE, entry), 'utf8'));
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((i) => i.endsWith(`/${whole}`))).toEqual([]);
    });
  }

  it('has every entry word in both languages', () => {
    for (const words of [dutyEntryWords, pledgesEntryWords, serviceEntryWords]) {
      const zh = words['zh-CN'] as unknown as Record<string, string>;
      const en = words['en-US'] as unknown as Record<string, string>;
      expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
      for (const k of Object.keys(zh)) {
        expect(zh[k], k).not.toBe('');
        expect(en[k], k).not.toBe('');
      }
    }
  });
});
