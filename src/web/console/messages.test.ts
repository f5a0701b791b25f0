import { describe, expect, it } from 'vitest';
import { messageParts, messages } from './messages.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the console's texts", () => {
  const parts = Object.entries(messageParts) as [string, { 'zh-CN': Record<string, string>; 'en-US': Record<string, string> }][];

  it('name every key in both languages, with the same placeholders; zh-CN is never empty', () => {
    const problems: string[] = [];
    for (const [area, part] of parts) {
      const zh = part['zh-CN'];
      const en = part['en-US'];
      for (const key of Object.keys(zh)) if (!(key in en)) problems.push(`${area}: ${key} has no en-US text`);
      for (const key of Object.keys(en)) if (!(key in zh)) problems.push(`${area}: ${key} has no zh-CN text`);
      for (const [key, text] of Object.entries(zh)) {
        const other = en[key];
        if (other === undefined) continue;
        // en-US may be empty where English needs no word (the unit after a number: 12 人 → 12)
        if (!text.trim()) problems.push(`${area}: ${key} is empty in zh-CN`);
        if (placeholders(text).join() !== placeholders(other).join()) problems.push(`${area}: ${key} has other placeholders in en-US`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('define each key in one feature only', () => {
    const owner = new Map<string, string>();
    const twice: string[] = [];
    for (const [area, part] of parts) {
      for (const key of Object.keys(part['zh-CN'])) {
        const first = owner.get(key);
        if (first) twice.push(`${key}: ${first} and ${area}`);
        owner.set(key, area);
      }
    }
    expect(twice).toEqual([]);
    expect(Object.keys(messages['zh-CN']).length).toBe(owner.size);
    expect(Object.keys(messages['en-US']).length).toBe(owner.size);
  });
});
