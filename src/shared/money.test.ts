import { describe, expect, it } from 'vitest';
import { formatFen, parseYuan, yuanProblem } from './money.ts';

describe('money in fen', () => {
  it('parses yuan without floats', () => {
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('0.1')! + parseYuan('0.2')!).toBe(30);
    expect(parseYuan('0.10')! + parseYuan('0.20')!).toBe(30);
    expect(parseYuan('1234567.89')).toBe(123456789);
    expect(parseYuan(' 3.07 ')).toBe(307);
    expect(parseYuan('007.1')).toBe(710);
  });
  it('refuses negatives, non-numbers and more than two decimals', () => {
    expect(parseYuan('-1')).toBeNull();
    expect(yuanProblem('-1')).toBe('金额不能为负数');
    expect(parseYuan('abc')).toBeNull();
    expect(parseYuan('1e3')).toBeNull();
    expect(parseYuan('1.234')).toBeNull();
    expect(yuanProblem('1.234')).toBe('金额最多两位小数（精确到分）');
    expect(parseYuan('')).toBeNull();
    expect(parseYuan('999999999999999')).toBeNull();
  });
  it('formats fen with two places', () => {
    expect(formatFen(1250)).toBe('12.50');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(123456789, { grouped: true })).toBe('1,234,567.89');
    expect(formatFen(-30)).toBe('-0.30');
  });
});
