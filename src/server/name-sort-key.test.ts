import { describe, expect, it } from 'vitest';
import { nameSortKey } from './name-sort-key.ts';

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('name sort key', () => {
  it('is the toneless pinyin, a syllable a word, with surname readings', () => {
    expect(nameSortKey('张三')).toBe('zhang san');
    expect(nameSortKey('单雄')).toBe('shan xiong');
    expect(nameSortKey('曾国')).toBe('zeng guo');
    expect(nameSortKey(' Tom 李 ')).toBe('tom li');
  });

  it('puts names in pinyin order when compared byte by byte, as collation "C" does', () => {
    const names = ['张伟', '陈静', '安然', '白雪', '安', '阿强', '艾青'];
    const sorted = [...names].sort((a, b) => byteOrder(nameSortKey(a), nameSortKey(b)));
    // 阿 a < 艾 ai < 安 an < 安然 an ran: a shorter syllable first, a one-character name before a longer one.
    expect(sorted).toEqual(['阿强', '艾青', '安', '安然', '白雪', '陈静', '张伟']);
  });
});
