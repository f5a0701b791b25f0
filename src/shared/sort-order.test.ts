import { describe, expect, it } from 'vitest';
import { chineseNumeralValue, comparePersonNames, compareUnitNames, compareUnits } from './sort-order.ts';

describe('sort order', () => {
  it('reads Chinese numerals as numbers', () => {
    expect(['一', '九', '十', '十一', '二十', '二十三', '百', '一百零五', '三千', '二〇二三', '12'].map(chineseNumeralValue)).toEqual([
      1, 9, 10, 11, 20, 23, 100, 105, 3000, 2023, 12,
    ]);
  });

  it('puts 第一 … 第十二 in their numbers’ order, not code-point order', () => {
    const ordered = ['第一', '第二', '第三', '第四', '第五', '第六', '第七', '第八', '第九', '第十', '第十一', '第十二'].map((n) => `${n}党小组`);
    const shuffled = [...ordered].sort(); // code point: 一 七 三 九 二 五 八 六 十 四 …
    expect(shuffled).not.toEqual(ordered);
    expect(shuffled.sort(compareUnitNames)).toEqual(ordered);
  });

  it('compares Arabic digits as numbers', () => {
    expect(['第10网格', '第2网格', '第1网格'].sort(compareUnitNames)).toEqual(['第1网格', '第2网格', '第10网格']);
  });

  it('orders the words around the numbers in pinyin', () => {
    expect(['流动党员党支部', '第二党支部', '第一党支部', '老年党支部'].sort(compareUnitNames)).toEqual(['第一党支部', '第二党支部', '老年党支部', '流动党员党支部']);
    expect(['张村党支部', '安村党支部', '白村党支部'].sort(compareUnitNames)).toEqual(['安村党支部', '白村党支部', '张村党支部']);
  });

  it('is a total order: the same number written two ways is still told apart, one way every time', () => {
    expect(compareUnitNames('第2组', '第二组')).not.toBe(0);
    expect(Math.sign(compareUnitNames('第2组', '第二组'))).toBe(-Math.sign(compareUnitNames('第二组', '第2组')));
    expect(compareUnitNames('第三组', '第三组')).toBe(0);
  });

  it('puts the set sort order before the name', () => {
    const units = [
      { sortOrder: 2, name: '第一党小组' },
      { sortOrder: 1, name: '第三党小组' },
      { sortOrder: 1, name: '第二党小组' },
    ];
    expect(units.sort(compareUnits).map((u) => u.name)).toEqual(['第二党小组', '第三党小组', '第一党小组']);
  });

  it('orders people by pinyin', () => {
    expect(['张伟', '陈静', '安然', '白雪'].sort(comparePersonNames)).toEqual(['安然', '白雪', '陈静', '张伟']);
  });
});
