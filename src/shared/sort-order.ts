/**
 * How units and people are put in order, the same on the server and in the console.
 *
 * Code-point order puts 第七党小组 before 第三党小组 (七 is U+4E03, 三 U+4E09) and 第10网格 before
 * 第2网格, so unit names are compared "naturally": every run of Arabic digits or Chinese numerals
 * is read as a number, and the text between runs is compared in pinyin order (ICU's zh collation,
 * which Node and every browser ship).
 */

const zhCollator = new Intl.Collator('zh-CN');

/** People's names (and any other Chinese text) in pinyin order: 安, 白, 陈, 张. */
export function comparePersonNames(a: string, b: string): number {
  return zhCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const MULTIPLIER: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const NUMERAL_RUN = /[0-9]+|[零〇一二两三四五六七八九十百千]+/g;

/** 十一 → 11, 二十三 → 23, 一百零五 → 105, 百 → 100; a run of bare digits (二〇二三) reads digit by digit. */
export function chineseNumeralValue(run: string): number {
  if (/^[0-9]+$/.test(run)) return Number(run);
  const chars = [...run];
  if (!chars.some((c) => c in MULTIPLIER)) return chars.reduce((n, c) => n * 10 + (DIGIT[c] ?? 0), 0);
  let total = 0;
  let digit = 0;
  for (const c of chars) {
    const m = MULTIPLIER[c];
    if (m !== undefined) {
      // A multiplier with no digit before it counts once: 十一 is 11, 百 is 100.
      total += (digit || 1) * m;
      digit = 0;
    } else {
      digit = DIGIT[c] ?? 0;
    }
  }
  return total + digit;
}

type Part = { num: number } | { text: string };

function parts(name: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of name.matchAll(NUMERAL_RUN)) {
    const at = m.index;
    if (at > last) out.push({ text: name.slice(last, at) });
    out.push({ num: chineseNumeralValue(m[0]) });
    last = at + m[0].length;
  }
  if (last < name.length) out.push({ text: name.slice(last) });
  return out;
}

/** Unit names in their numbers' order: 第一 … 第九, 第十, 第十一; 第2网格 before 第10网格; other text in pinyin. */
export function compareUnitNames(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as Part;
    const y = pb[i] as Part;
    if ('num' in x && 'num' in y) {
      if (x.num !== y.num) return x.num - y.num;
    } else if ('text' in x && 'text' in y) {
      const c = zhCollator.compare(x.text, y.text);
      if (c !== 0) return c;
    } else {
      // A number before words, as in a natural sort: 第1组 before 第甲组.
      return 'num' in x ? -1 : 1;
    }
  }
  // Equal part by part (第2 and 第二, or one a prefix of the other): shorter first, then the whole text.
  return pa.length - pb.length || comparePersonNames(a, b);
}

/** Siblings in the tree: the order a secretary set (sort_order) first, then their names' numbers. */
export function compareUnits(a: { sortOrder: number; name: string }, b: { sortOrder: number; name: string }): number {
  return a.sortOrder - b.sortOrder || compareUnitNames(a.name, b.name);
}
